// The names a signed-in party may read (names_logic.mjs): its contracts' other parties, from ONE list_contracts read
// per session (every screen that shows a party asks here), read again after READ_AGAIN_MS so that a contract
// signed meanwhile shows its contractor by name. The operator and the purchasing body read no contract: their
// directory is empty (the operator's own screens read list_parties). A read that fails is forgotten at once (the
// next screen tries again) and gives the empty directory: ids are then shown alone, nothing is refused.
import { EMPTY_DIRECTORY, directoryFromContracts, partyCell } from "./names_logic.mjs";
import { h } from "./ui.mjs";

const READ_AGAIN_MS = 5 * 60 * 1000;
const ROLES_WITH_CONTRACTS = new Set(["manager", "contractor", "beneficiary"]);
let cached = null;  // { key, at, promise }

export function directory(ctx) {
  const claims = ctx.session?.claims ?? {};
  if (!ROLES_WITH_CONTRACTS.has(claims.role)) return Promise.resolve(EMPTY_DIRECTORY);
  const key = `${claims.role}/${claims.tenant}/${claims.uid ?? ""}`;
  const now = Date.now();
  if (cached && cached.key === key && now - cached.at < READ_AGAIN_MS) return cached.promise;
  const entry = { key, at: now, promise: null };
  entry.promise = ctx.call("list_contracts").then((list) => directoryFromContracts(list.contracts), () => {
    if (cached === entry) cached = null;
    return EMPTY_DIRECTORY;
  });
  cached = entry;
  return entry.promise;
}

// Forgotten at sign-out (another account may sign in on the same tab).
export function forget() {
  cached = null;
}

// A list cell's content: the party's name, its id below as secondary text (partyCell).
export function partyNodes(names, id) {
  const cell = partyCell(names, id);
  return [h("span", { className: "party-name" }, cell.name),
    cell.id ? h("div", { className: "sub party-id" }, cell.id) : null];
}
