// « Nouvelle commande » (A2.3 orders, #/orders/new): a manager without an ERP issues an order from the web app —
// the IssueOrder body an ERP sends, through the same receive_order. The contract chosen among its own
// (list_contracts) names the contractor; the lines come from the contract's catalogue in force (get_catalogue,
// A14), else are typed; the site is a node of the tree in force (list_property_nodes, A7), else the manager's own
// reference, address and commune; the billing account (list_billing_accounts, A2.2) names the public buyer. The
// pure logic is new_order_logic.mjs. One order per form: its Idempotency-Key and issued_at are kept while the
// same content has had no answer (a double click, a retry). What is typed is kept while the tab lives (keepDraft,
// draft_logic.mjs): reloaded, the form comes back filled in, the contract's lines and billing account once drawn.
import { PARIS_ZONE, formatEuros, nowIsoIn } from "./logic.mjs";
import { listFailure, listState } from "./parties_logic.mjs";
import { activeNodes, chosenNodeText, nodeOptions } from "./coverage_logic.mjs";
import {
  billingAccountOptions, billingAccountsOf, catalogueItems, catalogueLines, contractFactsText, contractOptions, keepsOrderAttempt,
  linesTotalCents, lotOptions, newOrderContent, newOrderId, orderAttempt, orderBody, orderHref, publicInvoicingOf,
  requestedDates, siteOf,
} from "./new_order_logic.mjs";
import { linesEditor } from "./lines_editor.mjs";
import { latestOnly } from "./latest_logic.mjs";
import { choiceField, dateField, errorSlot, field, h, keepDraft, messagesOf, table } from "./ui.mjs";
import { draftKey } from "./draft_logic.mjs";

const TITLE = "Nouvelle commande";

export async function renderNewOrder(ctx) {
  ctx.show(TITLE, h("p", {}, "Chargement…"));
  const nodesRead = activeNodes(ctx.call);
  let contracts;
  let accounts;
  let nodeState;
  try {
    [contracts, accounts, nodeState] = await Promise.all([
      ctx.call("list_contracts").then((l) => l.contracts),
      ctx.call("list_billing_accounts").then((l) => ({ rows: l.billing_accounts }), (err) => {
        if (err?.status === 401) throw err;
        return { error: err };
      }),
      listState(nodesRead)]);
  } catch (err) {
    return ctx.showError(TITLE, err);
  }
  // null: the tree could not be read — the site is then typed, every SiteRef field offered
  const treeInForce = await nodesRead.then((r) => r.treeInForce, () => null);
  if (!contracts.length) {
    return ctx.show(TITLE, h("p", {}, "Aucun marché : une commande se passe sous l'un de vos marchés. "
      + "Enregistrez d'abord le marché depuis votre système de gestion (ERP)."));
  }
  ctx.show(TITLE, h("p", {}, h("a", { href: "#/" }, "← Retour au tableau de bord")),
    orderForm(ctx, { contracts, accounts, nodeState, treeInForce }));
  return undefined;
}

