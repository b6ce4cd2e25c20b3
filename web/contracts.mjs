// Contracts and catalogue versions (A13, A14), a contract's penalty terms versions (A9), property coverage
// with its orphans and the « Rattacher » action that attaches an order to an active node (A7).
// B18 territories: a contract's screen shows its versions' times on the clock of the contract's territory
// (get_contract's time_zone: its perimeter's when it names one territory, else its manager's), names it once when it
// is not Paris's (#contract-clock) and offers today there as the review's date, the day the platform accepts.
import {
  allNodes, attachBody, attachQuestion, attachableOrders, attachedText, coverageMeter, currentNodeText, nodeNaming,
  chosenNodeNaming, chosenNodeText, nodeOptions, nodesById, proposalGroups,
} from "./coverage_logic.mjs";
import {
  PARIS_ZONE, formatDateTime, formatEuros, orderZone, parseFrenchDate, screenClockNote, todayFrenchIn,
} from "./logic.mjs";
import { listFailure, listState } from "./parties_logic.mjs";
import { termsVersionsView } from "./terms_logic.mjs";
import { catalogueReviewText } from "./contracts_logic.mjs";
import { clientColumnLabel } from "./sourcing_logic.mjs";
import { choiceField, dateField, definitionList, errorBox, errorSlot, field, h, messagesOf, recorder, table } from "./ui.mjs";
import { catalogueImport, mayImport, treeImport } from "./imports.mjs";
import { attachProposals, attachSelection } from "./coverage_bulk.mjs";
import { partyNodes } from "./names.mjs";
import { directoryFromContracts } from "./names_logic.mjs";
import { contractFiltersFromQuery, reviewSoon } from "./todo_logic.mjs";

const STATUS_LABELS = { active: "en vigueur", draft: "brouillon", suspended: "suspendu", ended: "terminé",
  terminated: "résilié" };

export async function renderContracts(ctx, query = "") {
  const manager = ctx.session.claims.role === "manager";
  // « À faire » links here with ?review=due (A14): the contracts whose six-monthly catalogue review waits, alone
  const { reviewDue } = manager ? contractFiltersFromQuery(query) : { reviewDue: false };
  const body = h("div", {}, h("p", {}, "Chargement…"));
  ctx.show(manager ? "Marchés et catalogues" : "Mes marchés", body);
  try {
    const list = await ctx.call("list_contracts");
    const names = directoryFromContracts(list.contracts);  // each row names its parties: no other read
    const rows = reviewDue ? list.contracts.filter((c) => reviewSoon(c)) : list.contracts;
    const filter = reviewDue ? h("p", { className: "filter-note" }, "Marchés dont la revue semestrielle du catalogue "
      + "est due dans le mois ou dépassée. ", h("a", { href: "#/contracts" }, "Voir tous les marchés")) : null;
    body.replaceChildren(...[filter, table(["Marché", manager ? "Prestataire" : clientColumnLabel("contractor", list.contracts), "Statut", "Du", "Au", "Lots",
      "Versions du catalogue", ...(manager ? ["Prochaine revue"] : [])], rows.map((c) => h("tr", { "data-contract": c.contract_id },
      h("td", {}, h("a", { href: `#/contracts/${encodeURIComponent(c.manager_id)}/${encodeURIComponent(c.contract_id)}` },
        c.contract_id)),
      h("td", { className: "party" }, partyNodes(names, manager ? c.contractor_id : c.manager_id)),
      // on a phone each contract a card (table.cards in style.css): its id and party, then each column's name
      h("td", { "data-label": "Statut" }, STATUS_LABELS[c.status] ?? c.status),
      h("td", { "data-label": "Du" }, formatDateTime(c.starts_on)), h("td", { "data-label": "Au" }, formatDateTime(c.ends_on)),
      h("td", { "data-label": "Lots" }, (c.lots ?? []).map((l) => l.label ?? l.lot_id ?? l).join(", ") || "—"),
      h("td", { "data-label": "Versions du catalogue" },
        c.catalogue_versions.length ? c.catalogue_versions.join(", ") : "aucune"),
      manager ? h("td", { "data-label": "Prochaine revue" }, c.review_due_on ? formatDateTime(c.review_due_on) : "—")
        : null)),
    { label: "Marchés", empty: reviewDue ? "Aucun catalogue à revoir ce mois-ci." : "Aucun marché.", className: "cards" })]
      .filter(Boolean));
  } catch (err) {
    if (err.status !== 401) body.replaceChildren(errorBox(messagesOf(err)));
  }
}

