// A long form keeps what was typed while the tab lives (sessionStorage): « Nouveau besoin », « Nouvelle commande »,
// « Demander un devis », « Proposer un devis » and a quote's « Répondre » / « Réviser » left by a tap on the menu, a
// reload or an expired session find their fields again. Pure logic here (tested by tests/web/draft.test.mjs); keepDraft
// in ui.mjs wires it to a form. Never a password nor a file; each account's own (keyed by its tenant and uid), forgotten
// at sign-out, when another account signs in on the tab, and once the form is sent and accepted.
//
// A draft is { name: value } for each named field, a check box's state as a boolean. Fields drawn late (a picker whose
// options load after the form, the lines of a contract's catalogue, a line added) take their value once drawn; a value
// a picker no longer offers is kept and told next to it, never chosen silently. Under `$attempt`, the sending still
// without an answer (its Idempotency-Key): the same content sent again after a reload is the same request.

export const DRAFT_PREFIX = "passerelle-draft:";
export const ATTEMPT = "$attempt";
const SKIPPED = new Set(["password", "file", "submit", "button", "reset", "hidden"]);

const kept = (control) => Boolean(control?.name) && !SKIPPED.has(control.type) && control.name !== ATTEMPT;
const isDraft = (draft) => Boolean(draft) && typeof draft === "object" && !Array.isArray(draft);
const typeFits = (control, value) => typeof value === (control.type === "checkbox" ? "boolean" : "string");

// The account's part of a key: its tenant and uid (`uid` as decodeClaims gives it; a token's own user_id or sub).
export function draftOwner(claims) {
  return `${DRAFT_PREFIX}${claims?.tenant ?? ""}:${claims?.uid ?? claims?.user_id ?? claims?.sub ?? ""}:`;
}

// The sessionStorage key of a screen's draft for the signed-in account; `scope`: what the form is about when it is
// about one thing (a quote: its manager and id, and the version its revision starts from; an order completed).
export function draftKey(claims, screen, ...scope) {
  const parts = scope.filter((p) => p !== null && p !== undefined && p !== "").map((p) => encodeURIComponent(String(p)));
  return `${draftOwner(claims)}${[screen, ...parts].join(":")}`;
}

// The draft of a form's controls ({ name, type, value, checked }): each named field's value, a check box's state.
export function draftOf(controls) {
  const draft = {};
  for (const c of controls) if (kept(c)) draft[c.name] = c.type === "checkbox" ? Boolean(c.checked) : String(c.value ?? "");
  return draft;
}

// A picker ({ options: the values it offers }) offers the value, or is no picker.
const offers = (control, value) => !Array.isArray(control.options) || control.options.includes(value);

// What to put back: [name, value] for each control of the form the draft has a value for (text, or a check box's
// state) — in a picker, only a value it offers (the others: draftMissing).
export function draftRestores(draft, controls) {
  if (!isDraft(draft)) return [];
  return controls.filter((c) => kept(c) && Object.hasOwn(draft, c.name) && typeFits(c, draft[c.name])
    && offers(c, draft[c.name])).map((c) => [c.name, draft[c.name]]);
}

// The draft's choices its pickers no longer offer (a contract ended, a node retired, a list not readable now): [name,
// value] — kept in the draft and told next to the picker, which stays to be chosen again.
export function draftMissing(draft, controls) {
  if (!isDraft(draft)) return [];
  return controls.filter((c) => kept(c) && Array.isArray(c.options) && Object.hasOwn(draft, c.name)
    && typeof draft[c.name] === "string" && draft[c.name] !== "" && !c.options.includes(draft[c.name]))
    .map((c) => [c.name, draft[c.name]]);
}

// The draft's values for fields not drawn yet (a contract's lines, a line added): restored once they are.
export function draftPending(draft, controls) {
  if (!isDraft(draft)) return {};
  const names = new Set(controls.filter(kept).map((c) => c.name));
  return Object.fromEntries(Object.entries(draft).filter(([name]) => name !== ATTEMPT && !names.has(name)));
}

// What to keep now: the fields as they are, the values still waiting for their field, a missing choice while its
// picker is left unchosen, and the sending without an answer.
export function draftToSave(controls, { pending = {}, missing = {}, attempt = null } = {}) {
  const now = draftOf(controls);
  const waiting = Object.fromEntries(Object.entries(missing).filter(([name]) => !now[name]));
  return { ...pending, ...now, ...waiting, ...(attempt ? { [ATTEMPT]: attempt } : {}) };
}

// Whether restoring the draft changes anything the form shows (then the screen says the typing was taken back).
export function draftShown(draft, controls) {
  const byName = new Map(controls.map((c) => [c.name, c]));
  return draftMissing(draft, controls).length > 0 || draftRestores(draft, controls).some(([name, value]) => {
    const c = byName.get(name);
    return c.type === "checkbox" ? Boolean(c.checked) !== value : String(c.value ?? "") !== value;
  });
}

// The number of lines a draft holds (service_code_<i>, label_<i>… of lines_editor.mjs): the lines to draw before
// restoring it; at least `drawn`.
export function draftLineCount(draft, drawn = 1) {
  if (!isDraft(draft)) return drawn;
  let count = drawn;
  for (const name of Object.keys(draft)) {
    const m = /^(?:service_code|label|quantity|unit|unit_price)_(\d+)$/.exec(name);
    if (m) count = Math.max(count, Number(m[1]) + 1);
  }
  return count;
}

// The sending a restored draft left without an answer ({ text, key, … }), or null: the same content sent again keeps
// its Idempotency-Key (attemptKey compares the text), another content takes a new one.
export function draftAttempt(draft) {
  const a = isDraft(draft) ? draft[ATTEMPT] : null;
  return isDraft(a) && typeof a.text === "string" && typeof a.key === "string" && a.key ? a : null;
}

// The drafts to forget among the storage's keys: all at sign-out; when an account signs in (`keep`: its draftOwner),
// every other account's.
export function draftKeysToForget(keys, keep = null) {
  return keys.filter((k) => k?.startsWith(DRAFT_PREFIX) && !(keep && k.startsWith(keep)));
}
