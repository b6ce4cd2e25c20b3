// What the screen says by itself to a screen reader (RGAA 7.5 status messages), through the page's one polite live
// region (ui.mjs announce): pure text, tested with `node --test` (tests/web/announce.test.mjs).
import { stateLabel } from "./logic.mjs";

const NAMED = 3;  // orders named one by one; beyond, a count

// A11 real-time view: the orders of a list that just changed (`changedKeys`: « manager_id/order_id », as changedRows
// answers), by reference and new state, in the list's order — "" when none did (nothing to say).
export function orderChangesText(rows, changedKeys) {
  const changed = (rows ?? []).filter((row) => changedKeys?.has(`${row.manager_id}/${row.order_id}`));
  if (!changed.length) return "";
  const named = changed.slice(0, NAMED).map((row) => `${row.order_id} (${row.state_label ?? stateLabel(row.state)})`);
  if (changed.length === 1) {
    const [row] = changed;
    return `La commande ${row.order_id} vient de changer : ${row.state_label ?? stateLabel(row.state)}.`;
  }
  const others = changed.length - NAMED;
  const list = others > 0 ? `${named.join(", ")} et ${others} ${others === 1 ? "autre" : "autres"}`
    : `${named.slice(0, -1).join(", ")} et ${named.at(-1)}`;
  return `${changed.length} commandes viennent de changer : ${list}.`;
}

// An order that changed and left the list (it no longer matches its filters).
export function orderLeftText(orderId) {
  return `La commande ${orderId} vient de changer et ne correspond plus aux filtres de la liste.`;
}

// The order on screen changed while the user was in one of its forms (live_order.mjs): said, the form left as it is.
export const ORDER_CHANGED_TEXT = "Cette commande vient de changer. Le bouton « Actualiser » l'affiche à jour.";

// The quote on its own screen changed while the user was in one of its forms (quotes.mjs): said, the form left as it is.
export const QUOTE_CHANGED_TEXT = "Ce devis vient de changer. Le bouton « Actualiser » l'affiche à jour.";

// A report or a statement drawn below its form: its whole content is not read out (a live region around it would),
// this short sentence is; the reader goes on to it from the form. `period` {from, to} ISO dates (« aaaa-mm-jj »).
export function reportShownText(period) {
  const fr = (iso) => (/^\d{4}-\d{2}-\d{2}$/.test(iso ?? "") ? iso.split("-").reverse().join("/") : iso ?? "");
  return `Rapport du ${fr(period?.from)} au ${fr(period?.to)} affiché ci-dessous.`;
}

export function statementShownText(heading) {
  return `${heading} : affiché ci-dessous.`;
}

// A paged list (« Page suivante », « Première page »: the orders' lists, « Devis ») says the page it now shows and
// how many rows it holds: « Page 2 : 25 commandes. » — `page` from 1, `count` the rows shown, `nouns` the list's
// words (ORDER_NOUNS, QUOTE_NOUNS).
export const ORDER_NOUNS = { one: "commande", many: "commandes", none: "aucune commande" };
export const QUOTE_NOUNS = { one: "devis", many: "devis", none: "aucun devis" };

// A11 lists: what a search (« Référence ou objet », list_orders q=) found, said once its list is drawn — its rows
// counted, and, when they fill the list (`limit`: the search answers one list, no next page), that typing more narrows
// it: « 25 premières commandes trouvées pour « fuite » : précisez la recherche pour les autres. »
export function searchText(search, count, limit) {
  const typed = `« ${(search ?? "").trim()} »`;
  if (!count) return `Aucune commande trouvée pour ${typed}.`;
  if (limit && count >= limit) return `${count} premières commandes trouvées pour ${typed} : précisez la recherche pour les autres.`;
  return `${count} ${count === 1 ? "commande trouvée" : "commandes trouvées"} pour ${typed}.`;
}

export function pageText(page, count, nouns = ORDER_NOUNS) {
  const rows = !count ? nouns.none : `${count} ${count === 1 ? nouns.one : nouns.many}`;
  return `Page ${page} : ${rows}.`;
}
