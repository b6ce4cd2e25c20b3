// Orders (A3 c, A11): the manager's live dashboard, the contractor's orders, a beneficiary's
// mission orders; one order with its history and documents; the contractor's execution as the
// moves allowed now (get_order's next_moves) and its PDF upload.
import {
  STATE_LABELS, formatDateTime, formatEuros, clockNote, frenchDateTimeOf, offsetIn, orderZone, rowClock, stateLabel,
  nowIsoIn, refreshedText,
} from "./logic.mjs";
import { daysOnSiteField, timesheetBody, milestoneDaysRows, timesheetRows } from "./mission_logic.mjs";
import {
  ACTIVE_CONTENT, DOCUMENT_KINDS, LATE_LABELS, buildExecutionReport, changedRows, deliverableOptions, listQuery,
  milestoneOptions, moveLabel, nextSequence, rowScheduleText, scheduleText, uploadFields, uploadKindOptions,
  channelLabel, clientDecisionBody, clientMoveLabel, clientMoveNeedsReason, clientMoves, executionInputs,
  siteLeadValues, progressText, progressView, sequenceFacts, siteText,
} from "./orders_logic.mjs";
import { orderStateText } from "./logic.mjs";  // A6 history: each event's state and what it carried
import { emptyOrdersText, eventFacts, eventStateText, siteLeadText } from "./orders_logic.mjs";
import {
  announce, dateField, dateTimeField, definitionList, errorBox, errorSlot, field, filePicker, frenchValidity, h,
  messagesOf, recorder, scrollFrame, table,
} from "./ui.mjs";
import { orderChangesText, orderLeftText, pageText, searchText } from "./announce_logic.mjs";
import { decisionText, deliverableDocumentText } from "./deliverable_logic.mjs";
import { fileIdentity, multipartBody } from "./record_logic.mjs";
import { orderMissionProfessional } from "./replacement_logic.mjs";
import { invoicesSection, receptionSection } from "./invoicing.mjs";
import { lineStatusSection } from "./line_statuses.mjs";
import { listUpdate, liveStatusText, rowFilters, rowKey, withRow } from "./live_logic.mjs";
import {
  atControl, drawingOrder, liveOrderNodes, mayDraw, orderDrawn, redrawAfterAnswer, showOrderScreen, stillCurrent,
} from "./live_order.mjs";
import { clientColumnLabel, clientFilterAll, orderClientLabel, orderContractorLabel, orderMissionHref } from "./sourcing_logic.mjs";
import { directory, partyNodes } from "./names.mjs";
import { EMPTY_DIRECTORY, clientsOf, partyChoices, partyLabel } from "./names_logic.mjs";
import { siteNodes, siteOptions } from "./coverage_logic.mjs";
import { todoBlock } from "./todo.mjs";
import { orderFiltersFromQuery } from "./todo_logic.mjs";

const listState = { filters: {}, cursors: [], rows: null };
const ORDER_LIST_LIMIT = 25;  // list_orders' rows per page when none is asked (DEFAULT_LIMIT): a search's one list

// The sites a « Site » filter offers (A7 property tree): the manager's own, or — for a contractor that chose a client
// (`managerId`) — that client's sites within its perimeter; read by kind alone (siteNodes: list_property_nodes
// kind=site, page after page, not the whole tree), once per session and client, again after SITES_AGAIN_MS so that
// an import meanwhile shows; a read that fails, or finds no site (no tree yet), is forgotten (the filter is then
// typed: the site's id). → Promise of the picker's options.
const SITES_AGAIN_MS = 5 * 60 * 1000;
const sitesRead = new Map();  // client ("" for the manager's own) → { key, at, promise }
function sitesOf(ctx, managerId = "") {
  const key = `${ctx.session?.claims?.tenant ?? ""}/${ctx.session?.claims?.uid ?? ""}`;
  const known = sitesRead.get(managerId);
  if (known && known.key === key && Date.now() - known.at < SITES_AGAIN_MS) return known.promise;
  const entry = { key, at: Date.now(), promise: null };
  const forget = () => { if (sitesRead.get(managerId) === entry) sitesRead.delete(managerId); };
  entry.promise = siteNodes(ctx.call, { managerId: managerId || null }).then(({ rows }) => {
    const options = siteOptions(rows);
    if (!options.length) forget();  // no tree yet: read again on the next screen (an import may come meanwhile)
    return options;
  }, () => { forget(); return []; });
  sitesRead.set(managerId, entry);
  return entry.promise;
}

export function reset() {
  Object.assign(listState, { filters: {}, cursors: [], rows: null });
}

function stateSelectOptions(blank) {
  return [{ value: "", label: blank }, ...Object.entries(STATE_LABELS).map(([value, label]) => ({ value, label }))];
}

