// Penalty statement (A9, P1): a month of penalties per contractor. The manager waives, disputes or
// upholds each entry with a reason (decide_penalty); the contractor reads its own statement.
// Both download it as a French CSV. A beneficiary chooses the contractor among its agreement's titulaire and its
// orders' contractors, and also reads its agreement's penalty terms versions (A9).
// B18 territories: each line's day is the day of the territory its deadline ran in (local_date), and its decision's
// time is shown on that clock — once for the statement when its lines share an overseas clock (#statement-clock),
// « (heure locale, UTC−4) » after a line otherwise. The month offered first is the current one on the beneficiary's
// clock (its agreement's time_zone), on Paris's for a manager or a contractor.
import { PARIS_ZONE, formatDateTime, formatEuros, monthIn, screenClockNote } from "./logic.mjs";
import {
  PENALTY_STATUS_LABELS, parseMonth, penaltyActionsFor, penaltyCauseGroups, penaltyColumns, penaltyDecisionText,
  penaltyLineOrder, statementHeading,
} from "./penalties_logic.mjs";
import { agreementSection } from "./agreements.mjs";
import { clientColumnLabel, penaltyContractorOptions } from "./sourcing_logic.mjs";
import { latestOnly } from "./latest_logic.mjs";
import { announce, choiceField, errorBox, errorSlot, field, h, messagesOf, recorder, table } from "./ui.mjs";
import { statementShownText } from "./announce_logic.mjs";
import { directory, partyField } from "./names.mjs";
import { clientsOf } from "./names_logic.mjs";

const last = { party: "", month: "" };

