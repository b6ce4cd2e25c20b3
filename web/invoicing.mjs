// Reception and invoices on an order's page (B7, B10, docs/invoicing.md): the client (manager, or
// beneficiary for its mission's order) receives lines with reservations, lifts them and closes the
// order; the contractor invoices what was received; everyone reads the invoices, where each stands in
// Chorus Pro and the e-invoicing lifecycle, and downloads the Factur-X XML.
import {
  formatDateTime, formatEuros, frenchDateTimeOf, nowIsoIn, orderStateText, orderZone,
} from "./logic.mjs";
import {
  INVOICE_KINDS, VAT_RATES, buildInvoice, invoiceTotals, invoiceableLines, lineAmountCents, lineCalculationText,
  openReservations, parseReservations, receivableLines, supplierDefaults,
} from "./invoice_logic.mjs";
import { receptionWarnings } from "./deliverable_logic.mjs";
import { declarationNote, lineStatusRows } from "./line_status_logic.mjs";
import { redrawAfterAnswer } from "./live_order.mjs";
import { announce, dateField, errorSlot, field, h, recorder, table } from "./ui.mjs";


function failed(slot, err) {
  if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
}

// A client's recording sent with its attempt's time (the same for a retry of the same content).
const timed = (content, attempt) => ({ ...content, occurred_at: attempt.occurredAt });

// --- the client: reception, reservations, closing -----------------------------------------------
// B18: the times shown and sent are on the clock of the order's territory (get_order's time_zone), as on the rest of
// its screen; a decision's occurred_at is now, written with that clock's offset.
export function receptionSection(ctx, order, view, refresh, milestonesFollowUp = null) {
  const zone = orderZone(view);
  // A6: each line as the contractor declared it (réalisée, non réalisée, non renseignée), when, and its comment
  const declared = new Map(lineStatusRows(order, view.events).map((r) => [r.lineId, r]));
  const lines = order.lines.map((l) => {
    const rec = order.reception?.[l.line_id];
    const status = declared.get(l.line_id);
    const note = declarationNote(status, zone);
    // on a phone each line a card (table.cards in style.css): its id and label, then each column's name (data-label)
    return h("tr", { "data-line": l.line_id }, h("td", {}, l.line_id), h("td", {}, l.label),
      // A6 each line's quantity × unit price beside its amount, as the platform computes it (half up)
      h("td", { className: "num calculation", "data-label": "Quantité × prix unitaire HT" }, lineCalculationText(l)),
      h("td", { className: "num", "data-label": "Montant HT" }, formatEuros(lineAmountCents(l))),
      h("td", { "data-status": status.status, "data-label": "Déclarée" }, status.text,
        note ? h("div", { className: "sub" }, note) : null),
      h("td", { "data-label": "Réception" }, rec ? `réceptionnée le ${formatDateTime(rec.received_at, zone)}` : "non réceptionnée"),
      h("td", { "data-label": "Réserves" }, rec?.reservations?.length ? rec.reservations.map((r) => h("div", {},
        `${r.reservation_id} : ${r.description}`, r.lifted_at ? ` (levée le ${formatDateTime(r.lifted_at, zone)})` : " (ouverte)"))
        : "—"));
  });
  const client = ["manager", "beneficiary"].includes(ctx.session.claims.role);
  return h("section", { "aria-labelledby": "reception-title" },
    h("h2", { id: "reception-title" }, "Réception (service fait)"),
    table(["Ligne", "Libellé", "Quantité × prix unitaire HT", "Montant HT", "Déclarée", "Réception", "Réserves"], lines,
      { label: "Réception des lignes", className: "cards" }),
    client ? receptionForm(ctx, order, refresh, milestonesFollowUp, zone) : null,
    client ? liftForms(ctx, order, refresh, zone) : null,
    client && (view.next_states ?? []).includes("closed") ? closeForm(ctx, order, refresh, zone) : null);
}

