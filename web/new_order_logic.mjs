// « Nouvelle commande » (A2.3 orders): the pure logic of the form a manager without an ERP issues an order
// with — the same IssueOrder body an ERP sends to receive_order (shared/domain/messages.py): the order id
// generated here, the contract's options, the catalogue's lines and their totals as the platform computes
// them, the site (a node of the tree in force, A7, else the manager's own reference and address), the
// requested dates, the billing account that names the buyer for Chorus Pro, and the Idempotency-Key kept for a
// retry. No DOM, no network — tested with `node --test tests/web/` (tests/web/new_order.test.mjs); the
// platform checks everything again (A13 contract, A14 catalogue prices, A7 node).
import { PARIS_ZONE, attemptKey, isoToFrenchDate, keepsAttemptKey, nowIsoIn, parseFrenchDate } from "./logic.mjs";
import { lineNetCents, thousandths } from "./invoice_logic.mjs";
import { directoryFromContracts, partyLabel } from "./names_logic.mjs";

// shared/domain/base.py Identifier and orders.py SiteRef.commune (an INSEE code).
export const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const COMMUNE = /^(\d{5}|2[AB]\d{3})$/;
// 32 letters and digits without 0/O and 1/I (read aloud on the phone without doubt); 256 is a multiple of 32.
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

const CONTRACT_STATUS_LABELS = Object.freeze({ draft: "brouillon", active: "actif", suspended: "suspendu",
  ended: "terminé" });

const clientError = (field, code, message) => ({ field, code, message });

// A new order's id: « BC-20260305-7K2QHM » — the day on Paris's clock, then 6 random characters from
// `randomBytes` (crypto.getRandomValues: 30 bits, so two managers' forms of one day do not meet). The
// Identifier pattern accepts it; the person may change it (its own numbering).
export function newOrderId(date, randomBytes) {
  const day = nowIsoIn(PARIS_ZONE, date).slice(0, 10).replaceAll("-", "");
  const suffix = [...randomBytes].slice(0, 6).map((b) => ALPHABET[b % ALPHABET.length]).join("");
  return `BC-${day}-${suffix}`;
}

// The contract picker: the manager's contracts (list_contracts), by id, each with its contractor (the order's,
// implied by the contract) by name (names_logic.mjs's rule: the id alone when the registry names none); a contract
// not active says its status. Its dates are not in the option — « AC-2026-017 — ACME Maintenance, du 01/01/2026 au
// 31/12/2029 » was cut at 375 px — but under the picker once it is chosen (contractFactsText).
export function contractOptions(contracts) {
  return [...(contracts ?? [])].sort((a, b) => a.contract_id.localeCompare(b.contract_id)).map((c) => {
    const status = c.status && c.status !== "active" ? `, ${CONTRACT_STATUS_LABELS[c.status] ?? c.status}` : "";
    return { value: c.contract_id, label: `${c.contract_id} — ${contractorText(c)}${status}` };
  });
}

// What the new order says under its « Marché » once one is chosen: « Prestataire : ACME Maintenance — marché du
// 01/01/2026 au 31/12/2029 » (the dates the option leaves out).
export function contractFactsText(contract) {
  if (!contract) return "";
  const c = contract;
  const dates = c.starts_on || c.ends_on ? ` — marché du ${isoToFrenchDate(c.starts_on) || "?"} au ${isoToFrenchDate(c.ends_on) || "?"}` : "";
  return `Prestataire : ${contractorText(c)}${dates}`;
}

// « Demander un devis »'s « Marché » suggestions (A2 quotes): the contracts of the contractor chosen — another's would
// be refused, « Le marché … n'est pas attribué au prestataire … » —, every contract while none is chosen, named as
// the new order's picker names them. Suggestions only: any id may still be typed.
export function quoteContractSuggestions(contracts, contractorId = "") {
  const chosen = (contractorId ?? "").trim();
  return contractOptions((contracts ?? []).filter((c) => !chosen || c.contractor_id === chosen));
}

// A contract's contractor as the form names it (« Prestataire : … »): its name (names_logic.mjs's rule).
export function contractorText(contract) {
  return partyLabel(directoryFromContracts(contract ? [contract] : []), contract?.contractor_id);
}

// A contract's lots (A13), when it has any: the order may name one (checked by the platform).
export function lotOptions(contract) {
  return (contract?.lots ?? []).map((lot) => ({ value: lot.code, label: lot.label ? `${lot.code} — ${lot.label}` : lot.code }));
}

