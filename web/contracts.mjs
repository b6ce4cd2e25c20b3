// Contracts and catalogue versions (A13, A14), a contract's penalty terms versions (A9), property coverage
// with its orphans (A7).
import { formatDateTime, formatEuros, termsVersionsView } from "./logic.mjs";
import { definitionList, errorBox, h, messagesOf, table } from "./ui.mjs";

const STATUS_LABELS = { active: "en vigueur", draft: "brouillon", suspended: "suspendu", ended: "terminé",
  terminated: "résilié" };

export async function renderContracts(ctx) {
  const manager = ctx.session.claims.role === "manager";
  const body = h("div", {}, h("p", {}, "Chargement…"));
  ctx.show(manager ? "Marchés et catalogues" : "Mes marchés", body);
  try {
    const list = await ctx.call("list_contracts");
    body.replaceChildren(table(["Marché", manager ? "Prestataire" : "Gestionnaire", "Statut", "Du", "Au", "Lots",
      "Versions du catalogue"], list.contracts.map((c) => h("tr", { "data-contract": c.contract_id },
      h("td", {}, h("a", { href: `#/contracts/${encodeURIComponent(c.manager_id)}/${encodeURIComponent(c.contract_id)}` },
        c.contract_id)),
      h("td", {}, manager ? c.contractor_id : c.manager_id), h("td", {}, STATUS_LABELS[c.status] ?? c.status),
      h("td", {}, formatDateTime(c.starts_on)), h("td", {}, formatDateTime(c.ends_on)),
      h("td", {}, (c.lots ?? []).map((l) => l.label ?? l.lot_id ?? l).join(", ") || "—"),
      h("td", {}, c.catalogue_versions.length ? c.catalogue_versions.join(", ") : "aucune"))),
    { label: "Marchés", empty: "Aucun marché." }));
  } catch (err) {
    if (err.status !== 401) body.replaceChildren(errorBox(messagesOf(err)));
  }
}

export async function renderCatalogue(ctx, managerId, contractId) {
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
  ctx.show(`Marché ${contractId} — catalogue`,
    h("p", {}, h("a", { href: "#/contracts" }, "← Retour aux marchés")),
    view.needs_review ? h("p", { className: "badge late", role: "note" },
      "Catalogue non révisé depuis plus de six mois (A14).") : null,
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
      h("td", { className: "num" }, `${i.vat_rate} %`))), { label: "Prestations", empty: "Aucune prestation." }),
    h("h2", {}, "Pénalités du marché"),
    contract.failed ? errorBox(messagesOf(contract.failed)) : penaltyTerms(termsVersionsView(
      contract.penalty_terms_versions), { accounts: manager }));
}

// A9: every version of a contract's (or an agreement's) penalty terms, the one in force today first in the
// facts; ``terms``: termsVersionsView or agreementTermsView of logic.mjs. Which account set a version is for the
// party whose accounts they are (``accounts``); the other reads the version, not the account id.
export function penaltyTerms(terms, { facts = [], accounts = false } = {}) {
  return [
    definitionList([...facts, ["En vigueur", terms.inForce], ["Conditions", terms.inForceTerms],
      ["Au", formatDateTime(terms.on)]]),
    table(["Version", "À partir du", "État", "Conditions", "Motif", ...(accounts ? ["Fixée par (compte)"] : []), "Le"],
      terms.rows.map((r) => h("tr", { "data-terms-version": String(r.version) }, h("td", {}, String(r.version)),
        h("td", {}, formatDateTime(r.effectiveFrom)), h("td", {}, r.state), h("td", {}, r.terms), h("td", {}, r.reason),
        accounts ? h("td", {}, r.setBy) : null, h("td", {}, formatDateTime(r.setAt)))),
    { label: "Versions des pénalités",
      empty: terms.empty ?? "Aucun avenant : les conditions de la signature s'appliquent." }),
  ];
}

export async function renderCoverage(ctx) {
  let coverage;
  try {
    coverage = await ctx.call("get_property_coverage");
  } catch (err) {
    return ctx.showError("Couverture du patrimoine", err);
  }
  const percent = coverage.coverage_percent ?? 0;
  ctx.show("Couverture du patrimoine",
    h("p", {}, "Le marché exige que 100 % des commandes et des documents soient rattachés à un élément du patrimoine (A7)."),
    h("div", { className: "meter-line" }, h("meter", { min: 0, max: 100, value: percent, low: 99, optimum: 100,
      "aria-label": "Couverture" }), ` ${percent} % rattachés`),
    definitionList([["Éléments suivis", String(coverage.items)], ["Rattachés", String(coverage.attached)],
      ["Arbre du patrimoine importé", coverage.tree_in_force ? "oui" : "non"],
      ["Nœuds du patrimoine", String(coverage.tree_nodes)],
      ["Imports inachevés", String(coverage.unfinished_imports?.length ?? 0)]]),
    h("h2", {}, "Orphelins"),
    table(["Élément", "Type", "Nœud indiqué"], coverage.orphans.map((o) => h("tr", {}, h("td", {}, o.id),
      h("td", {}, o.kind === "order" ? "commande" : "document"), h("td", {}, o.node_id ?? "aucun"))),
    { label: "Orphelins", empty: "Aucun orphelin : tout est rattaché." }));
}