function receptionForm(ctx, order, refresh, milestonesFollowUp, zone) {
  const receivable = receivableLines(order);
  if (!receivable.length) return null;
  // B11: a mission's milestone whose deliverables are not all accepted is received all the same, with a warning
  const warnings = receptionWarnings(milestonesFollowUp, receivable.map((l) => l.line_id));
  const rows = receivable.map((l) => ({ line: l,
    pick: field({ name: `receive_${l.line_id}`, label: `Réceptionner la ligne ${l.line_id} (${l.label})`, type: "checkbox",
      value: true }),
    reservations: field({ name: `reservations_${l.line_id}`, label: `Réserves sur la ligne ${l.line_id} (une par ligne)`,
      rows: 2 }) }));
  const comment = field({ name: "comment", label: "Commentaire de réception", rows: 2 });
  const slot = errorSlot(() => [...rows.flatMap((r) => [r.pick, r.reservations]), comment]);
  const result = h("p", { className: "status", role: "status" });
  const form = h("form", { className: "card", id: "reception", "aria-labelledby": "reception-form-title" },
    h("h3", { id: "reception-form-title" }, "Réceptionner"),
    h("p", { className: "hint" }, "Cochez les lignes dont le service est fait ; une réserve par ligne de texte. "
      + "Les lignes non cochées restent à réceptionner (réception partielle)."),
    warnings.length ? h("div", { className: "warning", role: "note", id: "reception-deliverables" },
      warnings.map((w) => h("p", {}, w))) : null,
    slot.node, rows.map((r) => h("div", { className: "grid" }, r.pick, r.reservations)), comment,
    h("button", { type: "submit" }, "Enregistrer la réception"), result);
  // one reception per content: a double click records it once and shows its success (record_logic.mjs)
  const send = recorder(ctx, "record_reception", { form, now: () => nowIsoIn(zone) });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;  // the second click of a double click: the reception is on its way
    slot.clear();
    const picked = rows.filter((r) => r.pick.input.checked);
    if (!picked.length) return slot.show([{ field: "$.lines", message: "Cochez au moins une ligne à réceptionner." }]);
    const content = { order_id: order.order_id,
      lines: picked.map((r) => ({ line_id: r.line.line_id, reservations: parseReservations(r.reservations.input.value) })),
      ...(comment.input.value.trim() ? { comment: comment.input.value.trim() } : {}) };
    try {
      const { reply: after } = await send.send(content, timed);
      result.textContent = `Réception enregistrée : ${orderStateText(after.state)}.`;
      redrawAfterAnswer(refresh, result.textContent);
    } catch (err) {
      failed(slot, err);
    }
  });
  return form;
}

function liftForms(ctx, order, refresh, zone) {
  const open = openReservations(order);
  if (!open.length) return null;
  return h("div", { className: "card", id: "reservations" }, h("h3", {}, "Lever une réserve"),
    open.map((r) => {
      const comment = field({ name: `lift_${r.reservation_id}`, label: `Commentaire de levée de ${r.reservation_id}` });
      const slot = errorSlot(() => [comment]);
      // its own id: a lifting typed in is kept as it is when another form's answer draws the screen again
      const form = h("form", { className: "filters", id: `lift-${r.reservation_id}`, "data-reservation": r.reservation_id,
        "aria-label": `Réserve ${r.reservation_id}` }, h("p", {}, `${r.reservation_id} (ligne ${r.line_id}) : ${r.description}`),
      comment, h("button", { type: "submit" }, `Lever la réserve ${r.reservation_id}`), slot.node);
      const send = recorder(ctx, "lift_reservation", { form, now: () => nowIsoIn(zone) });
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        if (send.busy) return;  // a double click lifts it once
        slot.clear();
        const content = { order_id: order.order_id, reservation_id: r.reservation_id,
          ...(comment.input.value.trim() ? { comment: comment.input.value.trim() } : {}) };
        try {
          await send.send(content, timed);
          // the screen drawn again, then the lifting said (its button is gone, the focus on the heading: RGAA 7.5)
          Promise.resolve(refresh()).finally(() => announce(`Réserve ${r.reservation_id} levée.`));
        } catch (err) {
          failed(slot, err);
        }
      });
      return form;
    }));
}

