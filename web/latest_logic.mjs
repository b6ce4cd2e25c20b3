// Late answers never draw over what the user chose since (A11 lists, every role's screens): a screen whose
// filter, picker, page button, tab or « Afficher » starts a read that replaces part of it takes a turn of one
// `latestOnly()` per replaced part before each read. A turn keeps its read's answer — and its error — only while
// no later turn was taken: an outdated read neither resolves nor rejects (its `await` never returns, so
// neither its table nor its error box is drawn over the newer answer).
//
//   const latest = latestOnly();
//   async function load() {
//     const turn = latest();                    // every read begun before this one is now outdated
//     try { show(await turn(read(...))); }      // drawn only while this read is still the latest
//     catch (err) { box(err); }                 // so is its error
//   }
//
// `turn.current()` says whether no later turn was taken (for work done without awaiting through the turn).
export function latestOnly() {
  let latest = 0;
  return function turn() {
    const mine = ++latest;
    const current = () => mine === latest;
    const keep = (read) => new Promise((resolve, reject) => {
      Promise.resolve(read).then(
        (value) => { if (current()) resolve(value); },
        (error) => { if (current()) reject(error); });
    });
    keep.current = current;
    return keep;
  };
}