export async function renderCatalogue(ctx, managerId, contractId, notice = null) {
  const manager = ctx.session.claims.role === "manager";
  const query = new URLSearchParams({ contract_id: contractId, ...(manager ? {} : { manager_id: managerId }) });
  let view, contract;
  try {
    [view, contract] = await Promise.all([ctx.call("get_catalogue", { query: query.toString() }),
      ctx.call("get_contract", { query: query.toString() }).catch((err) => ({ failed: err }))]);
  } catch (err) {
    return ctx.showError(`Marché ${contractId}`, err);
  }
  const current = view.in_force;
  const items = Object.values(current?.items ?? {});
  const zone = contract.failed ? PARIS_ZONE : orderZone(contract);
  const clock = contract.failed ? null : screenClockNote(contract, "contract");
  // A14: the manager of the space, for its own contract, imports the next version (a contractor is never offered it)
  const canImport = mayImport(ctx.session.claims, "contracts.write") && managerId === ctx.session.claims.tenant;
  const review = catalogueReviewText(view, { canImport });
  const imports = canImport
    ? catalogueImport(ctx, { contractId, view, today: todayFrenchIn(zone),
      done: (text) => renderCatalogue(ctx, managerId, contractId, text) })
    : null;
  ctx.show(`Marché ${contractId} — catalogue`,
    h("p", {}, h("a", { href: "#/contracts" }, "← Retour aux marchés")),
    notice ? h("p", { className: "status", role: "status", id: "catalogue-imported" }, notice) : null,
    clock ? h("p", { id: "contract-clock", className: "hint", role: "note", "data-clock": zone }, clock) : null,
    h("p", { className: review.late ? "badge late" : "hint", role: "note", id: "catalogue-review" }, review.text),
    manager && review.canConfirm ? reviewForm(ctx, managerId, contractId, zone) : null,
    definitionList([["Version en vigueur", current ? String(current.version) : "aucune"],
      ["Applicable depuis", formatDateTime(current?.valid_from)], ["Révisé le", formatDateTime(current?.reviewed_on)],
      ["Au", formatDateTime(view.on)]]),
    h("h2", {}, "Versions"),
    table(["Version", "Applicable depuis", "Révisée le"], view.versions.map((v) => h("tr", {},
      h("td", {}, String(v.version)), h("td", {}, formatDateTime(v.valid_from)), h("td", {}, formatDateTime(v.reviewed_on)))),
    { label: "Versions du catalogue", empty: "Aucune version importée." }),
    h("h2", {}, "Prestations de la version en vigueur"),
    table(["Code", "Libellé", "Unité", "Prix unitaire HT", "TVA"], items.map((i) => h("tr", {}, h("td", {}, i.code),
      h("td", {}, i.label), h("td", {}, i.unit), h("td", { className: "num" }, formatEuros(i.unit_price_cents)),
      h("td", { className: "num" }, `${i.vat_rate} %`))), { label: "Prestations", empty: "Aucune prestation.",
      cards: { headings: [0, 1] } }),  // on a phone each item a card: its code and label, then unit, price, VAT
    imports,
    h("h2", {}, "Pénalités du marché"),
    contract.failed ? errorBox(messagesOf(contract.failed)) : penaltyTerms(termsVersionsView(
      contract.penalty_terms_versions), { accounts: manager, timeZone: zone }));
}