// `query`: the filters an « À faire » link put in the address (« #/?state=completed », « #/?late=true »): the list
// starts from them alone. `home`: the manager's dashboard and the contractor's « Mes commandes », with « À faire » on top.
export function renderList(ctx, query = "", { home = false } = {}) {
  const role = ctx.session.claims.role;
  const contractor = role === "contractor";
  if (query) {
    const { state, lateOnly } = orderFiltersFromQuery(query);
    Object.assign(listState, { filters: { state, lateOnly }, cursors: [], rows: null });
  }
  const todo = home ? todoBlock(ctx) : null;
  const f = listState.filters;
  // the time of the last read, seen, not said at each read (what changed is said: announce below)
  const status = h("p", { className: "status" });
  // « Actualiser », as on « Devis » and « Mes besoins » (live_list.mjs): the page read again now, whether the stream
  // is up or the list waits for its next poll
  const refresh = h("button", { type: "button", className: "secondary", onclick: () => serially(load) }, "Actualiser");
  const body = h("tbody");
  const errors = h("div");
  const next = h("button", { type: "button", disabled: true }, "Page suivante");
  const first = h("button", { type: "button", disabled: true }, "Première page");
  const stateField = field({ name: "state", label: "État", options: stateSelectOptions("Tous les états"), value: f.state });
  // the other party's filter: a picker of the caller's contractors (manager) or clients (contractor), by name — the
  // query parameter stays the id; typed when the caller's contracts cannot be read (names.mjs: one read per session)
  const partyFilter = contractor ? { name: "manager_id", kind: "clients", value: f.managerId ?? "",
    label: () => clientColumnLabel(role, listState.rows), all: () => clientFilterAll(clientColumnLabel(role, listState.rows)) }
    : role === "manager" ? { name: "contractor_id", kind: "contractors", value: f.contractorId ?? "",
      label: () => "Prestataire", all: () => "Tous les prestataires" } : null;
  let names = EMPTY_DIRECTORY;
  const partyField = partyFilter ? h("div", { className: "picker", "data-picker": partyFilter.name }) : null;
  const partyInput = () => partyField?.querySelector("select, input");
  let drawnOptions = null;
  function drawPartyFilter(directoryRead) {
    if (!partyField) return;
    const value = partyInput()?.value ?? partyFilter.value;
    const options = directoryRead ? partyChoices(names, partyFilter.kind, value) : [];
    const key = JSON.stringify(options);
    if (key === drawnOptions) return;  // the same choices: the field stays as the user left it
    drawnOptions = key;
    partyField.replaceChildren(options.length
      ? field({ name: partyFilter.name, label: partyFilter.label(), value,
        options: [{ value: "", label: partyFilter.all() }, ...options] })
      : field({ name: partyFilter.name, label: partyFilter.label(), value, hint: "Identifiant" }));
  }
  drawPartyFilter(false);
  // the « Site » filter (A7, A11: list_orders node_id=, the orders under a top node of the client's tree), picked by
  // label among the tree's sites once read, typed (the site's id) before or without them. The manager's: its own
  // sites. The contractor's: offered once it has chosen a client (its « Client » filter), that client's sites within
  // its perimeter; none while every client is listed (a site belongs to one client's tree).
  const siteField = role === "manager" || contractor ? h("div", { className: "picker", "data-picker": "node_id" }) : null;
  const siteInput = () => siteField?.querySelector("select, input");
  let drawnSites = null;
  let siteClient = contractor ? (f.managerId ?? "") : "";
  function drawSiteFilter(options, client = siteClient) {
    if (!siteField || client !== siteClient) return;  // the answer for a client since left
    if (contractor && !client) {
      drawnSites = null;
      siteField.replaceChildren();
      return;
    }
    const value = siteInput()?.value ?? (client === (f.managerId ?? "") ? f.nodeId ?? "" : "");
    const typed = value && !options.some((o) => o.value === value) ? [{ value, label: value }] : [];
    const key = JSON.stringify([client, options]);
    if (key === drawnSites) return;  // the same choices: the field stays as the user left it
    drawnSites = key;
    siteField.replaceChildren(options.length
      ? field({ name: "node_id", label: "Site", value, options: [{ value: "", label: "Tous les sites" }, ...typed, ...options] })
      : field({ name: "node_id", label: "Site", value, hint: "Identifiant du site" }));
  }
  function readSites() {
    const client = siteClient;
    drawSiteFilter([], client);
    if (siteField && (!contractor || client)) sitesOf(ctx, client).then((options) => drawSiteFilter(options, client));
  }
  readSites();
  if (contractor) {
    partyField.addEventListener("change", () => {
      const client = partyInput()?.value.trim() ?? "";
      if (client === siteClient) return;
      siteClient = client;
      siteField.replaceChildren();  // another client's sites: the site chosen for the previous one is dropped
      readSites();
    });
  }
  const late = field({ name: "late", label: "En retard seulement", type: "checkbox", value: f.lateOnly });
  // A11 lists: the search — the start of a reference, or a word of the title or its start (3 letters or more), among a
  // month's thousands (list_orders q=, in every client's space for a contractor), with the other filters; as typed from
  // a paper order: spaces around it aside, regardless of case and accents. One list of the best matches, no next page
  // (type more to narrow it)
  const reference = field({ name: "q", label: "Référence ou objet", value: f.search ?? "",
    hint: "ex. BC-2026-01 ou fui (début d'un mot)", type: "search" });
  const filters = h("form", { className: "filters", "aria-label": "Filtres" }, reference, stateField, partyField, siteField,
    late,
    h("button", { type: "submit" }, "Filtrer"));
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    const party = partyInput()?.value.trim() ?? "";
    listState.filters = { state: stateField.input.value, lateOnly: late.input.checked,
      contractorId: role === "manager" ? party : "",
      managerId: contractor ? party : "", nodeId: siteInput()?.value.trim() ?? "", search: reference.input.value.trim() };
    listState.cursors = [];
    listState.rows = null;
    searched = Boolean(listState.filters.search);  // what the search found is said once its list is drawn
    serially(load);
  });

  // A11 real-time view: every role's list (the manager's dashboard, the contractor's « Mes commandes », the
  // beneficiary's orders) follows watch_orders (« en direct ») and falls back to polling
  let refreshedAt = null;
  let mode = "polling";
  const showStatus = () => {
    if (!refreshedAt) return;
    status.textContent = `${refreshedText(refreshedAt)} — `
      + liveStatusText(mode, ctx.config.refresh_seconds);
    status.dataset.live = mode;
  };
  // A change re-reads its one row (list_orders order_id=, with the list's filters); the page is re-read after the
  // stream (re)opens, on each poll while it is down, on a later page, or when many orders changed together.
  // Changes that arrive together are read once, a moment later; reads apply one after the other, in order.
  let pending = null;
  let waitingRows = new Map();  // key → the latest event of an order whose row waits to be read
  let wholePage = false;
  let reads = Promise.resolve();
  const serially = (read) => { reads = reads.then(read, read); return reads; };
  const screen = {};  // this drawing of the list: a read still waiting when it was left or drawn again is dropped
  listState.screen = screen;
  const flush = () => {
    if (listState.screen !== screen) return undefined;
    const rows = [...waitingRows.values()];
    const page = wholePage;
    waitingRows = new Map();
    wholePage = false;
    if (page) return serially(load);
    todo?.refresh();  // an order that changed may change what waits (« terminée », « en retard »…)
    return serially(() => Promise.all(rows.map(readRow)).then((said) => {
      refreshedAt = new Date();
      showStatus();
      announce(said.filter(Boolean).join(" "));
    }));
  };
  const soon = () => { clearTimeout(pending); pending = setTimeout(flush, 250); };
  const reloadSoon = () => { wholePage = true; soon(); };
  const onOrder = (event) => {
    const update = listUpdate(event, listState.filters, { firstPage: !listState.cursors.length,
      pending: waitingRows.size });
    if (update === "ignore") return;
    if (update === "page") wholePage = true;
    else waitingRows.set(rowKey(event), event);
    soon();
  };

  function showEmpty() {
    body.querySelector("tr:not([data-key])")?.remove();
    if (!listState.rows.length) body.append(h("tr", {}, h("td", { colspan: 8, className: "empty" },
      emptyOrdersText(role, listState.filters))));  // what to do next, or the filters as the cause
  }

  // a page changed by « Page suivante » / « Première page » is said through the announcer (« Page 2 : 25 commandes. »)
  let pageMoved = false;
  let searched = false;
  async function load() {
    todo?.refresh();  // « À faire » read again with the list (not awaited: its reads never hold the list up)
    const cursor = listState.cursors.at(-1) ?? null;
    const moved = pageMoved;
    const sayFound = searched;
    pageMoved = false;
    searched = false;
    try {
      const [page, read] = await Promise.all([ctx.call("list_orders", { query: listQuery({ ...listState.filters, cursor }) }),
        directory(ctx)]);
      if (read !== names) {
        names = read;
        drawPartyFilter(true);
      }
      const changed = changedRows(listState.rows, page.orders);
      listState.rows = page.orders;
      listState.more = Boolean(page.next_cursor);
      if (contractor) showClientLabel(clientColumnLabel(role, page.orders, clientsOf(names)));
      body.replaceChildren(...page.orders.map((row) => orderRow(row, role, changed, names)));
      showEmpty();
      announce(sayFound ? searchText(listState.filters.search, page.orders.length, ORDER_LIST_LIMIT)
        : moved ? pageText(listState.cursors.length + 1, page.orders.length)
          : orderChangesText(page.orders, changed));
      next.disabled = !page.next_cursor;
      next.onclick = () => {
        listState.cursors.push(page.next_cursor);
        listState.rows = null;
        pageMoved = true;
        serially(load);
      };
      first.disabled = !listState.cursors.length;
      errors.replaceChildren();
      refreshedAt = new Date();
      showStatus();
    } catch (err) {
      if (err.status !== 401) errors.replaceChildren(errorBox(messagesOf(err)));
    }
  }
  first.onclick = () => { listState.cursors = []; listState.rows = null; pageMoved = true; serially(load); };

  // One order's row read again and put in place: only its <tr> is replaced (or removed, when the order left the
  // list's filters); the other rows stay as they are, links and focus included.
  async function readRow(event) {
    if (!listState.rows) return;
    const key = rowKey(event);
    let answer;
    try {
      answer = await ctx.call("list_orders", { query: listQuery(rowFilters(event, listState.filters, role)) });
    } catch (err) {
      if (err.status !== 401) reloadSoon();  // the row could not be read: the page will be
      return;
    }
    if (!listState.rows) return;  // the list was re-read from its start meanwhile (filters, pages)
    const row = answer.orders.find((r) => rowKey(r) === key) ?? null;
    listState.rows = withRow(listState.rows, key, row, { more: listState.more });
    const shown = body.querySelector(`tr[data-key="${CSS.escape(key)}"]`);
    shown?.remove();
    const index = listState.rows.findIndex((r) => rowKey(r) === key);
    let said = "";
    if (index >= 0) {
      body.insertBefore(orderRow(listState.rows[index], role, new Set([key]), names), body.children[index] ?? null);
      said = orderChangesText([listState.rows[index]], new Set([key]));
    } else if (shown) {
      said = orderLeftText(event.order_id);
    }
    showEmpty();
    return said;  // what the change says (flush says those read together at once)
  }

  const title = contractor ? "Mes commandes" : role === "manager" ? "Tableau de bord des commandes"
    : "Commandes de mes missions";
  // the contractor's client column and filter: « Bénéficiaire » for the titulaire, whose orders are missions'
  const clientHeader = h("th", { scope: "col" }, contractor ? clientColumnLabel(role, listState.rows) : "Prestataire");
  function showClientLabel(label) {
    clientHeader.textContent = label;
    partyField.querySelector("label").textContent = label;
    const all = partyField.querySelector("option[value='']");
    if (all) all.textContent = clientFilterAll(label);  // « Tous les bénéficiaires » under « Bénéficiaire »
  }
  ctx.show(title, todo?.node, filters, errors, h("div", { className: "list-live" }, status, refresh),
    scrollFrame(h("div", { className: "table-wrap" }, h("table", { className: "orders", "aria-label": "Commandes" },
      h("thead", {}, h("tr", {}, [h("th", { scope: "col" }, "Commande"), clientHeader, ...["État", "Avancement",
        "Rendez-vous / dates", "Dernier événement", "Retard", "Documents"].map((t) => h("th", { scope: "col" }, t))])),
      body))),
    h("div", { className: "pager" }, first, next));
  serially(load);
  // A11: each change re-reads its row; polled every refresh_seconds while the stream is down
  ctx.liveOrders({ refresh: reloadSoon, onOrder, onMode: (m) => { mode = m; showStatus(); } });
}