// The catalogue version in force on the order's day (get_catalogue's in_force, A14), its items by code:
// [{code, label, unit, unit_price_cents, vat_rate}]; none in force: [].
export function catalogueItems(view) {
  return Object.values(view?.in_force?.items ?? {}).sort((a, b) => a.code.localeCompare(b.code));
}

// The lines ordered from the catalogue: each item given a quantity, as the catalogue prices it (code, label,
// unit, unit price), numbered L1, L2… in the catalogue's order. `quantities` maps a code to the text typed
// ("" or absent: not ordered). → {lines, errors, positions (code → index of its line: where the platform's
// $.lines[i] errors go), amounts (code → cents), totalCents}. Amounts are the platform's: quantity × unit
// price rounded half up per line (OrderLine.amount_cents), the total their sum (Order.total_cents).
export function catalogueLines(items, quantities) {
  const lines = [];
  const errors = [];
  const positions = {};
  const amounts = {};
  let totalCents = 0;
  for (const item of items) {
    const typed = String(quantities?.[item.code] ?? "").trim();
    if (!typed) continue;
    const at = lines.length;
    positions[item.code] = at;
    const q = thousandths(typed);
    if (q === null || q <= 0) {
      errors.push(clientError(`$.lines[${at}].quantity`, "INVALID_FORMAT",
        "La quantité est un nombre positif (3 décimales au plus), par exemple 2 ou 1,5."));
    } else {
      amounts[item.code] = lineNetCents(typed, item.unit_price_cents);
      totalCents += amounts[item.code];
    }
    lines.push({ line_id: `L${at + 1}`, service_code: item.code, label: item.label,
      quantity: typed.replace(",", "."), unit: item.unit, unit_price_cents: item.unit_price_cents });
  }
  if (!lines.length) {
    errors.push(clientError("$.lines", "REQUIRED", items.length
      ? "Indiquez la quantité d'au moins une prestation du catalogue." : "Ajoutez au moins une ligne."));
  }
  return { lines, errors, positions, amounts, totalCents };
}

// The total of lines typed without a catalogue (buildQuoteLines' lines), as the platform computes it.
export function linesTotalCents(lines) {
  return (lines ?? []).reduce((sum, l) => sum + (lineNetCents(l.quantity, l.unit_price_cents) ?? 0), 0);
}

// The order's site (SiteRef). A tree in force (A7): the node chosen, with its label (the node's when none is
// typed). No tree: the manager's own reference for the place (node_id, any Identifier), its label, address
// and commune (INSEE code: the platform checks it against the contract's perimeter, A13).
export function siteOf({ treeInForce, nodeId = "", label = "", address = "", commune = "" }, nodes = []) {
  const errors = [];
  const id = String(nodeId).trim();
  const text = (v) => String(v ?? "").trim();
  if (!id) {
    errors.push(clientError("$.site.node_id", "REQUIRED", treeInForce
      ? "Choisissez l'élément du patrimoine." : "Indiquez la référence du site (votre identifiant du lieu)."));
  } else if (!IDENTIFIER.test(id)) {
    errors.push(clientError("$.site.node_id", "INVALID_FORMAT", "Référence : lettres, chiffres, « . », « _ » ou « - », "
      + "64 caractères au plus, commençant par une lettre ou un chiffre."));
  }
  if (text(commune) && !COMMUNE.test(text(commune).toUpperCase())) {
    errors.push(clientError("$.site.commune", "INVALID_FORMAT", "Code INSEE de la commune : 5 caractères, par exemple 69383 ou 2A004."));
  }
  const node = treeInForce ? nodes.find((n) => n.node_id === id) : null;
  const site = { node_id: id };
  const siteLabel = text(label) || node?.label || "";
  if (siteLabel) site.label = siteLabel;
  if (text(address)) site.address = text(address);
  if (text(commune)) site.commune = text(commune).toUpperCase();
  return { site, errors };
}

// The requested start and end (calendar dates, jj/mm/aaaa, both optional): the end not before the start.
export function requestedDates(start, end) {
  const errors = [];
  const out = {};
  for (const [name, text] of [["requested_start", start], ["requested_end", end]]) {
    if (!String(text ?? "").trim()) continue;
    const iso = parseFrenchDate(text);
    if (iso) out[name] = iso;
    else errors.push(clientError(`$.${name}`, "INVALID_FORMAT", "Date au format jj/mm/aaaa."));
  }
  if (out.requested_start && out.requested_end && out.requested_end < out.requested_start) {
    errors.push(clientError("$.requested_end", "INVALID_VALUE", "La fin souhaitée précède le début souhaité."));
  }
  return { dates: out, errors };
}