function orderForm(ctx, { contracts, accounts, nodeState, treeInForce }) {
  const managerId = ctx.session.claims.tenant;
  const today = nowIsoIn(PARIS_ZONE).slice(0, 10);  // the order's day: its catalogue's and its contract's (A13, A14)
  const orderId = field({ name: "order_id", label: "Numéro de commande", required: true,
    value: newOrderId(new Date(), crypto.getRandomValues(new Uint8Array(6))),
    hint: "Proposé par l'application ; vous pouvez le remplacer par votre propre numéro (lettres, chiffres, . _ -)." });
  const contract = field({ name: "contract_id", label: "Marché", required: true,
    value: contracts.length === 1 ? contracts[0].contract_id : "",  // a single contract: chosen already
    options: [{ value: "", label: "— choisir un marché —" }, ...contractOptions(contracts)],
    paths: ["contract_id", "contractor_id"], className: "wide",
    hint: "Le prestataire est le titulaire du marché." });
  const contractor = h("p", { className: "hint", id: "order-contractor", "aria-live": "polite" });
  const title = field({ name: "title", label: "Objet", required: true });
  const description = field({ name: "description", label: "Description (facultatif)", rows: 3 });

  // the site: a node of the tree in force (A7), else the manager's own reference and address
  const nodes = nodeState?.rows ?? [];
  const siteFields = [];
  let nodeNotice = null;
  if (treeInForce !== false) {
    const picked = choiceField({ state: nodeState, options: (rows) => nodeOptions(rows), name: "node_id",
      label: "Élément du patrimoine", paths: ["node_id", "site.node_id", "site"],
      none: (n) => (n ? "— choisir un élément —" : "Aucun élément actif"),
      describe: (value, choices) => chosenNodeText(choices, value),  // the option short, its whole path under it
      failure: (err) => listFailure(err, "des éléments du patrimoine", "de l'élément") });
    picked.field.classList.add("wide");  // « libellé — parent » and the whole path under it read whole
    siteFields.push(picked.field);
    nodeNotice = picked.notice;
  } else {
    siteFields.push(field({ name: "node_id", label: "Référence du site", required: true,
      paths: ["node_id", "site.node_id", "site"], hint: "Votre identifiant du lieu (aucun patrimoine importé)." }));
  }
  const siteLabel = field({ name: "site_label", label: "Libellé du site", paths: ["site_label", "site.label"],
    hint: treeInForce ? "Celui de l'élément choisi, si vous le laissez vide." : null });
  siteFields.push(siteLabel);
  if (treeInForce !== true) {
    siteFields.push(field({ name: "address", label: "Adresse", paths: ["address", "site.address"] }),
      field({ name: "commune", label: "Commune (code INSEE)", paths: ["commune", "site.commune"], inputmode: "numeric",
        hint: "5 caractères, par exemple 69383 (Lyon 3e) ; vérifié avec le périmètre du marché." }));
  }
  const requestedStart = dateField({ name: "requested_start", label: "Début souhaité (facultatif)" });
  const requestedEnd = dateField({ name: "requested_end", label: "Fin souhaitée (facultatif)" });

  // what depends on the contract: its lots, its catalogue's lines, its billing accounts
  const contractPart = h("div", {});
  const nothing = { fields: () => [], read: () => ({ lines: { lines: [], errors: [] }, invoicing: { errors: [] }, lot: "" }) };
  let part = nothing;
  let chosen = null;
  let draft = null;  // the form's draft (keepDraft, below): the contract's part takes its values once drawn
  const latest = latestOnly();  // another contract chosen meanwhile wins over a catalogue still read
  const choose = async () => {
    chosen = contracts.find((c) => c.contract_id === contract.input.value) ?? null;
    contractor.textContent = contractFactsText(chosen);
    const turn = latest();
    part = nothing;  // the previous contract's lines and accounts are not this one's
    if (!chosen) {
      contractPart.replaceChildren();
      return;
    }
    contractPart.replaceChildren(h("p", {}, "Chargement du catalogue…"));
    let catalogue = null;
    let failure = null;
    try {
      catalogue = await turn(ctx.call("get_catalogue", {
        query: new URLSearchParams({ contract_id: chosen.contract_id, on: today }).toString() }));
    } catch (err) {
      if (err.status === 401) return;
      failure = err;
    }
    part = contractFields(chosen, catalogue, failure, accounts, draft?.lineCount(1) ?? 1);
    contractPart.replaceChildren(...part.nodes.filter(Boolean));
    // the draft's quantities and billing account given back, then their amounts and total shown
    if (draft?.restore()) contractPart.querySelector("input")?.dispatchEvent(new Event("input", { bubbles: true }));
  };
  contract.input.addEventListener("change", choose);

  const all = () => [orderId, contract, title, description, ...siteFields, ...part.fields(), requestedStart, requestedEnd];
  const slot = errorSlot(all);
  const button = h("button", { type: "submit" }, "Émettre la commande");
  const result = h("p", { className: "status", role: "status" });
  const form = h("form", { className: "card", id: "new-order", "aria-labelledby": "new-order-title", novalidate: true },
    h("h2", { id: "new-order-title" }, "Commande au prestataire"), slot.node,
    h("div", { className: "grid" }, orderId, contract), contractor,
    h("div", { className: "grid" }, title), description,
    h("fieldset", {}, h("legend", {}, "Lieu d'intervention"), nodeNotice, h("div", { className: "grid" }, siteFields)),
    contractPart,
    h("fieldset", {}, h("legend", {}, "Dates souhaitées"), h("div", { className: "grid" }, requestedStart, requestedEnd)),
    button, result);
  // what was typed kept while the tab lives: the account's own, forgotten once the order is issued and at sign-out
  draft = keepDraft(form, draftKey(ctx.session.claims, "order"));
  if (contract.input.value && !chosen) choose();  // the only contract, chosen already (the draft's drew its part)

  // a sending a reload left without an answer: the same order sent again is the same request (its key, its issued_at)
  let attempt = draft.attempt;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (button.disabled) return;  // a double click is not a second request
    slot.clear();
    const v = Object.fromEntries(new FormData(form).entries());
    const read = part.read(v);
    const { content, errors } = newOrderContent({ ...v, lot: read.lot }, {
      contract: chosen, lines: read.lines,
      site: siteOf({ treeInForce, nodeId: v.node_id, label: v.site_label, address: v.address, commune: v.commune }, nodes),
      dates: requestedDates(v.requested_start, v.requested_end), invoicing: read.invoicing });
    if (errors.length) return slot.show(errors);
    button.disabled = true;
    attempt = orderAttempt(attempt, content, () => crypto.randomUUID(), () => nowIsoIn(PARIS_ZONE));
    draft.sending(attempt);
    try {
      const order = await ctx.call("receive_order", { body: orderBody(content, attempt), idempotencyKey: attempt.key });
      attempt = null;
      draft.clear();
      result.textContent = `Commande ${order.order_id} émise à ${order.contractor_id}.`;
      ctx.go(orderHref(managerId, order.order_id));
    } catch (err) {
      if (!keepsOrderAttempt(err.status)) {
        attempt = null;
        draft.sending(null);
      }
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

// The contract's part of the form: its lot (when it has lots), its lines — the catalogue in force, a quantity
// for each item, the amounts and the total as the platform computes them; typed lines when none is in force —
// and its billing accounts. → {nodes, fields, read(values)}.
function contractFields(contract, catalogue, failure, accounts, lineCount = 1) {
  const lots = lotOptions(contract);
  const lot = lots.length ? field({ name: "lot", label: "Lot (facultatif)", options: [{ value: "", label: "— aucun —" },
    ...lots] }) : null;
  const lines = linesPart(catalogue, failure, lineCount);
  const billing = billingPart(contract, accounts);
  return {
    nodes: [lot ? h("div", { className: "grid" }, lot) : null, lines.node, billing.node],
    fields: () => [lot, ...lines.fields(), ...billing.fields].filter(Boolean),
    read: (v) => ({ lot: v.lot ?? "", lines: lines.read(v), invoicing: billing.read(v) }),
  };
}

function linesPart(catalogue, failure, lineCount) {
  const items = catalogueItems(catalogue);
  if (!items.length) {  // no catalogue in force (or unreadable): the lines are typed, the platform checks them
    const editor = linesEditor(Array.from({ length: lineCount }, () => ({})));  // as many lines as the draft's
    const total = h("p", { className: "status", id: "order-total" });
    editor.box.addEventListener("input", () => {
      total.textContent = `Total HT : ${formatEuros(linesTotalCents(editor.read(formValues(editor.box)).lines))}`;
    });
    const why = failure ? `Le catalogue du marché n'a pas pu être lu (${messagesOf(failure).join(" ")}) : saisissez les lignes.`
      : "Aucun catalogue en vigueur pour ce marché aujourd'hui : saisissez les lignes.";
    return {
      node: h("fieldset", {}, h("legend", {}, "Prestations"), h("p", { className: "hint" }, why), editor.box, editor.more,
        total),
      fields: editor.fields,
      read: (v) => editor.read(v),
    };
  }
  const quantities = new Map(items.map((item) => [item.code, field({ name: `qty_${item.code}`,
    label: `Quantité ${item.code}`, inputmode: "decimal", paths: [], className: "qty" })]));
  const amounts = new Map(items.map((item) => [item.code, h("td", { className: "num" }, "—")]));
  const total = h("td", { className: "num", id: "order-total" }, formatEuros(0));
  const typed = () => Object.fromEntries(items.map((item) => [item.code, quantities.get(item.code).input.value]));
  const read = () => {
    const out = catalogueLines(items, typed());
    // the platform names a line by its index among those sent ($.lines[1].quantity): each quantity takes that index
    const first = quantities.get(items[0].code);
    for (const [code, f] of quantities) {
      const at = out.positions[code];
      f.paths = at === undefined ? [] : [`lines[${at}]`, `lines[${at}].quantity`, `lines[${at}].service_code`,
        `lines[${at}].unit_price_cents`, `lines[${at}].unit`, `lines[${at}].label`];
      if (f === first) f.paths.push("lines");
    }
    return out;
  };
  const show = () => {
    const out = catalogueLines(items, typed());
    for (const item of items) {
      amounts.get(item.code).textContent = item.code in out.amounts ? formatEuros(out.amounts[item.code]) : "—";
    }
    total.textContent = formatEuros(out.totalCents);
  };
  const rows = items.map((item) => h("tr", { "data-item": item.code }, h("td", {}, item.code), h("td", {}, item.label),
    h("td", {}, item.unit), h("td", { className: "num" }, formatEuros(item.unit_price_cents)),
    h("td", {}, quantities.get(item.code)), amounts.get(item.code)));
  rows.push(h("tr", { className: "total" }, h("th", { scope: "row", colspan: 5 }, "Total HT"), total));
  const node = h("fieldset", { id: "order-lines" }, h("legend", {}, "Prestations"),
    h("p", { className: "hint" }, `Catalogue du marché, version ${catalogue.in_force.version} en vigueur : indiquez la `
      + "quantité de chaque prestation commandée (les autres restent vides)."),
    table(["Code", "Prestation", "Unité", "Prix unitaire HT", "Quantité", "Montant HT"], rows,
      { label: "Prestations du catalogue" }));
  node.addEventListener("input", show);
  return { node, fields: () => [...quantities.values()], read };
}

function formValues(box) {
  const values = {};
  for (const input of box.querySelectorAll("input, select, textarea")) values[input.name] = input.value;
  return values;
}

// The billing accounts naming the contract (A2.2): the one chosen names the public buyer Chorus Pro invoices
// (IssueOrder.public_invoicing), with the order's service code and engagement number.
function billingPart(contract, accounts) {
  const paths = ["billing_account_id", "public_invoicing", "public_invoicing.buyer_siret", "public_invoicing.buyer_name"];
  const own = accounts?.rows ? billingAccountsOf(accounts.rows, contract.contract_id) : null;
  const { field: account, notice } = choiceField({ state: own ? { rows: own } : accounts, name: "billing_account_id",
    label: "Compte de facturation", required: false, paths, options: billingAccountOptions,
    none: (n) => (n ? "— aucun : facture hors Chorus Pro —" : "Aucun compte de facturation pour ce marché"),
    failure: (err) => `La liste des comptes de facturation n'a pas pu être chargée (${messagesOf(err).join(" ")}) : `
      + "la commande peut partir sans compte de facturation." });
  if (!own) account.hidden = true;  // unreadable: nothing to type instead (the buyer is not an id)
  account.classList.add("wide");
  const serviceCode = field({ name: "service_code", label: "Code service (facultatif)",
    paths: ["service_code", "public_invoicing.service_code"] });
  const engagement = field({ name: "engagement_number", label: "Numéro d'engagement (facultatif)",
    paths: ["engagement_number", "public_invoicing.engagement_number"] });
  const node = h("fieldset", {}, h("legend", {}, "Facturation (Chorus Pro)"), notice,
    h("p", { className: "hint" }, "Le compte de facturation désigne l'acheteur public (SIRET) à qui le prestataire "
      + "facture ; sans compte, la facture reste sur la plateforme."),
    h("div", { className: "grid" }, account, serviceCode, engagement));
  return {
    node, fields: [account, serviceCode, engagement],
    read: (v) => publicInvoicingOf((own ?? []).find((a) => a.billing_account_id === v.billing_account_id) ?? null,
      { serviceCode: v.service_code, engagementNumber: v.engagement_number }),
  };
}

