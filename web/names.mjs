// The names a signed-in party may read (names_logic.mjs): its contracts' other parties, from ONE list_contracts read
// per session (every screen that shows a party asks here), read again after READ_AGAIN_MS so that a contract
// signed meanwhile shows its contractor by name. The operator reads no contract: its directory is empty (its own
// screens read list_parties); the purchasing body holds none: its read names it only. A read that fails is forgotten at once (the
// next screen tries again) and gives the empty directory: ids are then shown alone, nothing is refused. The same
// read names the caller itself (list_contracts' caller_name: the header's « Gestionnaire — Nom », its id in the tooltip).
import { EMPTY_DIRECTORY, PICKER_TEXTS, directoryFromContracts, partyCell, partyPick } from "./names_logic.mjs";
import { choiceField, h } from "./ui.mjs";

const READ_AGAIN_MS = 5 * 60 * 1000;
// the purchasing body reads no contract: list_contracts answers it its own name only (the header's « Centrale d'achat —
// Nom », B1 parties), its directory otherwise empty
const ROLES_WITH_CONTRACTS = new Set(["manager", "contractor", "beneficiary", "purchasing_body"]);
let cached = null;  // { key, at, promise, value (once read) }

export function directory(ctx) {
  const claims = ctx.session?.claims ?? {};
  if (!ROLES_WITH_CONTRACTS.has(claims.role)) return Promise.resolve(EMPTY_DIRECTORY);
  const key = keyOf(claims);
  const now = Date.now();
  if (cached && cached.key === key && now - cached.at < READ_AGAIN_MS) return cached.promise;
  const entry = { key, at: now, promise: null, value: cached?.key === key ? cached.value : null };  // kept meanwhile
  entry.promise = ctx.call("list_contracts").then((list) => {
    entry.value = directoryFromContracts(list.contracts, list.caller_name);
    return entry.value;
  }, () => {
    if (cached === entry) cached = null;
    return EMPTY_DIRECTORY;
  });
  cached = entry;
  return entry.promise;
}

const keyOf = (claims) => `${claims.role}/${claims.tenant}/${claims.uid ?? ""}`;

// The directory already read for this session, at once (the header drawn with each screen names the party without
// waiting), or null before the first read has answered.
export function known(ctx) {
  const claims = ctx.session?.claims ?? {};
  return cached && cached.key === keyOf(claims) ? cached.value ?? null : null;
}

// Forgotten at sign-out (another account may sign in on the same tab).
export function forget() {
  cached = null;
}

// A list cell's content: the party's name, its id in the tooltip (partyCell: names_logic.mjs's one rule), « Nom
// (identifiant) » for homonyms, the id alone when no name is known.
export function partyNodes(names, id) {
  const cell = partyCell(names, id);
  return [h("span", { className: "party-name", title: cell.title }, cell.name)];
}

// A form's picker of the caller's parties of `kind` ("contractors", "clients") from a directory already read
// (partyPick): a <select> by name whose value is the id, or — the contracts could not be read — the typed id with
// why in a notice. → { field, notice } (choiceField's).
export function partyField(names, { kind, name, label, value = "", required = true, placeholder = null }) {
  const pick = partyPick(names, kind, value);
  const texts = PICKER_TEXTS[kind];
  return choiceField({ state: pick ? { rows: pick.options } : { error: true }, options: (rows) => rows, name, label,
    value: pick ? pick.value : value, required, placeholder, hint: texts.hint, none: texts.none,
    failure: () => texts.failure, noticeId: `${name}-list-error` });
}

// The same picker in a form drawn before the directory answers: a disabled « Chargement de la liste… » first, then
// partyField in its place. → { node, field (the one shown now), ready (the directory, once drawn) }.
export function partyPicker(ctx, options) {
  const node = h("div", { className: "picker", "data-picker": options.name });
  let current = null;
  const draw = ({ field, notice }) => {
    current = field;
    node.replaceChildren(...[notice, field].filter(Boolean));
  };
  draw(choiceField({ state: { loading: true }, name: options.name, label: options.label }));
  const ready = directory(ctx).then((names) => {
    draw(partyField(names, options));
    return names;
  });
  return { node, get field() { return current; }, ready };
}