function closeForm(ctx, order, refresh, zone) {
  const slot = errorSlot(() => []);
  const form = h("form", { className: "card", id: "close" }, h("h3", {}, "Clôturer la commande"), slot.node,
    h("button", { type: "submit" }, "Clôturer"));
  const send = recorder(ctx, "change_order_state", { form, now: () => nowIsoIn(zone) });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;  // a double click closes it once
    slot.clear();
    try {
      await send.send({ order_id: order.order_id, state: "closed" }, timed);
      refresh();
    } catch (err) {
      failed(slot, err);
    }
  });
  return form;
}

// --- invoices --------------------------------------------------------------------------------
// An invoice's dates are calendar dates (shown as they are); the issue date offered is today on the order's clock.
// `supplier`: get_invoices' own, for a contractor (what the registry holds of it): its form's seller, prefilled.
export function invoicesSection(ctx, order, invoices, refresh, zone = "Europe/Paris", supplier = null) {
  const contractor = ctx.session.claims.role === "contractor";
  const query = (number) => new URLSearchParams({ ...(contractor ? { manager_id: order.manager_id } : {}),
    order_id: order.order_id, invoice_number: number, format: "cii" }).toString();
  const rows = invoices.map((i) => h("tr", { "data-invoice": i.invoice_number },
    // on a phone each invoice a card (table.cards in style.css): its number, then each column's name (data-label)
    h("td", {}, i.invoice_number), h("td", { "data-label": "Type" }, INVOICE_KINDS[i.kind] ?? i.kind),
    h("td", { "data-label": "Émise le" }, formatDateTime(i.issue_date)),
    h("td", { className: "num", "data-label": "HT" }, formatEuros(i.total_excl_tax_cents)),
    h("td", { className: "num", "data-label": "TVA" }, formatEuros(i.vat_cents)),
    h("td", { className: "num", "data-label": "TTC" }, formatEuros(i.total_incl_tax_cents)),
    h("td", { className: "status", "data-label": "Statut" }, i.status_label),
    h("td", { "data-label": "Cycle de vie" }, i.lifecycle_code ? `${i.lifecycle_code} ${i.lifecycle_label ?? ""}` : "—"),
    h("td", {}, i.buyer ? h("button", { type: "button", className: "link",
      onclick: () => ctx.download("get_invoices", query(i.invoice_number), `factur-x-${i.invoice_number}.xml`) },
    `Factur-X ${i.invoice_number}`) : "—")));
  return h("section", { "aria-labelledby": "invoices-title" }, h("h2", { id: "invoices-title" }, "Factures"),
    table(["Numéro", "Type", "Émise le", "HT", "TVA", "TTC", "Statut", "Cycle de vie", "Export"], rows,
      { label: "Factures", empty: "Aucune facture.", className: "cards" }),
    contractor ? invoiceForm(ctx, order, refresh, zone, supplier) : null);
}