function orderRow(row, role, changed, names) {
  const key = `${row.manager_id}/${row.order_id}`;
  const href = `#/orders/${encodeURIComponent(row.manager_id)}/${encodeURIComponent(row.order_id)}`;
  return h("tr", { className: [row.late ? "late" : "", changed.has(key) ? "changed" : ""].join(" ").trim() || null,
    "data-order": row.order_id, "data-key": key },
    // a changed row is not told by its colour alone (RGAA 3.1)
    h("td", {}, h("a", { href }, row.order_id), changed.has(key) ? h("span", { className: "visually-hidden" },
      " (vient de changer)") : null, h("div", { className: "sub" }, row.title),
      h("div", { className: "sub" }, row.site ? siteText(row.site) : "")),
    h("td", { className: "party" }, partyNodes(names, role === "contractor" ? row.manager_id : row.contractor_id)),
    // data-label: the column's name, written before its value when a phone shows each order as a card (style.css)
    h("td", { "data-label": "État" }, h("span", { className: `state state-${row.state}` },
      row.state_label ?? stateLabel(row.state))),
    h("td", { "data-label": "Avancement" }, progress(row)),
    h("td", { "data-label": "Rendez-vous / dates" }, rowScheduleText(row)),
    h("td", { "data-label": "Dernier événement" }, row.last_event ? [row.last_event.label ?? "",
      h("div", { className: "sub" },
        `${formatDateTime(row.last_event.occurred_at, rowClock(row).zone)}${rowClock(row).suffix}`)] : "—"),
    h("td", { "data-label": "Retard" }, row.late ? h("span", { className: "badge late" },
      `En retard : ${LATE_LABELS[row.late_reason] ?? ""}`) : "—"),
    h("td", { className: "num", "data-label": "Documents" }, String(row.document_count ?? 0)));
}