// The billing accounts (A2.2, list_billing_accounts) that name the contract: where its orders are invoiced.
export function billingAccountsOf(accounts, contractId) {
  return (accounts ?? []).filter((a) => (a.contract_ids ?? []).includes(contractId))
    .sort((a, b) => a.billing_account_id.localeCompare(b.billing_account_id));
}

export function billingAccountOptions(accounts) {
  return accounts.map((a) => ({ value: a.billing_account_id,
    label: `${a.legal_entity?.name ?? "?"} — ${a.billing_account_id} (SIRET ${a.legal_entity?.siret ?? "?"})` }));
}

// IssueOrder.public_invoicing from the billing account chosen: its legal entity is the public buyer (SIRET,
// name) Chorus Pro invoices; the service code and the engagement number are the order's own. No account: the
// order carries none (invoiced on the platform, not deposited to Chorus Pro — docs/invoicing.md).
export function publicInvoicingOf(account, { serviceCode = "", engagementNumber = "" } = {}) {
  const service = String(serviceCode ?? "").trim();
  const engagement = String(engagementNumber ?? "").trim();
  if (!account) {
    return service || engagement ? { errors: [clientError("$.public_invoicing", "REQUIRED",
      "Choisissez le compte de facturation : le code service et le numéro d'engagement vont avec son acheteur.")] }
      : { errors: [] };
  }
  return { errors: [], publicInvoicing: { buyer_siret: account.legal_entity.siret, buyer_name: account.legal_entity.name,
    ...(service ? { service_code: service } : {}), ...(engagement ? { engagement_number: engagement } : {}) } };
}

// Everything the form sends but issued_at (stamped once per attempt: orderAttempt), with the errors a person
// fixes first. `v`: the form's values; `contract`: the list_contracts row chosen (its contractor is the order's);
// `lines`: the lines read (catalogueLines or buildQuoteLines), `site`, `dates`, `invoicing`: as read above.
export function newOrderContent(v, { contract, lines, site, dates, invoicing }) {
  const errors = [];
  const orderId = String(v.order_id ?? "").trim();
  if (!orderId) errors.push(clientError("$.order_id", "REQUIRED", "Indiquez le numéro de la commande."));
  else if (!IDENTIFIER.test(orderId)) {
    errors.push(clientError("$.order_id", "INVALID_FORMAT", "Numéro : lettres, chiffres, « . », « _ » ou « - », "
      + "64 caractères au plus, commençant par une lettre ou un chiffre."));
  }
  if (!contract) errors.push(clientError("$.contract_id", "REQUIRED", "Choisissez le marché."));
  const title = String(v.title ?? "").trim();
  if (!title) errors.push(clientError("$.title", "REQUIRED", "Indiquez l'objet de la commande."));
  const description = String(v.description ?? "").trim();
  const lot = String(v.lot ?? "").trim();
  errors.push(...site.errors, ...lines.errors, ...dates.errors, ...invoicing.errors);
  const content = { order_id: orderId, contract_id: contract?.contract_id ?? "", ...(lot ? { lot } : {}),
    contractor_id: contract?.contractor_id ?? "", title, ...(description ? { description } : {}), site: site.site,
    lines: lines.lines, ...dates.dates, ...(invoicing.publicInvoicing ? { public_invoicing: invoicing.publicInvoicing } : {}) };
  return { content, errors };
}

// The attempt to send `content`: a new Idempotency-Key and a new issued_at (now, `now()`) for a new content; the
// same key and the same issued_at again while that content has had no answer worth keeping — a double click, a
// network failure, a 5xx, a request still in progress (409) —, so that a retry is the same request and the
// platform issues one order (the same order id with another issued_at would be another content:
// ORDER_ALREADY_EXISTS).
export function orderAttempt(previous, content, makeKey, now) {
  const next = attemptKey(previous, content, makeKey);
  return next === previous ? previous : { ...next, issuedAt: now() };
}

export function keepsOrderAttempt(status) {
  return keepsAttemptKey(status) || status === 409;
}

// The body receive_order receives for that attempt.
export function orderBody(content, attempt) {
  return { ...content, issued_at: attempt.issuedAt };
}

export function orderHref(managerId, orderId) {
  return `#/orders/${encodeURIComponent(managerId)}/${encodeURIComponent(orderId)}`;
}