// A14: the manager records that the six-month review kept the catalogue as it is (confirm_catalogue_review); a
// review that changes prices is a new version (import_catalogue). The contractor is told. The day offered is today
// on the contract's clock (`zone`), the latest the platform accepts (shared/service/catalogue.py, today_of).
function reviewForm(ctx, managerId, contractId, zone = PARIS_ZONE) {
  const on = dateField({ name: "reviewed_on", label: "Revu le", required: true, value: todayFrenchIn(zone) });
  const note = field({ name: "review_note", label: "Note (facultative)", paths: ["note"] });
  const slot = errorSlot(() => [on, note]);
  const form = h("form", { className: "filters", id: "catalogue-review-form", "aria-label": "Revue du catalogue",
    novalidate: true }, slot.node, on, note, h("button", { type: "submit" }, "Confirmer la revue sans changement"));
  const send = recorder(ctx, "confirm_catalogue_review", { form });  // a double click confirms it once
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return undefined;
    slot.clear();
    const reviewedOn = parseFrenchDate(on.input.value);
    if (!reviewedOn) return slot.show([{ field: "$.reviewed_on", message: "Date au format jj/mm/aaaa." }]);
    try {
      const sent = await send.send({ contract_id: contractId, reviewed_on: reviewedOn,
        ...(note.input.value.trim() ? { note: note.input.value.trim() } : {}) });
      if (sent.ignored) return undefined;
      await renderCatalogue(ctx, managerId, contractId);
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  return form;
}

// A9: every version of a contract's (or an agreement's) penalty terms, the one in force today first in the
// facts; ``terms``: termsVersionsView or agreementTermsView of logic.mjs. Who set a version — by name, the account's
// uid when it has no record — is for the party whose accounts they are (``accounts``); the other reads the version.
export function penaltyTerms(terms, { facts = [], accounts = false, timeZone = undefined } = {}) {
  return [
    definitionList([...facts, ["En vigueur", terms.inForce], ["Conditions", terms.inForceTerms],
      ["Au", formatDateTime(terms.on)]]),
    table(["Version", "À partir du", "État", "Conditions", "Motif", ...(accounts ? ["Fixée par"] : []), "Le"],
      // on a phone each version a card (table.cards in style.css): the column's name (data-label) before its value
      terms.rows.map((r) => h("tr", { "data-terms-version": String(r.version) },
        h("td", { "data-label": "Version" }, String(r.version)),
        h("td", { "data-label": "À partir du" }, formatDateTime(r.effectiveFrom)), h("td", { "data-label": "État" }, r.state),
        h("td", { "data-label": "Conditions" }, r.terms), h("td", { "data-label": "Motif" }, r.reason),
        accounts ? h("td", { "data-label": "Fixée par" }, r.setBy) : null,
        h("td", { "data-label": "Le" }, formatDateTime(r.setAt, timeZone)))),
    { label: "Versions des pénalités", className: "cards",
      empty: terms.empty ?? "Aucun avenant : les conditions de la signature s'appliquent." }),
  ];
}

export async function renderCoverage(ctx, notice = null) {
  // the coverage reads every order of the space (seconds at a month's volume): the screen says it is on its way, and
  // an answer that comes after the user went to another screen draws nothing over it
  const waiting = notice ? null : h("p", { className: "status", "aria-live": "polite" }, "Chargement de la couverture…");
  if (waiting) ctx.show("Couverture du patrimoine", waiting);
  const here = location.hash;
  const left = () => (waiting ? !waiting.isConnected : location.hash !== here);
  let coverage;
  try {
    coverage = await ctx.call("get_property_coverage");
  } catch (err) {
    return left() ? undefined : ctx.showError("Couverture du patrimoine", err);
  }
  if (left()) return undefined;
  // the tree, read once (retired elements too) when an element is listed: the tables and « Aujourd'hui » name each by
  // its labels, the picker its active ones with their ancestors; otherwise at the first « Rattacher »
  // (and when an order may be attached: « Rattacher la sélection » offers the active ones at once)
  const attachable = new Map(attachableOrders(coverage).map((row) => [row.orderId, row]));
  const listed = [...(coverage.orphans ?? []), ...(coverage.on_retired_nodes ?? [])].some((o) => o.node_id);
  let tree = listed || attachable.size ? await treeState(ctx.call) : null;
  if (left()) return undefined;
  const byId = nodesById(tree?.rows);
  const meter = coverageMeter(coverage);
  const panel = h("div", { className: "attach-panel" });
  const selection = attachable.size ? attachSelection(ctx, { orderIds: [...attachable.keys()], tree, byId,
    done: (text) => renderCoverage(ctx, text) }) : null;
  const groups = proposalGroups(coverage, byId);
  const proposals = groups.length ? attachProposals(ctx, { groups, byId, done: (text) => renderCoverage(ctx, text) })
    : null;
  const action = (item) => {
    const row = item.kind === "order" ? attachable.get(item.id) : null;
    if (!row) return h("td", {});
    const button = h("button", { type: "button", "aria-label": `Rattacher la commande ${row.orderId}` }, "Rattacher");
    button.addEventListener("click", async () => {
      tree ??= treeState(ctx.call);
      const read = await tree;
      const all = nodesById(read.rows);
      openAttach(ctx, panel, row, read.error ? read : { rows: read.rows.filter(isActive) }, all);
    });
    return h("td", {}, button);
  };
  const named = (nodeId) => {
    const { label, id } = nodeNaming(nodeId, byId);
    if (!id) return h("td", {}, "aucun");
    return label ? h("td", {}, label, h("div", { className: "sub" }, id)) : h("td", {}, id);
  };
  const rows = (items) => items.map((o) => h("tr", { "data-item": o.id },
    selection ? (o.kind === "order" ? selection.cell(o.id) : h("td", {})) : null, h("td", {}, o.id),
    h("td", {}, o.kind === "order" ? "commande" : "document"), named(o.node_id), action(o)));
  const headers = (...names) => [...(selection ? ["Sélection"] : []), ...names];
  ctx.show("Couverture du patrimoine",
    h("p", {}, "Le marché exige que 100 % des commandes et des documents soient rattachés à un élément du patrimoine."),
    notice ? h("p", { className: "status", role: "status" }, notice) : null,
    h("div", { className: "meter-line" }, h("meter", { min: 0, max: 100, value: meter.value, low: 99, optimum: 100,
      "aria-label": "Couverture" }), ` ${meter.text}`),
    definitionList([["Commandes et documents suivis", String(coverage.items)],
      ["Rattachés à un élément en vigueur", String(meter.inForce)], ["Sur des éléments retirés", String(meter.retired)],
      ["Arbre du patrimoine importé", coverage.tree_in_force ? "oui" : "non"],
      ["Éléments du patrimoine", String(coverage.tree_nodes)],
      ["Imports inachevés", String(coverage.unfinished_imports?.length ?? 0)]]),
    mayImport(ctx.session.claims, "property.write") ? treeImport(ctx, { done: (text) => renderCoverage(ctx, text) }) : null,
    proposals,
    selection ? h("h2", {}, "Rattacher plusieurs commandes") : null,
    selection ? h("p", {}, "Cochez les commandes ci-dessous (ou « Tout sélectionner »), choisissez l'élément, puis "
      + "« Rattacher la sélection » : chaque commande est rattachée comme une à une.") : null,
    selection?.form ?? null,
    h("h2", {}, "Orphelins"),
    table(headers("Commande ou document", "Type", "Élément du patrimoine indiqué", "Action"), rows(coverage.orphans),
      { label: "Orphelins", empty: "Aucun orphelin : tout est rattaché." }),
    h("h2", {}, "Sur des éléments retirés"),
    table(headers("Commande ou document", "Type", "Élément retiré", "Action"), rows(coverage.on_retired_nodes ?? []),
      { label: "Sur des éléments retirés", empty: "Aucune commande ni aucun document sur un élément retiré." }),
    panel);
}

const isActive = (n) => (n.status ?? "active") === "active";

// The manager's whole tree (retired elements too), page after page: { rows } or { error } (listState).
function treeState(call) {
  return listState(allNodes(call)).then((state) => (state.rows ? state : { ...state, rows: [] }),
    (err) => ({ error: err, rows: [] }));
}

// « Rattacher »: the node picker (the manager's active nodes, each with its ancestors' labels; the typed node id when
// the list is too long or could not be read), then the confirmation; once attached, the coverage is read again.
// `byId`: every node of the tree read, by id (what names the ancestors and the order's current element).
function openAttach(ctx, panel, row, nodeState, byId) {
  const errors = h("div", {});
  const { field: picker, notice } = choiceField({
    state: nodeState, options: (rows) => nodeOptions(rows, row.nodeId, byId), name: "node_id",
    label: "Élément du patrimoine", none: (n) => (n ? "— choisir un élément —" : "Aucun élément actif"),
    describe: (value, choices) => chosenNodeText(choices, value),
    failure: (err) => listFailure(err, "des éléments du patrimoine", "de l'élément"),
  });
  const form = h("form", { className: "inline-decision", "aria-label": `Rattacher la commande ${row.orderId}` },
    notice, picker, h("button", { type: "submit" }, "Rattacher"),
    h("button", { type: "button", className: "secondary", onclick: () => panel.replaceChildren() }, "Annuler"), errors);
  // one attachment, once: a double click on « Confirmer le rattachement », a retry after no answer or a 5xx, or the
  // same node confirmed again after « Annuler » is the same request (one Idempotency-Key per node chosen: recorder;
  // the panel busy, its buttons aria-disabled, while it is on its way)
  const send = recorder(ctx, "attach_order_node", { form: panel });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const nodeId = picker.input.value;
    const built = attachBody(row.orderId, nodeId);
    if (built.errors) return errors.replaceChildren(errorBox(built.errors.map((e) => e.message)));
    const chosen = chosenNodeNaming(nodeId, byId);  // its whole path and id: the option itself is short
    const confirm = h("button", { type: "button" }, "Confirmer le rattachement");
    const back = h("button", { type: "button", className: "secondary" }, "Annuler");
    const group = h("div", { className: "confirmation", role: "group",
      "aria-label": `Confirmer le rattachement de ${row.orderId}` },
    h("p", {}, attachQuestion(row.orderId, row.nodeId, chosen, byId)), confirm, back, errors);
    confirm.addEventListener("click", async () => {
      if (send.busy) return;
      try {
        const sent = await send.send(built.body);
        if (sent.ignored) return;
        // recorded: said at once, while the coverage is read again (seconds at volume)
        errors.replaceChildren(h("p", { className: "status", "aria-live": "polite" },
          `${attachedText(sent.reply)} La couverture est relue…`));
        await renderCoverage(ctx, attachedText(sent.reply));
      } catch (err) {
        if (err.status !== 401) errors.replaceChildren(errorBox(messagesOf(err)));
      }
    });
    back.addEventListener("click", () => panel.replaceChildren(form));
    errors.replaceChildren();
    panel.replaceChildren(group);
    confirm.focus();
  });
  panel.replaceChildren(h("h2", {}, `Rattacher la commande ${row.orderId}`),
    h("p", {}, `Aujourd'hui : ${currentNodeText(row.nodeId, byId)} (${row.why}).`), form);
  picker.input.focus();
}