// A6 progress as reported, a finished order at 100 % with the figure last reported noted (progressView)
function progress(row) {
  const { value, text, note } = progressView(row);
  if (value === null) return text;
  // the bar and its figure on one line (.figure): « 10 » and « % » were split over two in the list's narrow column
  return h("span", { className: "progress" }, h("span", { className: "figure" },
    h("progress", { max: 100, value, "aria-label": `Avancement ${text}` }), ` ${text}`),
  note ? h("div", { className: "sub" }, note) : null);
}

// --- one order ------------------------------------------------------------------------------
// A11 real-time view: the screen follows watch_orders and re-reads the order when it changes (`reread`), never
// under the user's hand: « Actualiser » while one of its forms is in use, and a drawing the user left or a newer
// one overtook is dropped (live_order.mjs, shared with the mission screen).
// Every drawing but the visit (`follow`: the route's) is a redraw — a form's answer (`refresh`, redrawAfterAnswer),
// « Actualiser », a re-read —: focus and scroll kept, and each form the user is at (typed in, focused, or sent and not
// yet accepted) kept as it is, its values, its answer and the focus with it (showOrderScreen in live_order.mjs).
// `kept`: a drawing right after the user's own accepted command, which keeps its answer shown ({ timesheet: text }):
// not held back by the form just sent — and since it reads the order after the command's commit, its `shownAt` covers
// the change the stream then announces, which is therefore not offered as someone else's (« Actualiser »).
export async function renderOrder(ctx, managerId, orderId, { follow = true, reread = false, kept = null,
  afresh = false } = {}) {
  const ticket = drawingOrder({ visit: follow, afresh });
  const role = ctx.session.claims.role;
  const contractor = role === "contractor";
  const query = listQuery({ managerId: role === "manager" ? "" : managerId }) + `&order_id=${encodeURIComponent(orderId)}`;
  let view;
  let documents;
  let invoices;
  let names;
  try {
    [view, documents, invoices, names] = await Promise.all([ctx.call("get_order", { query }),
      ctx.call("get_documents", { query }), ctx.call("get_invoices", { query }), directory(ctx)]);
  } catch (err) {
    // a redraw leaves the screen as drawn (with the answer, for `kept`); the next change tries again
    if (!follow || !stillCurrent(ticket)) return undefined;
    return ctx.showError(`Commande ${orderId}`, err);
  }
  const o = view.order;
  // B18: every time of this screen, shown or typed, is on the clock of the order's territory (get_order's time_zone)
  const zone = orderZone(view);
  const at = (iso) => formatDateTime(iso, zone);
  const clock = clockNote(view);
  // a redraw: a form's answer, or « Actualiser » ({ afresh: true })
  const refresh = (options = {}) => renderOrder(ctx, managerId, orderId, { follow: false, ...options });
  // B11: the beneficiary's reception form warns of a milestone whose deliverables are not all accepted
  let milestonesFollowUp = null;
  if (role === "beneficiary" && view.mission) {
    try {
      milestonesFollowUp = (await ctx.call("get_sourcing", { query: new URLSearchParams({ view: "mission",
        mission_id: view.mission.mission_id }).toString() })).milestones_follow_up;
    } catch (err) {
      if (err.status === 401) return undefined;
    }
  }
  if (!mayDraw(ticket, { reread })) return undefined;
  shown.order = o;
  const back = role === "beneficiary" ? "#/orders" : "#/";
  const facts = [
    ["État", stateLabel(o.state)], ["Avancement", progressText(o)],
    [orderContractorLabel(role, view), partyLabel(names, o.contractor_id)], [orderClientLabel(role, view), partyLabel(names, o.manager_id)],
    ["Marché", o.contract_id],
    ["Site", siteText(o.site)], ["Montant", formatEuros(view.total_cents)],
    ["Rendez-vous / dates", scheduleText(o, zone)],
    ["Début / fin réels", `${at(o.actual_start)} → ${at(o.actual_end)}`],
    ["Pilote", siteLeadText(o.site_lead)],
    ["Date de facture", formatDateTime(o.invoice_date)], ...sequenceFacts(o, role),
    // B12: who does a mission now, and its changes of professional (the titulaire reads them here)
    ...(view.mission?.professional_id ? [["Professionnel de la mission", orderMissionProfessional(view.mission, zone)]] : []),
  ];
  // on a phone each event a card (table.cards in style.css): the column's name (data-label) before its value
  const history = table(["Date", "Événement", "Par", "Canal", "État", "Reçu le", "Délai"], view.events.map((e) =>
    h("tr", { className: e.late ? "late" : null },
      h("td", { "data-label": "Date" }, at(e.occurred_at)),
      h("td", { "data-label": "Événement" }, e.label, e.reason ? h("div", { className: "sub" }, `Motif : ${e.reason}`)
        : null, eventFacts(e, zone) ? h("div", { className: "sub" }, eventFacts(e, zone)) : null),
      h("td", { "data-label": "Par" }, ACTORS[e.actor] ?? e.actor), h("td", { "data-label": "Canal" }, channelLabel(e.channel)),
      h("td", { "data-label": "État" }, eventStateText(e)),
      h("td", { "data-label": "Reçu le" }, at(e.received_at)),
      h("td", { "data-label": "Délai" }, e.late ? "en retard (> 15 min)"
        : e.delay_seconds === undefined || e.delay_seconds === null ? "—" : "à l'heure"))),
    { label: "Historique", empty: "Aucun événement : rien n'a encore été déclaré sur cette commande.", className: "cards" });
  const docs = documents.documents.length
    ? h("ul", { className: "documents" }, documents.documents.map((d) => h("li", {},
      h("a", { href: d.download_url, target: "_blank", rel: "noopener noreferrer" }, d.filename),
      ` — ${DOCUMENT_KINDS[d.kind] ?? d.kind}${deliverableDocumentText(d, view.mission)}, `
        + `${d.pages} p., ${Math.ceil(d.size_bytes / 1024)} Kio`,
      d.decision ? h("span", { className: d.decision.decision === "refused" ? "badge late" : "badge ok" },
        ` ${decisionText(d.decision, zone)}`) : null,
      (d.active_content ?? []).length
        ? h("span", { className: "badge late", role: "note" },
          ` contenu actif : ${d.active_content.map((a) => ACTIVE_CONTENT[a] ?? a).join(", ")} — à ouvrir avec prudence`)
        : null)))
    : h("p", {}, "Aucun document.");
  const proof = documents.documents.some((d) => d.kind === "service_done");
  const missionHref = orderMissionHref(role, view);
  showOrderScreen(ctx, ticket, `${o.order_id} — ${o.title}`,
    h("p", {}, h("a", { href: back }, "← Retour à la liste"),
      missionHref ? [" · ", h("a", { href: missionHref, id: "order-mission" }, "Voir la mission")] : null),
    ...liveOrderNodes(refresh),
    clock ? h("p", { id: "order-clock", className: "hint", role: "note" }, `${clock} : les heures de cette commande sont `
      + "affichées et saisies à l'heure de son territoire.") : null,
    definitionList(facts),
    role === "beneficiary" ? h("p", { className: proof ? "ok" : "hint" }, proof
      ? "Attestation de service fait déposée." : "Pas encore d'attestation de service fait.") : null,
    contractor ? movesSection(ctx, o, (view.next_moves ?? []).filter((m) => m.state !== "invoiced"), zone, refresh)
      : null,
    // A6: each line declared réalisée / non réalisée (a final state takes no report: shown, not offered)
    contractor ? lineStatusSection(ctx, o, view.events, zone, { frozen: TERMINAL.includes(o.state),
      answered: (said) => redrawAfterAnswer(refresh, said), current: () => latest(o) }) : null,
    ["manager", "beneficiary"].includes(role) ? clientDecisions(ctx, o, clientMoves(view.next_moves), refresh, zone) : null,
    contractor && !TERMINAL.includes(o.state) ? h("p", {}, h("a", { className: "button secondary",
      href: `#/quotes/raise/${encodeURIComponent(o.manager_id)}/${encodeURIComponent(o.order_id)}` },
    "Proposer un devis de travaux complémentaires")) : null,
    receptionSection(ctx, o, view, refresh, milestonesFollowUp),
    invoicesSection(ctx, o, invoices.invoices, refresh, zone, invoices.supplier),
    h("section", { "aria-labelledby": "history-title" }, h("h2", { id: "history-title" }, "Historique"), history),
    h("section", { "aria-labelledby": "docs-title" }, h("h2", { id: "docs-title" }, "Documents"), docs),
    contractor && view.mission ? timesheetSection(ctx, o, view.mission, kept?.timesheet ?? null,
      (answer) => renderOrder(ctx, managerId, orderId, { follow: false, kept: { timesheet: answer } })) : null,
    contractor ? uploadForm(ctx, o, view.mission, refresh) : null);
  orderDrawn(ctx, { follow, managerId, orderId, shownAt: view.updated_at,
    reread: (options) => renderOrder(ctx, managerId, orderId, { follow: false, ...options }) });
  return undefined;
}

