// Pure logic of the « Marchés » screen (web/contracts.mjs): the catalogue's six-month review (A14) as its manager
// and its contractor read it. No DOM, no network — tested with `node --test tests/web/` (order_screen.test.mjs,
// user_texts.test.mjs).
import { formatDateTime } from "./logic.mjs";

// --- the catalogue's six-month review (A14, get_catalogue) ---------------------------------------------
// What the catalogue screen says of the review: a contract without a catalogue in force is not « not reviewed for six
// months » — it has none to review; else when the last review was and when the next is due, late or not.
// `canImport`: the reader is the manager who imports it (the form under the message), told to; another reads who does.
export function catalogueReviewText(view, { canImport = false } = {}) {
  if (!view?.in_force) {
    return { text: canImport
      ? "Aucun catalogue en vigueur : importez-le ci-dessous (« Importer une nouvelle version du catalogue ») ou depuis "
        + "votre système ; il se révise ensuite tous les six mois."
      : "Aucun catalogue en vigueur : le gestionnaire du marché doit en importer un, révisé ensuite tous les six mois.",
    late: true, canConfirm: false };
  }
  const last = formatDateTime(view.last_reviewed_on ?? view.in_force.reviewed_on);
  const due = formatDateTime(view.review_due_on);
  if (view.needs_review) {
    return { text: `Revue semestrielle en retard : elle était due le ${due} (dernière revue le ${last}).`,
      late: true, canConfirm: true };
  }
  return { text: `Dernière revue le ${last} ; prochaine revue semestrielle le ${due}.`, late: false,
    canConfirm: true };
}
