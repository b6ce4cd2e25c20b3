// The contractor's message log as a person reads it (A3 channels, A4 errors back to the sender, A10 onboarding) —
// pure: the query of list_message_log, the words of each row (when, channel, type, order, answer, correction) and
// each error next to the field it names, in French. Not the replay of what the platform sent (list_messages).
import { formatDateTime } from "./logic.mjs";

export const LOG_STATUS_OPTIONS = Object.freeze([
  { value: "rejected", label: "Refusés" }, { value: "accepted", label: "Acceptés" }, { value: "", label: "Tous" }]);

// The fields a contractor's message names, in French (the last name of the JSONPath; a list item says its rank).
export const MESSAGE_FIELD_LABELS = Object.freeze({
  $: "message entier", data: "données du message", manager_id: "client (gestionnaire)", order_id: "commande",
  sequence: "numéro d'ordre du message", occurred_at: "date et heure de l'événement", state: "état demandé",
  event: "événement", label: "libellé", code: "code", progress: "avancement", planned_start: "début prévu",
  planned_end: "fin prévue", appointment: "rendez-vous", actual_start: "début réel", actual_end: "fin réelle",
  site_lead: "pilote", last_name: "nom", first_name: "prénom", mobile: "téléphone mobile", reason: "motif",
  line_statuses: "état des lignes", line_id: "ligne", done: "réalisée", invoice_number: "numéro de facture",
  invoice_date: "date de facture", quote_id: "devis", lines: "lignes", quantity: "quantité",
  unit_price_cents: "prix unitaire", valid_until: "date de validité", contract_id: "marché", title: "objet",
  site: "site", node_id: "élément de patrimoine", sha256: "empreinte du document", kind: "type de document",
  "ce-type": "type du message (ce-type)", "ce-id": "identifiant du message (ce-id)",
  "ce-source": "source du message (ce-source)", "ce-specversion": "version CloudEvents (ce-specversion)",
  "content-type": "type de contenu", "Idempotency-Key": "clé d'idempotence",
  // an invoice or a credit note (A3, B10 invoicing): its supplier, dates, totals and lines
  supplier: "fournisseur", siret: "SIRET", name: "raison sociale", vat_number: "n° de TVA intracommunautaire",
  issue_date: "date d'émission", due_date: "échéance", vat_rate: "taux de TVA", unit: "unité",
  service_code: "code de prestation", total_excl_tax_cents: "total HT", vat_cents: "TVA",
  total_incl_tax_cents: "total TTC", credited_invoice_number: "facture corrigée par l'avoir",
  payment_terms: "conditions de paiement",
});

// "$.site_lead.mobile" → "pilote — téléphone mobile"; "$.lines[1].quantity" → "lignes n° 2 — quantité";
// "attributes.ce-type" → "type du message (ce-type)"; a name it does not know stays as it is.
export function fieldLabel(path) {
  if (!path || path === "$") return MESSAGE_FIELD_LABELS.$;
  const parts = String(path).replace(/^\$\.?/, "").replace(/^(attributes|header|query)\./, "")
    .split(/\.(?![^[]*\])/).filter(Boolean);
  const words = parts.map((part) => {
    const item = /^(.+?)\[(\d+)\]$/.exec(part);
    const name = item ? item[1] : part;
    const label = MESSAGE_FIELD_LABELS[name] ?? name;
    return item ? `${label} n° ${Number(item[2]) + 1}` : label;
  });
  return words.join(" — ") || String(path);
}

// ?contractor_id=&status=&cursor= of list_message_log (the operator names the contractor; a contractor does not).
export function messageLogQuery({ status = "rejected", contractorId = null, cursor = null } = {}) {
  const query = new URLSearchParams();
  if (contractorId) query.set("contractor_id", contractorId);
  if (status) query.set("status", status);
  if (cursor) query.set("cursor", cursor);
  return query.toString();
}

// What the list says when it is empty: a refused list that is empty means everything was accepted.
// The count above the list: « 1 message affiché. », « 30 messages affichés — d'autres, plus anciens, suivent. »
// (`more`: a next page); nothing while the list is empty (its empty row says why).
export function messageCountText(count, more) {
  if (!count) return "";
  const plural = count > 1 ? "s" : "";
  return `${count} message${plural} affiché${plural}${more ? " — d'autres, plus anciens, suivent." : "."}`;
}

export function emptyLogText(status, operator = false) {
  const who = operator ? "ce prestataire a envoyé" : "vous avez envoyé";
  if (status === "rejected") return `Aucun message refusé : tout ce que ${who} à la plateforme a été accepté.`;
  if (status === "accepted") return "Aucun message accepté pour le moment.";
  return operator ? "Ce prestataire n'a encore envoyé aucun message." : "Vous n'avez encore envoyé aucun message.";
}

// The row's words. `ordersLinked`: the order (or quote) links to its screen — the contractor's; the operator has none.
export function messageRowView(row, { ordersLinked = true } = {}) {
  const client = row.client_name ?? row.manager_id;
  let subject = null;
  if (row.order_id) {
    subject = { text: `Commande ${row.order_id}`, client,
      href: ordersLinked && row.manager_id ? `#/orders/${encodeURIComponent(row.manager_id)}/${encodeURIComponent(row.order_id)}` : null };
  } else if (row.quote_id) {
    subject = { text: `Devis ${row.quote_id}`, client,
      href: ordersLinked && row.manager_id ? `#/quotes/${encodeURIComponent(row.manager_id)}/${encodeURIComponent(row.quote_id)}` : null };
  }
  const refused = row.status === "rejected";
  return {
    when: formatDateTime(row.received_at),
    channel: row.channel_label ?? row.channel,
    type: row.type_label,
    messageId: row.id,
    subject,
    status: row.status_label ?? (refused ? "refusé" : "accepté"),
    statusClass: refused ? "badge late" : "badge ok",
    corrected: refused && row.corrected_at
      ? `Corrigé depuis : un message sur cette commande a été accepté le ${formatDateTime(row.corrected_at)}.` : null,
    // an order ended since (closed, cancelled, not feasible) takes no correction: not a task left to do
    toCorrect: refused && !row.corrected_at && row.order_id ? (row.order_ended
      ? `Plus rien à corriger : la commande est désormais à l'état « ${row.order_ended} ».`
      : "Pas encore corrigé : corrigez et renvoyez ce message.") : null,
    errors: (row.errors ?? []).map((e) => ({ label: fieldLabel(e.field), path: e.field, code: e.code,
      message: e.message })),
  };
}