// The order as the screen last read it: a form kept by a redraw (showOrderScreen) sends the next sequence of the order
// as it is now — an answer that drew the screen again moved it — not of the drawing that made the form.
const shown = { order: null };
function latest(order) {
  const now = shown.order;
  return now && now.manager_id === order.manager_id && now.order_id === order.order_id ? now : order;
}

// B11: the titulaire's timesheets on its mission's order — per milestone the days planned, declared and left, the
// timesheets declared, then the form. An accepted timesheet draws the screen again whole, its answer kept (`answer`),
// so that the order's change it made (A11: a timesheet moves the order's updated_at) is one the screen already shows;
// what the user types meanwhile, in this form or another, stays (the forms in use are kept by that drawing).
function timesheetSection(ctx, order, mission, answer, recorded) {
  return h("section", { "aria-labelledby": "timesheets-title" },
    h("h2", { id: "timesheets-title" }, "Feuilles de temps"), h("div", { id: "timesheet-follow-up" },
      timesheetTables(mission)), timesheetForm(ctx, order, mission, answer, recorded));
}

function timesheetTables(mission) {
  const days = table(["Jalon", "Jours prévus", "Jours déclarés", "dont sur site", "Jours restants"],
    milestoneDaysRows(mission).map((r) => h("tr", { "data-milestone": r.milestoneId },
      h("td", {}, r.label), h("td", { className: "num", "data-label": "Jours prévus" }, r.planned),
      h("td", { className: "num", "data-label": "Jours déclarés" }, r.reported),
      h("td", { className: "num", "data-label": "dont sur site" }, r.onSite),
      h("td", { className: "num", "data-label": "Jours restants" }, r.remaining))),
  { label: "Jours par jalon", empty: "Aucun jalon.", className: "cards" });  // on a phone, a card per milestone
  const sheets = table(["Référence", "Période", "Jalon", "Jours", "dont sur site", "Commentaire"],
    timesheetRows(mission).map((r) => h("tr", { "data-timesheet": r.timesheetId },
      h("td", {}, r.timesheetId), h("td", {}, r.period), h("td", {}, r.milestone), h("td", { className: "num" }, r.days),
      h("td", { className: "num" }, r.onSite), h("td", {}, r.comment || "—"))),
  { label: "Feuilles de temps déclarées", empty: "Aucune feuille de temps déclarée." });
  return [days, sheets];
}