export async function renderStatement(ctx) {
  // the manager, or a beneficiary reading its missions' contractor (its own space, like a manager)
  const manager = ctx.session.claims.role !== "contractor";
  const beneficiary = ctx.session.claims.role === "beneficiary";
  let party;
  let notice = null;
  let zone = PARIS_ZONE;
  if (beneficiary) {
    const choice = await contractorChoice(ctx);
    if (!choice) return;  // signed out
    ({ field: party, notice, zone } = choice);
  } else {
    // a picker of the other parties of the caller's contracts by name, the id sent (names.mjs: the session's one
    // read; typed when they cannot be read); the contractor's field names its clients as they are (« Bénéficiaire »
    // for the titulaire, whose contracts are in beneficiaries' spaces); the only counterpart is chosen already and
    // its statement shown
    const names = await directory(ctx);
    const clients = clientsOf(names);
    ({ field: party, notice } = partyField(names, { kind: manager ? "contractors" : "clients",
      name: manager ? "contractor_id" : "manager_id", value: last.party,
      label: manager ? "Prestataire" : clients.length ? clientColumnLabel("contractor", clients) : "Gestionnaire" }));
  }
  const month = field({ name: "month", label: "Mois", required: true, value: last.month || monthIn(zone).split("-")
    .reverse().join("/"), placeholder: "mm/aaaa", hint: "Format mm/aaaa" });
  const slot = errorSlot(() => [party, month]);
  // not a live region: the whole statement would be read out at each drawing; a short sentence is (announce)
  const out = h("div", { id: "statement-body" });
  const form = h("form", { className: "filters", id: "statement-form", "aria-label": "Relevé à afficher" }, party, month,
    h("button", { type: "submit" }, "Afficher le relevé"));
  const latest = latestOnly();  // the last statement asked for: an earlier answer (or error) arriving after it is dropped
  async function load() {
    const turn = latest();
    slot.clear();
    const m = parseMonth(month.input.value);
    if (!m) return slot.show([{ field: "$.month", message: "Mois au format mm/aaaa." }]);
    last.party = party.input.value.trim();
    last.month = month.input.value.trim();
    const params = { month: m, [manager ? "contractor_id" : "manager_id"]: last.party };
    try {
      const [statement, names] = await turn(Promise.all([
        ctx.call("get_penalty_statement", { query: new URLSearchParams(params).toString() }), directory(ctx)]));
      out.replaceChildren(statementView(ctx, statement, ctx.session.claims.role === "manager", params, load, names));
      announce(statementShownText(statementHeading(statement, names)));
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  ctx.show("Relevé des pénalités", h("p", { className: "hint" }, "P1 : 150 € par jour de retard commencé, sans plafond."),
    notice, slot.node, form, out,
    // A9: a beneficiary also reads the penalty terms of its agreement, as the purchasing body set them
    beneficiary ? agreementSection(ctx) : null);
  if (last.party || party.input.value) load();  // the one read last, or the beneficiary's only contractor
}

// A9 penalties: the beneficiary chooses among the contractors it can ask about — its agreement's titulaire and
// the contractors of its own orders (penaltyContractorOptions), the only one chosen already; when neither list
// can be read, it types the id, told why.
async function contractorChoice(ctx) {
  const [agreement, orders, names] = await Promise.allSettled([ctx.call("get_sourcing", { query: "view=agreement" }),
    ctx.call("list_orders", { query: "limit=100" }), directory(ctx)]);
  if ([agreement, orders].some((r) => r.status === "rejected" && r.reason?.status === 401)) return null;
  const rows = penaltyContractorOptions(agreement.value, orders.value?.orders, names.value);
  const state = agreement.status === "rejected" && orders.status === "rejected" ? { error: agreement.reason }
    : rows.length ? { rows } : undefined;
  const chosen = rows.length === 1 && !rows.some((r) => r.value === last.party) ? rows[0].value : last.party;
  const zone = agreement.value?.time_zone || PARIS_ZONE;  // B18: the beneficiary's clock
  return { zone, ...choiceField({ state, options: (r) => r, name: "contractor_id", label: "Prestataire", value: chosen,
    failure: () => "La liste des prestataires n'a pas pu être chargée : saisissez l'identifiant du prestataire.",
    none: (count) => (count ? "— Choisir un prestataire —" : "— Aucun prestataire —"), placeholder: "ctr-titulaire",
    hint: "Identifiant du prestataire", noticeId: "contractor-list-error" }) };
}

function statementView(ctx, st, manager, params, reload, names) {
  const csv = h("button", { type: "button", className: "secondary", onclick: async () => {
    try {
      await ctx.download("get_penalty_statement", new URLSearchParams({ ...params, format: "csv" }).toString(),
        `penalites-${st.contractor_id}-${st.month}.csv`);
    } catch (err) { csv.after(errorBox(messagesOf(err))); }
  } }, "Télécharger le relevé (CSV)");
  // on a phone each day of penalty a card (table.cards in style.css): the column's name (data-label) before its
  // value, the deadline with its causes and the manager's decision across the card's width (penaltyColumns)
  const columns = penaltyColumns(manager);
  const cell = (i, ...content) => h("td", { "data-label": columns[i].label,
    className: [columns[i].num ? "num" : "", columns[i].stacked ? "stacked" : ""].filter(Boolean).join(" ") || null },
  ...content);
  const rows = st.lines.map((line) => h("tr", { "data-entry": line.entry_id },
    cell(0, formatDateTime(line.local_date)),
    cell(1, `${line.kind} — ${line.kind_label}`, lineOrder(st, line), causesList(st, line)),
    cell(2, line.day), cell(3, formatEuros(line.amount_cents)),
    cell(4, PENALTY_STATUS_LABELS[line.status] ?? line.status),
    cell(5, line.reason ?? "—",
      penaltyDecisionText(line, st) ? h("div", { className: "sub decided-at" }, penaltyDecisionText(line, st)) : null),
    manager ? cell(6, decideCell(ctx, line, reload)) : null));
  return h("section", { "aria-labelledby": "statement-title" },
    h("h2", { id: "statement-title" }, statementHeading(st, names)),
    screenClockNote(st, "statement") ? h("p", { id: "statement-clock", className: "hint", role: "note",
      "data-clock": st.time_zone }, screenClockNote(st, "statement")) : null,
    h("dl", { className: "facts totals" }, [["Dû", st.accrued_cents], ["Contesté", st.disputed_cents],
      ["Remis", st.waived_cents], ["Total enregistré", st.total_cents]].map(([k, v]) => [h("dt", {}, k),
      h("dd", {}, formatEuros(v))])),
    csv,
    table(columns.map((c) => c.header), rows,
      { label: "Pénalités du mois", empty: "Aucune pénalité ce mois-ci.", className: "cards penalty-lines" }));
}

const orderHref = (st, orderId) => `#/orders/${encodeURIComponent(st.tenant_id)}/${encodeURIComponent(orderId)}`;

// A9: the order of a day of one deadline, by its title and id (penaltyLineOrder), linked to its screen.
function lineOrder(st, line) {
  const order = penaltyLineOrder(line, st.order_titles);
  return order ? h("div", { className: "sub penalty-order" }, "Commande ",
    h("a", { href: orderHref(st, order.orderId) }, order.orderLabel)) : null;
}

// A9: the orders behind a pooled day (its causes), each by its title and id linked to its order's screen: how many,
// the first few, the others behind a native disclosure (« Voir les N autres », reached and opened from the keyboard:
// penaltyCauseGroups).
function causesList(st, line) {
  const groups = penaltyCauseGroups(line, st.order_titles);
  if (!groups.count) return null;
  const item = (c) => h("li", {},
    c.orderId ? [c.prefix, h("a", { href: orderHref(st, c.orderId) }, c.orderLabel), " : "] : null, c.text);
  return h("div", { className: "sub penalty-causes-block" },
    h("span", { className: "penalty-cause-count" }, groups.countText),
    h("ul", { className: "penalty-causes", "aria-label": "Messages en cause" }, groups.first.map(item)),
    groups.rest.length ? h("details", { className: "penalty-causes-more" }, h("summary", {}, groups.moreText),
      h("ul", { className: "penalty-causes", "aria-label": "Autres messages en cause" }, groups.rest.map(item))) : null);
}

// Waive, dispute or uphold one entry, with a reason (required by decide_penalty): only the decisions the platform
// accepts on it now (penaltyActionsFor), none once it is waived; the reason is asked for before anything is sent.
function decideCell(ctx, line, reload) {
  const offered = penaltyActionsFor(line);
  if (!offered.length) return h("span", { className: "sub" }, "Remise : décision définitive.");
  const reason = field({ name: `reason-${line.entry_id}`, label: "Motif", paths: ["reason"] });
  const action = field({ name: `action-${line.entry_id}`, label: "Décision", paths: ["action"],
    options: [{ value: "", label: "— Choisir —" }, ...offered.map((a) => ({ value: a.value, label: a.label }))] });
  const slot = errorSlot(() => [reason, action]);
  const form = h("form", { className: "inline-decision" }, slot.node, action, reason,
    h("button", { type: "submit" }, "Enregistrer"));
  const send = recorder(ctx, "decide_penalty", { form });  // a double click decides once
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;
    slot.clear();
    const missing = [
      !action.input.value ? { field: "$.action", message: "Choisissez la décision." } : null,
      !reason.input.value.trim() ? { field: "$.reason", message: "Indiquez le motif de la décision." } : null,
    ].filter(Boolean);
    if (missing.length) return slot.show(missing);
    try {
      const sent = await send.send({ entry_id: line.entry_id, action: action.input.value,
        reason: reason.input.value.trim() });
      if (!sent.ignored) reload();
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  return form;
}