function invoiceForm(ctx, order, refresh, zone, supplier) {
  const lines = invoiceableLines(order);
  if (!lines.length) {
    return h("p", { className: "hint", id: "invoice-hint" }, "Rien à facturer pour l'instant : seules les lignes "
      + "réceptionnées par le client, et pas encore facturées, peuvent l'être.");
  }
  const number = field({ name: "invoice_number", label: "Numéro de facture", required: true });
  const issue = dateField({ name: "issue_date", label: "Date d'émission", required: true,
    value: frenchDateTimeOf(new Date(), zone).slice(0, 10) });
  const due = dateField({ name: "due_date", label: "Échéance" });
  const seller = supplierDefaults(supplier);
  const siret = field({ name: "supplier_siret", label: "Votre SIRET", required: true, inputmode: "numeric",
    value: seller.siret, paths: ["supplier_siret", "supplier.siret", "supplier"] });
  const name = field({ name: "supplier_name", label: "Votre raison sociale", required: true, value: seller.name,
    paths: ["supplier.name"] });
  const vat = field({ name: "supplier_vat_number", label: "Votre n° de TVA intracommunautaire",
    paths: ["supplier.vat_number"] });
  const rows = lines.map((l, i) => ({ line: l,
    pick: field({ name: `pick_${l.line_id}`, label: `Facturer la ligne ${l.line_id} (${l.label})`, type: "checkbox",
      value: true }),
    quantity: field({ name: `quantity_${l.line_id}`, label: `Ligne ${l.line_id} : quantité`, value: l.remaining.replace(".", ","),
      inputmode: "decimal", hint: `Reste à facturer : ${l.remaining.replace(".", ",")}`,
      paths: [`lines[${i}].quantity`, `lines[${i}]`] }),
    price: field({ name: `price_${l.line_id}`, label: `Ligne ${l.line_id} : prix unitaire HT (€)`,
      value: (l.unit_price_cents / 100).toFixed(2).replace(".", ","), inputmode: "decimal",
      paths: [`lines[${i}].unit_price_cents`] }),
    rate: field({ name: `rate_${l.line_id}`, label: `Ligne ${l.line_id} : TVA (%)`, value: "20",
      options: VAT_RATES.map((r) => ({ value: r, label: r.replace(".", ",") })), paths: [`lines[${i}].vat_rate`] }) }));
  const all = [number, issue, due, siret, name, vat, ...rows.flatMap((r) => [r.pick, r.quantity, r.price, r.rate])];
  const totals = h("p", { className: "totals", "aria-live": "polite" });
  const slot = errorSlot(() => all);
  const result = h("p", { className: "status", role: "status" });
  const values = () => ({ invoice_number: number.input.value, issue_date: issue.input.value, due_date: due.input.value,
    supplier_siret: siret.input.value, supplier_name: name.input.value, supplier_vat_number: vat.input.value,
    lines: rows.map((r) => ({ line_id: r.line.line_id, selected: r.pick.input.checked, quantity: r.quantity.input.value,
      unit_price: r.price.input.value, vat_rate: r.rate.input.value })) });
  const showTotals = () => {
    const { invoice } = buildInvoice({ ...values(), invoice_number: "X", issue_date: "01/01/2026",
      supplier_siret: "00000000000000", supplier_name: "x" }, {});
    const t = invoice ? invoiceTotals(invoice.lines) : null;
    totals.textContent = t ? `Total HT ${formatEuros(t.net)} — TVA ${formatEuros(t.vat)} — TTC ${formatEuros(t.total)}` : "";
  };
  const form = h("form", { className: "card", id: "invoice", "aria-labelledby": "invoice-form-title" },
    h("h3", { id: "invoice-form-title" }, "Facturer les lignes réceptionnées"),
    h("p", { className: "hint" }, "La plateforme vérifie la facture contre les lignes réceptionnées et leurs prix : "
      + "au-delà, elle est refusée avec l'écart."),
    slot.node, h("div", { className: "grid" }, number, issue, due, siret, name, vat),
    rows.map((r) => h("div", { className: "grid invoice-line" }, r.pick, r.quantity, r.price, r.rate)), totals,
    h("button", { type: "submit" }, "Envoyer la facture"), result);
  form.addEventListener("input", showTotals);
  showTotals();
  const send = recorder(ctx, "submit_invoice", { form });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;  // a double click sends the invoice once
    slot.clear();
    result.textContent = "";
    const { invoice, errors } = buildInvoice(values(), { managerId: order.manager_id, orderId: order.order_id });
    if (errors.length) return slot.show(errors);
    try {
      const { reply } = await send.send(invoice);
      result.textContent = `Facture ${reply.invoice_number} acceptée : ${orderStateText(reply.order_state)}.`;
      redrawAfterAnswer(refresh, result.textContent);
    } catch (err) {
      failed(slot, err);
    }
  });
  return form;
}