// The timesheet form — days worked on a milestone over a period and, unless the mission is fully remote,
// « dont jours sur site » (required on a hybrid mission), which the frais-annexes line follows. A period ending after
// today (on the mission's territory calendar) is refused by the platform, next to « Au ».
function timesheetForm(ctx, order, mission, answer, recorded) {
  const onSite = daysOnSiteField(mission);
  const reference = field({ name: "timesheet_id", label: "Référence de la feuille de temps", required: true,
    paths: ["timesheet_id"] });
  const milestone = field({ name: "milestone_id", label: "Jalon", options: milestoneOptions(mission), paths: ["milestone_id"] });
  const start = dateField({ name: "period_start", label: "Du", required: true, paths: ["period_start"] });
  const end = dateField({ name: "period_end", label: "Au", required: true, paths: ["period_end"] });
  const days = field({ name: "days", label: "Jours travaillés", required: true, inputmode: "decimal", paths: ["days"],
    hint: "Au dixième de jour près (ex. 4,5)" });
  const daysOnSite = field({ name: "days_on_site", label: "dont jours sur site", required: onSite.required,
    inputmode: "decimal", paths: ["days_on_site"], hint: onSite.required
      ? "Mission en mode mixte : obligatoire (les frais annexes suivent les jours sur site)"
      : "Vide : tous les jours travaillés sont comptés sur site" });
  const comment = field({ name: "comment", label: "Commentaire", rows: 2, paths: ["comment"] });
  const fields = [reference, milestone, start, end, days, ...(onSite.shown ? [daysOnSite] : []), comment];
  const slot = errorSlot(() => fields);
  const result = h("div", { "aria-live": "polite", id: "timesheet-answer", tabindex: "-1" },
    answer ? h("p", { className: "status" }, answer) : null);
  // the answer kept by the drawing after an accepted timesheet takes the focus the sent form had (no scroll) — unless
  // the user went on to a field meanwhile, which the drawing kept focused (showOrderScreen in live_order.mjs)
  if (answer) setTimeout(() => { if (result.isConnected && !atControl()) result.focus({ preventScroll: true }); }, 0);
  const form = h("form", { className: "card", id: "timesheet", "aria-labelledby": "timesheet-title" },
    h("h3", { id: "timesheet-title" }, "Déclarer une feuille de temps"), slot.node,
    h("div", { className: "grid" }, ...fields), h("button", { type: "submit" }, "Déclarer"), result);
  const send = recorder(ctx, "submit_timesheet", { form });  // a double click declares it once
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;  // the first click's answer is on its way: the screen stays as it is
    slot.clear();
    result.replaceChildren();  // an earlier answer is no answer to this one
    const { body, errors } = timesheetBody({ timesheetId: reference.input.value, milestoneId: milestone.input.value,
      periodStart: start.input.value, periodEnd: end.input.value, days: days.input.value,
      daysOnSite: daysOnSite.input.value, comment: comment.input.value }, order, mission);
    if (errors.length) return slot.show(errors);
    try {
      const sent = await send.send(body);
      if (sent.ignored) return;
      const answer = sent.reply;
      const reported = answer.timesheet_days?.[body.milestone_id] ?? body.days;
      const onSiteDays = answer.timesheet_days_on_site?.[body.milestone_id];
      const text = `Feuille de temps enregistrée : ${String(reported).replace(".", ",")} j déclarés sur ce jalon${
        onSiteDays === undefined ? "" : `, dont ${String(onSiteDays).replace(".", ",")} j sur site`}.`;
      result.replaceChildren(h("p", { className: "status" }, text));  // shown at once, and kept by the drawing
      recorded(text);
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  return form;
}

// Orders on which no supplementary works can be quoted any more (A2.5).
const TERMINAL = ["closed", "cancelled", "cannot_complete"];
const ACTORS = { contractor: "prestataire", manager: "client", platform: "Chorus Pro" };

// --- execution as moves ------------------------------------------------------------------------
const INPUTS = {
  event_label: (v) => field({ name: "event_label", label: "Libellé de l'événement", required: true, value: v,
    paths: ["event_label", "event.label", "event"] }),
  occurred_at: (v) => dateTimeField({ name: "occurred_at", label: "Date et heure de l'événement", required: true,
    value: v }),
  progress: () => field({ name: "progress", label: "Avancement (%)", type: "number", inputmode: "numeric" }),
  reason: () => field({ name: "reason", label: "Motif", required: true, rows: 2 }),
  planned_start: () => dateTimeField({ name: "planned_start", label: "Début prévu" }),
  planned_end: () => dateTimeField({ name: "planned_end", label: "Fin prévue" }),
  appointment__start: () => dateTimeField({ name: "appointment__start", label: "Rendez-vous : début",
    paths: ["appointment__start", "appointment.start", "appointment"] }),
  appointment__end: () => dateTimeField({ name: "appointment__end", label: "Rendez-vous : fin",
    paths: ["appointment__end", "appointment.end"] }),
  actual_start: () => dateTimeField({ name: "actual_start", label: "Début réel", required: true }),
  actual_end: () => dateTimeField({ name: "actual_end", label: "Fin réelle", required: true }),
  invoice_date: () => dateField({ name: "invoice_date", label: "Date d'émission de la facture", required: true }),
  // A6: the site lead (pilote), prefilled with the order's
  site_lead__last_name: (v) => field({ name: "site_lead__last_name", label: "Pilote : nom", value: v,
    autocomplete: "family-name", paths: ["site_lead__last_name", "site_lead.last_name", "site_lead"] }),
  site_lead__first_name: (v) => field({ name: "site_lead__first_name", label: "Pilote : prénom", value: v,
    autocomplete: "given-name", paths: ["site_lead__first_name", "site_lead.first_name"] }),
  site_lead__mobile: (v) => field({ name: "site_lead__mobile", label: "Pilote : téléphone mobile", value: v, type: "tel",
    autocomplete: "tel", hint: "Ex. 06 12 34 56 78", paths: ["site_lead__mobile", "site_lead.mobile"] }),
};

// The moves get_order allows now, one button each; choosing one opens a form that asks only for
// what that move requires (the rule comes from the platform's state machine through next_moves).
function movesSection(ctx, order, moves, zone, refresh) {
  const holder = h("div");
  const buttons = h("div", { className: "moves", role: "group", "aria-label": "Actions possibles" },
    [null, ...moves].map((move) => h("button", { type: "button", className: move ? "" : "secondary",
      "data-move": move?.state ?? "event", onclick: (event) => open(move, event.currentTarget) }, moveLabel(move))));
  function open(move, button) {
    for (const b of buttons.children) b.setAttribute("aria-pressed", String(b === button));
    holder.replaceChildren(moveForm(ctx, order, move, zone, refresh));
    holder.querySelector("input, textarea, select")?.focus();
  }
  return h("section", { className: "card", "aria-labelledby": "moves-title" },
    h("h2", { id: "moves-title" }, "Déclarer l'exécution"),
    moves.length ? h("p", { className: "hint" }, "Choisissez ce qui s'est passé : seules les étapes possibles "
      + "maintenant sont proposées.") : h("p", { className: "hint" }, "Aucun changement d'état possible : "
      + "vous pouvez encore signaler un événement."),
    buttons, holder);
}

function moveForm(ctx, order, move, zone, refresh) {
  const names = executionInputs(move, order);
  const lead = siteLeadValues(order);
  const fields = names.map((name) => (INPUTS[name] ?? ((v) => field({ name, label: name, value: v })))(
    name === "occurred_at" ? frenchDateTimeOf(new Date(), zone) : name === "event_label" && move ? `Passage à « ${move.label} »`
      : lead[name] ?? ""));
  const slot = errorSlot(() => fields);
  const result = h("p", { className: "status", role: "status" });
  const requirements = (move?.requires ?? []).filter((r) => !r.met);
  const sequenceText = (o) => `Séquence envoyée : ${nextSequence(o)} (la suivante de la dernière appliquée).`;
  const sequenceHint = h("p", { className: "hint" }, sequenceText(order));
  const form = h("form", { className: "move-form", id: "execution", "data-move": move?.state ?? "event" },
    h("h3", {}, moveLabel(move)),
    requirements.length ? h("p", { className: "hint" }, `Ce passage exige ${requirements.map((r) => r.label).join(" et ")}.`)
      : null,
    slot.node, h("div", { className: "grid" }, fields),
    sequenceHint, h("button", { type: "submit" }, "Envoyer"), result);
  // one report per content (its occurred_at is typed): a double click sends it once (record_logic.mjs)
  const send = recorder(ctx, "submit_execution", { form });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;  // the second click of a double click: the report is on its way
    slot.clear();
    result.textContent = "";
    const values = Object.fromEntries(new FormData(form).entries());
    if (move) values.state = move.state;
    const now = latest(order);  // the order as last read: this form may have been kept by a redraw since its own
    sequenceHint.textContent = sequenceText(now);
    const { report, errors } = buildExecutionReport(values, { managerId: order.manager_id, orderId: order.order_id,
      sequence: nextSequence(now) }, offsetIn(zone));
    if (errors.length) return slot.show(errors);
    try {
      const { reply } = await send.send(report);
      result.textContent = `Accepté : ${orderStateText(reply.order_state)}` +
        (reply.late ? " (transmis plus de 15 minutes après l'événement)." : ".");
      redrawAfterAnswer(refresh, result.textContent);
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  return form;
}

// The client's own decisions (change_order_state): suspend, cancel, resume — the moves get_order's next_moves allow
// the manager (or the beneficiary on its mission's order) now, but reception and closing, which have their forms.
function clientDecisions(ctx, order, moves, refresh, zone) {
  if (!moves.length) return null;
  const holder = h("div");
  const buttons = h("div", { className: "moves", role: "group", "aria-label": "Décisions possibles" },
    moves.map((move) => h("button", { type: "button", className: move.state === "cancelled" ? "danger" : "",
      "data-decision": move.state, onclick: (event) => open(move, event.currentTarget) }, clientMoveLabel(move, order))));
  function open(move, button) {
    for (const b of buttons.children) b.setAttribute("aria-pressed", String(b === button));
    const needsReason = clientMoveNeedsReason(move);
    const reason = field({ name: "decision_reason", label: "Motif",
      hint: needsReason ? "Obligatoire pour cette décision." : "Facultatif pour cette décision.", required: needsReason, rows: 2, paths: ["reason"] });
    const slot = errorSlot(() => [reason]);
    const result = h("p", { className: "status", role: "status" });
    const form = h("form", { id: "client-decision", "data-decision": move.state, novalidate: true },
      h("h3", {}, clientMoveLabel(move, order)),
      h("p", { className: "hint" }, "Le prestataire est prévenu de votre décision, avec son motif."),
      slot.node, reason, h("button", { type: "submit" }, "Confirmer"), result);
    // one decision per content, at the time of its first sending: a double click decides once (record_logic.mjs)
    const send = recorder(ctx, "change_order_state", { form, now: () => nowIsoIn(zone) });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (send.busy) return;  // the second click of a double click: the decision is on its way
      slot.clear();
      const { body, errors } = clientDecisionBody(order, move, reason.input.value, null);
      if (errors.length) return slot.show(errors);
      const { occurred_at: _, ...content } = body;
      try {
        const { reply: after } = await send.send(content, (c, attempt) => ({ ...c, occurred_at: attempt.occurredAt }));
        result.textContent = `Décision enregistrée : ${orderStateText(after.state)}.`;
        redrawAfterAnswer(refresh, result.textContent);
      } catch (err) {
        if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
      }
    });
    holder.replaceChildren(form);
    reason.input.focus();
  }
  return h("section", { className: "card", "aria-labelledby": "client-decisions-title" },
    h("h2", { id: "client-decisions-title" }, "Décider de la commande"), buttons, holder);
}

// A mission's order (``mission`` from get_order) also offers « Livrable », naming its milestone and deliverable (B11).
function uploadForm(ctx, order, mission, refresh) {
  const kind = field({ name: "kind", label: "Type de document", options: uploadKindOptions(mission) });
  const milestones = milestoneOptions(mission);
  const milestone = field({ name: "milestone_id", label: "Jalon", options: milestones, paths: ["milestone_id"] });
  const deliverable = field({ name: "deliverable", label: "Livrable remis", paths: ["deliverable"],
    options: deliverableOptions(mission, milestones[0]?.value) });
  const deliverableFields = h("div", { className: "grid", hidden: true }, milestone, deliverable);
  milestone.input.addEventListener("change", () => deliverable.input.replaceChildren(
    ...deliverableOptions(mission, milestone.input.value).map((o) => h("option", { value: o.value }, o.label))));
  kind.input.addEventListener("change", () => { deliverableFields.hidden = kind.input.value !== "deliverable"; });
  const slot = errorSlot(() => [kind, milestone, deliverable]);
  const file = h("input", { id: "upload-file", name: "file", type: "file", accept: "application/pdf", required: true,
    "aria-describedby": "upload-file-error" });
  const fileError = h("span", { id: "upload-file-error", className: "field-error" });
  frenchValidity(file, fileError);  // « Please select a file. » in an English browser otherwise
  const result = h("div", { "aria-live": "polite" });
  const form = h("form", { className: "card", id: "upload", "aria-labelledby": "upload-title" },
    h("h2", { id: "upload-title" }, "Déposer un document PDF"), slot.node, kind, milestones.length ? deliverableFields : null,
    h("div", { className: "field" }, h("label", { for: "upload-file" }, "Fichier PDF (5 Mio au plus)"), file, fileError),
    h("button", { type: "submit" }, "Déposer"), result);
  filePicker(file, { button: "Choisir un fichier PDF" });  // in French whatever the browser's language
  // one deposit per content (its fields and the file chosen): one Idempotency-Key and the same multipart bytes at each
  // sending of it, so a double click or a retry is answered once (record_logic.mjs multipartBody)
  const send = recorder(ctx, "store_report", { form,
    call: (upload, idempotencyKey) => ctx.call("store_report", { form: upload, idempotencyKey }) });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;
    slot.clear();
    const { fields, errors } = uploadFields({ kind: kind.input.value, milestoneId: milestone.input.value,
      deliverable: deliverable.input.value });
    if (errors.length) return slot.show(errors);
    const chosen = file.files[0];
    const named = { manager_id: order.manager_id, order_id: order.order_id, ...fields };
    try {
      const sent = await send.send({ ...named, file: fileIdentity(chosen) },
        (_content, attempt) => multipartBody(named, chosen, `passerelle-${attempt.key}`));
      if (sent.ignored) return;
      const answer = sent.reply;
      result.replaceChildren(h("p", { className: "status" }, answer.created ? "Document déposé."
        : "Ce document était déjà déposé sur la commande."));
      redrawAfterAnswer(refresh, result.textContent);
    } catch (err) {
      if (err.status !== 401) result.replaceChildren(errorBox(messagesOf(err)));
    }
  });
  return form;
}
