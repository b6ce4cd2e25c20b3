// Quotes (A2.4, A2.5, B16): the manager requests, compares versions, accepts or refuses; the
// contractor answers, revises or withdraws, and raises quotes nobody asked for (spontaneous, or
// supplementary works on one of its orders); a beneficiary requests them from its missions (sourcing.mjs)
// and decides them like a manager. list_quotes lists them, get_quote reads one, the commands are
// request_quote, raise_quote, request_mission_quote, submit_quote and decide_quote.
// Times (B18 territories): a quote's on the clock of its territory, where its D3 and validity date count (QuoteView's
// and the list rows' time_zone); its screen names that clock once when it is not Paris's, an overseas row says
// « heure locale ». Its forms type no time: a validity date is a calendar date, counted in the quote's territory.
import {
  answerDueText, clockNote, formatDateTime, formatEuros, isoToFrenchDate, orderZone, parseFrenchDate, rowClock,
  rowTimeText,
} from "./logic.mjs";
import {
  QUOTE_LABELS, compareVersions, emptyQuotesText, quoteDecisionBody, quoteLineUnit, quoteListQuery, quoteOrderLink,
  raiseLineUnit, versionColumnLabel,
} from "./quotes_logic.mjs";
import { siteText } from "./orders_logic.mjs";
import { activeNodes, siteNodes } from "./coverage_logic.mjs";
import { clientColumnLabel, orderClientLabel, orderContractorLabel, raiseClientChoice, raiseMissionOptions, raiseOrderId, raiseOrderLookup,
  raiseOrderOptions, raiseSiteNode, raiseSiteOptions, raiseTarget } from "./sourcing_logic.mjs";
import {
  announce, dateField, definitionList, errorSlot, field, h, keepDraft, recorder, scrollFrame, suggestionOptions, table,
} from "./ui.mjs";
import { draftKey } from "./draft_logic.mjs";
import { latestOnly } from "./latest_logic.mjs";
import { linesEditor } from "./lines_editor.mjs";
import { quoteContractSuggestions } from "./new_order_logic.mjs";
import { QUOTE_CHANGED_TEXT, QUOTE_NOUNS, pageText } from "./announce_logic.mjs";
import { directory, partyNodes, partyPicker } from "./names.mjs";
import { EMPTY_DIRECTORY, clientsOf, missionLabel, partyLabel } from "./names_logic.mjs";
import { liveList } from "./live_list.mjs";
import { QUOTE_ROWS } from "./live_list_logic.mjs";
import { changedNote, drawingOrder, mayDraw, pollScreen, showOrderScreen, stillCurrent } from "./live_order.mjs";
import { quoteChanged, quoteStaleText, quoteStamp } from "./quote_live_logic.mjs";
import { quoteFiltersFromQuery } from "./todo_logic.mjs";

export function quoteHref(q) {
  return `#/quotes/${encodeURIComponent(q.manager_id)}/${encodeURIComponent(q.quote_id)}`;
}

// The buyer of a quote: the manager of the space, or the beneficiary for its missions (B16).
const isBuyer = (ctx) => ["manager", "beneficiary"].includes(ctx.session.claims.role);
const OPENED_BY = { manager: "demandé par le gestionnaire", beneficiary: "demandé par le bénéficiaire",
  contractor: "proposé par le prestataire" };
const LIST_TITLES = { manager: "Devis demandés et reçus", contractor: "Devis demandés et proposés",
  beneficiary: "Devis demandés pour vos missions" };

// « Devis » in pages like « Mes commandes » (« Page suivante », « Première page »), most recent activity first, with
// the state filter and the search by reference (« Référence »: list_quotes quote_id=, trimmed, regardless of case);
// kept while the user opens a quote and comes back (reset at sign-out, like the orders' list). The page shown after a
// page change or a filter is said through the announcer (« Page 2 : 50 devis. »).
const listState = { state: "", quoteId: "", cursors: [] };
const LOOKUP_PAUSE_MS = 400;  // « Commande complétée »: a reference is looked up once typing pauses this long

export function reset() {
  Object.assign(listState, { state: "", quoteId: "", cursors: [] });
}

// `query`: the state an « À faire » link put in the address (« #/quotes?state=submitted »): the list starts from it.
export async function renderQuotes(ctx, query = "") {
  if (query) Object.assign(listState, { ...quoteFiltersFromQuery(query), quoteId: "", cursors: [] });
  const role = ctx.session.claims.role;
  const buyer = isBuyer(ctx);
  const next = h("button", { type: "button", disabled: true }, "Page suivante");
  const first = h("button", { type: "button", disabled: true }, "Première page");
  const stateField = field({ name: "state", label: "État", value: listState.state,
    options: [{ value: "", label: "Tous les états" },
      ...Object.entries(QUOTE_LABELS).map(([value, label]) => ({ value, label }))] });
  const reference = field({ name: "quote_id", label: "Référence", value: listState.quoteId, hint: "ex. DEV-2026-0001",
    type: "search" });
  const filters = h("form", { className: "filters", "aria-label": "Filtres des devis" }, reference, stateField,
    h("button", { type: "submit" }, "Filtrer"));
  const status = h("p", { className: "status" });
  // no quote yet: the contractor's clients named by its contracts' client_kind, from the directory's one read
  // (« Bénéficiaire » for the titulaire)
  const clientHeader = h("th", { scope: "col" }, buyer ? "Prestataire" : clientColumnLabel(role, [], clientsOf(EMPTY_DIRECTORY)));
  let names = EMPTY_DIRECTORY;
  let sayPage = false;  // the page shown after a page change or a filter is said once, not after each re-read
  // A11: the list read again every refresh_seconds while shown (live_list.mjs): the changed rows drawn again and
  // highlighted, never under the user's hand; the filters, the page and « Demander un devis » untouched
  const list = liveList(ctx, { kind: QUOTE_ROWS, columns: 8, drawRow: (q) => quoteRow(q, names, buyer),
    read: async () => {
      const cursor = listState.cursors.at(-1) ?? null;
      const [page, read] = await Promise.all([ctx.call("list_quotes", {
        query: quoteListQuery({ state: listState.state, quoteId: listState.quoteId, cursor }) }), directory(ctx)]);
      names = read;
      return { ...page, rows: page.quotes };
    },
    empty: () => emptyQuotesText(role, listState),  // what to do next, or the filter as the cause
    onPage: (page) => {
      if (!buyer) clientHeader.textContent = clientColumnLabel(role, page.quotes, clientsOf(names));
      next.disabled = !page.next_cursor;
      next.onclick = () => { listState.cursors.push(page.next_cursor); turn(); };
      first.disabled = !listState.cursors.length;
      status.textContent = listState.cursors.length || page.next_cursor
        ? `Page ${listState.cursors.length + 1} — ${page.count} devis, les plus récemment modifiés d'abord.` : "";
      if (sayPage) announce(pageText(listState.cursors.length + 1, page.count, QUOTE_NOUNS));
      sayPage = false;
    } });
  const turn = () => { sayPage = true; list.load({ reset: true }); };
  ctx.show("Devis", role === "manager" ? requestForm(ctx) : null,
    role === "contractor" ? h("p", {}, h("a", { className: "button", href: "#/quotes/raise" }, "Proposer un devis")) : null,
    role === "beneficiary" ? h("p", { className: "hint" }, "Un devis se demande depuis la page d'une mission.") : null,
    h("section", { "aria-labelledby": "quote-list" }, h("h2", { id: "quote-list" }, LIST_TITLES[role] ?? "Devis"),
      filters, ...list.nodes,
      // on a phone each quote a card (table.cards in style.css): its reference, client or contractor and object, then
      // each column's name (data-label) before its value — nothing to swipe sideways to find its state or amount
      scrollFrame(h("div", { className: "table-wrap" }, h("table", { className: "cards", "aria-label": "Devis" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Devis"), clientHeader,
          ["Objet", "État", "Version", "Montant", "Valable jusqu'au", "Demandé le"].map((t) => h("th", { scope: "col" }, t)))),
        list.tbody))),
      status, h("div", { className: "pager" }, first, next)));
  first.onclick = () => { listState.cursors = []; turn(); };
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    listState.state = stateField.input.value;
    listState.quoteId = reference.input.value.trim();
    listState.cursors = [];
    turn();
  });
  await list.load({ reset: true });
}

function quoteRow(q, names, buyer) {
  return h("tr", { "data-quote": q.quote_id },
    h("td", {}, h("a", { href: quoteHref(q) }, q.quote_id)), h("td", { className: "party" }, partyNodes(names, buyer ? q.contractor_id : q.manager_id)),
    h("td", {}, q.title, q.mission_id ? h("div", { className: "sub quote-mission" }, missionLabel(q.mission_title, q.mission_id))
      : null), h("td", { "data-label": "État" }, h("span", { className: `state quote-${q.state}` }, q.state_label),
      // B16: by when the contractor answers a request (D3), on the row's clock
      answerDueText(q) ? h("div", { className: "sub answer-due" }, answerDueText(q, rowClock(q).suffix)) : null),
    h("td", { className: "num", "data-label": "Version" }, q.current_version ?? "—"),
    h("td", { className: "num", "data-label": "Montant" }, formatEuros(q.total_cents)),
    h("td", { "data-label": "Valable jusqu'au" }, formatDateTime(q.valid_until)),
    h("td", { "data-label": "Demandé le" }, rowTimeText(q, q.requested_at)));
}

// The contracts of the manager suggested (list_contracts); any value may still be typed.

function requestForm(ctx) {
  // « Prestataire »: a picker of the manager's contractors by name, the id sent (names.mjs: the session's one read);
  // typed when its contracts cannot be read
  const contractor = partyPicker(ctx, { kind: "contractors", name: "contractor_id", label: "Prestataire" });
  // A7: the manager's active property nodes (the first page of list_property_nodes) suggested by id; the label of
  // the node chosen fills « Libellé du site » when it is empty. Any id may still be typed.
  const nodes = activeNodes(ctx.call, { maxPages: 1 }).then((r) => r.rows).catch(() => []);
  // « Marché »: the chosen contractor's contracts suggested, each with its contractor by name (another's is refused)
  const contracts = ctx.call("list_contracts").then((l) => l.contracts).catch(() => []);
  const contract = field({ name: "contract_id", label: "Marché", required: true,
    suggestions: contracts.then((rows) => quoteContractSuggestions(rows, "")) });
  // the contractor chosen (its only one chosen already, once the picker is drawn): its contracts, its only one filled in
  const suggestContracts = async () => {
    const chosen = contractor.field?.input?.value ?? "";
    const options = quoteContractSuggestions(await contracts, chosen);
    contract.querySelector("datalist")?.replaceChildren(...suggestionOptions(options));
    if (chosen && options.length === 1 && !contract.input.value.trim()) contract.input.value = options[0].value;
  };
  contractor.node.addEventListener("change", suggestContracts);
  let draft = null;  // the form's draft (keepDraft, below): the contractor chosen once the picker is drawn
  contractor.ready.then(() => draft?.restore()).then(suggestContracts);
  const fields = [
    field({ name: "quote_id", label: "Référence du devis", required: true, placeholder: "DEV-2026-0001" }),
    contractor.node,
    contract,
    field({ name: "title", label: "Objet", required: true }),
    field({ name: "site_node", label: "Élément de patrimoine (identifiant)", required: true,
      paths: ["site_node", "site.node_id", "site"],
      suggestions: nodes.then((rows) => rows.map((n) => ({ value: n.node_id, label: n.label ?? "" }))) }),
    field({ name: "site_label", label: "Libellé du site", paths: ["site_label", "site.label"] }),
    field({ name: "order_id", label: "Commande complétée (devis de travaux supplémentaires)",
      hint: "Laisser vide pour un nouveau devis." }),
  ];
  const [, , , , node, label] = fields;
  node.input.addEventListener("change", async () => {
    const chosen = (await nodes).find((n) => n.node_id === node.input.value.trim());
    if (chosen?.label && !label.input.value.trim()) label.input.value = chosen.label;
  });
  const slot = errorSlot(() => fields.map((f) => (f === contractor.node ? contractor.field : f)));
  const result = h("p", { className: "status", role: "status" });
  const form = h("form", { className: "card", id: "request-quote", "aria-labelledby": "request-title" },
    h("h2", { id: "request-title" }, "Demander un devis"), slot.node, h("div", { className: "grid" }, fields),
    h("button", { type: "submit" }, "Demander le devis"), result);
  // what was typed kept while the tab lives: the account's own, forgotten once the quote is requested and at sign-out
  draft = keepDraft(form, draftKey(ctx.session.claims, "quote-request"));
  const send = recorder(ctx, "request_quote", { form, draft });  // a double click asks once; a reload's sending too
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;
    slot.clear();
    const v = Object.fromEntries(new FormData(form).entries());
    const body = { quote_id: v.quote_id.trim(), contractor_id: (v.contractor_id ?? "").trim(), contract_id: v.contract_id.trim(),
      title: v.title.trim(), site: { node_id: v.site_node.trim(), ...(v.site_label.trim() ? { label: v.site_label.trim() } : {}) },
      ...(v.order_id.trim() ? { order_id: v.order_id.trim() } : {}) };
    try {
      const sent = await send.send(body);
      if (sent.ignored) return;
      draft.clear();
      const quote = sent.reply;
      result.textContent = `Devis ${quote.quote_id} demandé à ${partyLabel(await contractor.ready, quote.contractor_id)}.`;
      setTimeout(() => ctx.go(quoteHref(quote)), 500);
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  return form;
}

// A11, A2: the screen reads the quote again every refresh_seconds while shown (pollScreen in live_order.mjs: no stream
// carries a quote) and draws it again only when what it shows changed (quoteStamp) — never under the user's hand, as the
// order screens: a form typed in, focused, or sent and not yet answered keeps its values; then « Ce devis vient de
// changer » and « Actualiser » (`afresh`), said once. Every drawing but the visit (`follow`) is a redraw keeping the forms
// in use (showOrderScreen). A sending refused (`refused`) reads the quote again: changed meanwhile, the screen says so
// (quoteStaleText) and shows it as it is.
const screen = { quote: null, stamp: null, settling: 0 };

// The user's own sending, from its click until the screen is drawn again, and its own « Actualiser »: a re-read meanwhile
// would take its change for someone else's (« Ce devis vient de changer ») or overtake it, so none starts.
async function settle(work) {
  screen.settling += 1;
  try {
    return await work();
  } finally {
    screen.settling -= 1;
  }
}

export async function renderQuote(ctx, managerId, quoteId, { follow = true, reread = false, afresh = false,
  refused = false } = {}) {
  const ticket = drawingOrder({ visit: follow, afresh });
  const manager = isBuyer(ctx);
  const query = new URLSearchParams({ quote_id: quoteId, ...(manager ? {} : { manager_id: managerId }) }).toString();
  let quote;
  let names;
  try {
    [quote, names] = await Promise.all([ctx.call("get_quote", { query }), directory(ctx)]);
  } catch (err) {
    if (!follow || !stillCurrent(ticket)) return undefined;  // a redraw leaves the screen as drawn
    return ctx.showError(`Devis ${quoteId}`, err);
  }
  const before = screen.quote;
  if ((reread || refused) && !quoteChanged(screen.stamp, quote)) return undefined;  // nothing new to show
  if (!mayDraw(ticket, { reread })) return undefined;
  // a redraw: a form's answer, « Actualiser » ({ afresh: true }), a refusal ({ refused: true }) — the user's own, which
  // no re-read overtakes (settle); a re-read ({ reread: true }) only when none is under way
  const draw = (options = {}) => renderQuote(ctx, managerId, quoteId, { follow: false, ...options });
  const refresh = (options = {}) => settle(() => draw(options));
  const stale = refused && before ? quoteStaleText(before, quote) : null;
  const zone = orderZone(quote);
  const clock = clockNote(quote);
  screen.quote = quote;
  screen.stamp = quoteStamp(quote);
  showOrderScreen(ctx, ticket, `Devis ${quote.quote_id} — ${quote.title}`,
    h("p", {}, h("a", { href: "#/quotes" }, "← Retour aux devis")),
    h("p", { id: "quote-live", className: "status" }, `Suivi du devis : actualisation toutes les ${ctx.config.refresh_seconds} s`),
    changedNote(refresh, { id: "quote-changed", text: "Ce devis vient de changer. ", said: QUOTE_CHANGED_TEXT }),
    stale ? h("p", { id: "quote-stale", className: "errors" }, stale) : null,
    clock ? h("p", { className: "hint", id: "quote-clock" }, `${clock} : les heures de ce devis sont affichées à `
      + "l'heure de son territoire, où courent son délai de réponse et sa validité.") : null,
    // B16: by when the contractor answers the request (D3, 5 working days in the quote's territory)
    answerDueText(quote) ? h("p", { className: "answer-due", id: "quote-answer-due" }, answerDueText(quote)) : null,
    definitionList([["État", QUOTE_LABELS[quote.state] ?? quote.state],
      ["Origine", OPENED_BY[quote.opened_by] ?? quote.opened_by], [orderContractorLabel(ctx.session.claims.role, quote), partyLabel(names, quote.contractor_id)],
      [orderClientLabel(ctx.session.claims.role, quote), partyLabel(names, quote.manager_id)], ["Marché", quote.contract_id], ["Site", siteText(quote.site)],
      // B16: the mission by its title (its order's), its id in parentheses
      // — linked to the mission's screen for the beneficiary (its way back to the mission it asked the quote from)
      ...(quote.mission_id ? [["Mission", ctx.session.claims.role === "beneficiary" ? h("a", {
        href: `#/missions/${encodeURIComponent(quote.mission_id)}` }, missionLabel(quote.mission_title, quote.mission_id,
        { labelled: true })) : missionLabel(quote.mission_title, quote.mission_id, { labelled: true })]] : []),
      [quote.opened_by === "contractor" ? "Proposé le" : "Demandé le", formatDateTime(quote.requested_at, zone)],
      ["Remis le", formatDateTime(quote.versions?.at(-1)?.submitted_at, zone)],
      ["Valable jusqu'au", formatDateTime(quote.valid_until)],
      ...(quote.decided_at ? [["Décidé le", formatDateTime(quote.decided_at, zone)]] : []),
      ["Commande", orderLink(quote)], ["Motif", quote.reason ?? "—"]]),
    versionsSection(quote),
    manager && quote.state === "submitted" ? decisionForm(ctx, quote, refresh) : null,
    !manager && ["requested", "submitted"].includes(quote.state) ? submitForm(ctx, quote, refresh) : null,
    !manager && ["requested", "submitted"].includes(quote.state) ? withdrawForm(ctx, quote, refresh) : null);
  if (stale) announce(stale);
  if (follow) pollScreen(ctx, (options) => (screen.settling ? undefined : draw(options)));
  return undefined;
}

// A sending refused: its errors at its fields, then the quote read again — changed meanwhile (revised, withdrawn,
// decided), the screen shows it as it is and says why nothing was recorded (`refused`); the form stays as it is.
async function refusedAt(slot, err, refresh) {
  slot.show(err.problem ?? [{ field: "$", message: err.message }]);
  if (err.status >= 400 && err.status < 500) await refresh({ refused: true });
}

// The order the quote completes or created (accepted): a link to its screen, to follow it from there.
function orderLink(quote) {
  const link = quoteOrderLink(quote);
  return link ? h("a", { href: link.href }, link.orderId) : "—";
}

// Every version side by side: quantity × unit price = amount per service code, totals, and the
// change of the last revision.
function versionsSection(quote) {
  const versions = quote.versions ?? [];
  if (!versions.length) return h("section", {}, h("h2", {}, "Versions"), h("p", {}, "Aucune version remise."));
  const cmp = compareVersions(versions);
  // each version's column says what its date is: « valable jusqu'au », not a bare date beside the version
  const headers = ["Prestation", ...versions.map(versionColumnLabel)];
  const rows = cmp.rows.map((row) => h("tr", {}, h("td", {}, `${row.key} — ${row.label}`),
    row.cells.map((c) => h("td", { className: "num" }, c ? c.text : "—"))));
  rows.push(h("tr", { className: "total" }, h("th", { scope: "row" }, "Total HT"),
    cmp.totals.map((t) => h("td", { className: "num" }, formatEuros(t)))));
  return h("section", { "aria-labelledby": "versions-title" }, h("h2", { id: "versions-title" }, "Versions"),
    table(headers, rows, { label: "Comparaison des versions", className: "compare" }),
    cmp.delta !== null ? h("p", { className: "status" }, `Écart de la dernière révision : ${cmp.delta > 0 ? "+" : ""}`
      + formatEuros(cmp.delta)) : null);
}

// Accept, or refuse with its reason: a refusal without one is told next to « Motif » before anything is sent
// (quoteDecisionBody); one decision per content, a double click sending it once (recorder).
function decisionForm(ctx, quote, refresh) {
  const reason = field({ name: "reason", label: "Motif", rows: 2,
    hint: "Obligatoire pour refuser le devis ; facultatif pour l'accepter." });
  const slot = errorSlot(() => [reason]);
  // a group of fields its buttons send (data-form): typed in, it is a form in use (live_order.mjs)
  const section = h("section", { className: "card", id: "quote-decision", "aria-labelledby": "decision-title",
    "data-form": "" });
  const send = recorder(ctx, "decide_quote", { form: section });
  async function decide(action) {
    if (send.busy) return;  // the second click of a double click: the decision is on its way
    slot.clear();
    // on the version shown — the screen's latest drawing, this form kept by it or not (QUOTE_VERSION_CHANGED else)
    const { body, errors } = quoteDecisionBody(screen.quote ?? quote, action, reason.input.value);
    if (errors.length) return slot.show(errors);
    await settle(async () => {
      try {
        const sent = await send.send(body);
        if (!sent.ignored) await refresh();
      } catch (err) {
        if (err.status !== 401) await refusedAt(slot, err, refresh);
      }
    });
  }
  section.append(h("h2", { id: "decision-title" }, "Décider"), slot.node, reason,
    h("div", { className: "actions" }, h("button", { type: "button", onclick: () => decide("accept") }, "Accepter"),
      h("button", { type: "button", className: "danger", onclick: () => decide("refuse") }, "Refuser")));
  return section;
}

function readValidUntil(validUntil, errors) {
  const valid = parseFrenchDate(validUntil.input.value);
  if (!valid) errors.push({ field: "$.valid_until", code: "INVALID_FORMAT", message: "Date au format jj/mm/aaaa." });
  return valid;
}

// The contractor's answer (version 1) or revision (a new version), lines prefilled from the last one.
function submitForm(ctx, quote, refresh) {
  const last = quote.versions?.at(-1);
  const lines = linesEditor(last?.lines ?? [{}], { unit: quoteLineUnit(quote) });  // « j » for a mission's quote
  const validUntil = dateField({ name: "valid_until", label: "Valable jusqu'au", required: true,
    value: isoToFrenchDate(last?.valid_until) });
  const slot = errorSlot(() => [validUntil, ...lines.fields()]);
  const result = h("p", { className: "status", role: "status" });
  const form = h("form", { className: "card", id: "submit-quote", "aria-labelledby": "submit-title" },
    h("h2", { id: "submit-title" }, last ? "Réviser le devis (nouvelle version)" : "Répondre au devis"), slot.node,
    lines.box, lines.more, h("div", { className: "grid" }, validUntil),  // a date as wide as a field, not the form's width
    h("button", { type: "submit" }, last ? "Remettre la révision" : "Remettre le devis"), result);
  // what was typed kept while the tab lives, for this quote and the version it starts from (a version handed in
  // meanwhile, from another tab, is a new form): the lines the draft holds drawn, then filled in
  const draft = keepDraft(form, draftKey(ctx.session.claims, "quote-submit", quote.manager_id, quote.quote_id,
    quote.current_version ?? 0));
  lines.grow(draft.lineCount(1));
  draft.restore();
  const send = recorder(ctx, "submit_quote", { form, draft });  // a double click hands one version in
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return undefined;
    slot.clear();
    const { lines: read, errors } = lines.read(Object.fromEntries(new FormData(form).entries()));
    const valid = readValidUntil(validUntil, errors);
    if (errors.length) return slot.show(errors);
    return settle(async () => {
      try {
        const sent = await send.send({ manager_id: quote.manager_id, quote_id: quote.quote_id, lines: read,
          valid_until: valid });
        if (sent.ignored) return;
        draft.clear();
        result.textContent = `Version ${sent.reply.current_version} remise.`;
        await new Promise((resolve) => { setTimeout(resolve, 500); });
        await refresh();
        announce(result.textContent);  // the form is drawn anew: its answer said once the screen is
      } catch (err) {
        if (err.status !== 401) await refusedAt(slot, err, refresh);
      }
    });
  });
  return form;
}

// The contractor raises a quote nobody asked for (raise_quote): spontaneous, or supplementary works on
// one of its orders — then prefilled from it (#/quotes/raise/<manager>/<order>).
export async function renderRaise(ctx, managerId = "", orderId = "") {
  let view = null;
  if (orderId) {
    try {
      const query = new URLSearchParams({ manager_id: managerId, order_id: orderId }).toString();
      view = await ctx.call("get_order", { query });
    } catch (err) {
      return ctx.showError(`Commande ${orderId}`, err);
    }
  }
  const order = view?.order ?? null;
  // B16: the client picked among the spaces of its contracts, a beneficiary's named so; typed when none is read
  const known = await ctx.call("list_contracts").then((l) => l.contracts)
    .catch((err) => (err?.status === 401 ? null : []));
  if (known === null) return undefined;  // the session expired: the sign-in is shown, no form drawn over it
  const client = raiseClientChoice(known, { managerId, order: view });
  // the only client is picked already, with its only contract (a contractor of one manager picks nothing)
  const clientField = client.options.length
    ? field({ name: "manager_id", label: client.label, required: true, value: client.chosen,
      options: [{ value: "", label: "— Choisir —" }, ...client.options] })
    : field({ name: "manager_id", label: client.label, required: true, value: managerId,
      hint: "Identifiant de son espace : vos marchés n'ont pas pu être lus." });
  const contractField = field({ name: "contract_id", label: "Marché", required: true, value: client.contract,
    suggestions: Promise.resolve(client.chosen ? client.contractsOf(client.chosen) : known.map((c) => c.contract_id)) });
  clientField.input.addEventListener("change", () => {
    const held = client.contractsOf(clientField.input.value);
    contractField.querySelector("datalist")?.replaceChildren(...held.map((id) => h("option", { value: id })));
    if (held.length === 1 && !contractField.input.value.trim()) [contractField.input.value] = held;
  });
  // A7, B16: a manager's quote is at a node of its property tree; a beneficiary has none — its quote names the mission
  // it concerns (« Mission concernée », among its missions with this titulaire), whose order and site the platform takes
  // a manager's node: its sites offered by name, a name typed taken for its node (« Bâtiment A », not « LYON-BAT-A »)
  let siteOptions = [];
  const siteNode = field({ name: "site_node", label: "Élément de patrimoine (identifiant)", required: true,
    value: order?.site?.node_id ?? "", paths: ["site_node", "site.node_id", "site"], suggestions: Promise.resolve([]),
    hint: "Un site de ce client dans le périmètre de vos marchés, ou l'élément d'une de vos commandes (son nom ou son identifiant)." });
  const siteLabel = field({ name: "site_label", label: "Libellé du site", value: order?.site?.label ?? "",
    paths: ["site_label", "site.label"] });
  const orderField = field({ name: "order_id", label: "Commande complétée (travaux complémentaires)", value: orderId,
    hint: "Laisser vide pour un devis spontané. Une commande ouverte non proposée se trouve en tapant le début de sa "
      + "référence, un mot de son objet ou le début d'un mot.",
    suggestions: Promise.resolve([]) });
  const missionField = field({ name: "mission_id", label: "Mission concernée", required: true, paths: ["mission_id", "order_id"],
    options: [{ value: "", label: "— Choisir —" }],
    hint: "Un bénéficiaire n'a pas de patrimoine : le devis porte sur l'une de ses missions et complète sa commande." });
  // A2.5: an open order beyond the first page read is found as it is typed — the start of its reference, any case, or
  // a word of its title (list_orders q=): one read once typing pauses, none for a reference offered already
  let orderOptions = [];
  const fill = (part, options) => part.querySelector("datalist")?.replaceChildren(...options.map((o) =>
    h("option", { value: o.value, label: o.label === o.value ? null : o.label })));
  const lookupRead = latestOnly();
  let lookupTimer = null;
  orderField.input.addEventListener("input", () => {
    clearTimeout(lookupTimer);
    const chosen = clientField.input.value.trim();
    const wanted = raiseOrderLookup(orderField.input.value, orderOptions);
    if (!chosen || !wanted || beneficiary) return;
    lookupTimer = setTimeout(async () => {
      const turn = lookupRead();  // a reference typed later wins over a read still under way
      const found = await turn(ctx.call("list_orders", { query: new URLSearchParams({ manager_id: chosen,
        q: wanted }).toString() }).then((page) => page.orders).catch(() => []));
      if (clientField.input.value.trim() === chosen) fill(orderField, orderOptions = raiseOrderOptions(found, chosen, orderOptions));
    }, LOOKUP_PAUSE_MS);
  });
  orderField.input.addEventListener("change", () => {
    const id = raiseOrderId(orderField.input.value, orderOptions);
    if (id) orderField.input.value = id;
  });
  let draft = null;  // the form's draft (keepDraft, below)
  const kindOf = (id) => client.options.find((o) => o.value === id)?.kind ?? (view?.mission ? "beneficiary" : "manager");
  let beneficiary = false;
  const missionsRead = latestOnly();  // a choice read for an earlier client is not drawn over a later one
  const showKind = async () => {
    const turn = missionsRead();
    const chosen = clientField.input.value.trim();
    beneficiary = Boolean(chosen) && kindOf(chosen) === "beneficiary";
    for (const part of [siteNode, siteLabel, orderField]) part.hidden = beneficiary;
    siteNode.input.required = !beneficiary;
    missionField.hidden = !beneficiary;
    missionField.input.required = beneficiary;
    lines.setUnit(raiseLineUnit(beneficiary ? "beneficiary" : "manager"));  // B16: a mission's days, « j »
    if (!chosen) return;
    // its 100 most recent orders with that client; for a manager, with its sites within the perimeter of its contracts
    // (list_property_nodes kind=site, page after page: coverage_logic's siteNodes), read at once
    const [rows, sites] = await turn(Promise.all([
      ctx.call("list_orders", { query: new URLSearchParams({ manager_id: chosen, limit: "100" }).toString() })
        .then((page) => page.orders).catch(() => []),
      beneficiary ? [] : siteNodes(ctx.call, { managerId: chosen }).then((read) => read.rows).catch(() => [])]));
    if (!beneficiary) {  // the client's sites and its open orders with it suggested, by name
      fill(siteNode, siteOptions = raiseSiteOptions(rows, chosen, sites));
      return fill(orderField, orderOptions = raiseOrderOptions(rows, chosen));
    }
    const choices = raiseMissionOptions(rows, chosen);
    const wanted = view?.mission?.mission_id ?? (choices.length === 1 ? choices[0].value : "");
    missionField.input.replaceChildren(...[{ value: "", label: choices.length ? "— Choisir —" : "Aucune mission en cours" },
      ...choices].map((o) => h("option", { value: o.value, selected: o.value === wanted }, o.label)));
    draft?.restore();  // the draft's mission, once its client's missions are offered
  };
  clientField.input.addEventListener("change", showKind);
  siteNode.input.addEventListener("change", () => {
    const site = raiseSiteNode(siteNode.input.value, siteOptions);
    if (!site.node_id) return;
    siteNode.input.value = site.node_id;
    if (site.label && !siteLabel.input.value.trim()) siteLabel.input.value = site.label;
  });
  const fields = [
    clientField,
    field({ name: "quote_id", label: "Référence du devis", required: true, placeholder: "DEV-2026-0001" }),
    contractField,
    field({ name: "title", label: "Objet", required: true }),
    missionField, siteNode, siteLabel, orderField,
  ];
  const lines = linesEditor([{}]);
  const validUntil = dateField({ name: "valid_until", label: "Valable jusqu'au", required: true });
  // a refusal goes next to a field shown (a beneficiary's order_id, its mission's: next to « Mission concernée »)
  const slot = errorSlot(() => [...fields.filter((f) => !f.hidden), validUntil, ...lines.fields()]);
  const result = h("p", { className: "status", role: "status" });
  const form = h("form", { className: "card", id: "raise-quote", "aria-labelledby": "raise-title" },
    h("h2", { id: "raise-title" }, orderId ? `Travaux complémentaires sur ${orderId}` : "Votre devis"),
    slot.node, h("div", { className: "grid" }, fields), lines.box, lines.more,
    h("div", { className: "grid" }, validUntil),  // a date as wide as the fields above, not across the form
    h("button", { type: "submit" }, "Proposer le devis"), result);
  // what was typed kept while the tab lives, a raise from an order apart (keyed by it): there the client and the order
  // are the route's, never the draft's; the rest typed over the prefill is given back. The client given back draws its
  // kind (showKind, by its change), its mission once its missions are read.
  const chosenBefore = clientField.input.value;
  draft = keepDraft(form, draftKey(ctx.session.claims, "quote-raise", managerId, orderId),
    { fixed: [managerId ? "manager_id" : null, orderId ? "order_id" : null].filter(Boolean) });
  lines.grow(draft.lineCount(1));
  draft.restore();
  if (clientField.input.value === chosenBefore) showKind();
  const send = recorder(ctx, "raise_quote", { form, draft });  // a double click proposes it once; a reload's sending too
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return undefined;
    slot.clear();
    const v = Object.fromEntries(new FormData(form).entries());
    const { lines: read, errors } = lines.read(v);
    const site = raiseSiteNode(siteNode.input.value, siteOptions);
    const target = raiseTarget({ beneficiary, missionId: missionField.input.value, siteNode: site.node_id,
      siteLabel: siteLabel.input.value.trim() || site.label || "", orderId: raiseOrderId(orderField.input.value, orderOptions) });
    errors.push(...target.errors);
    const valid = readValidUntil(validUntil, errors);
    if (errors.length) return slot.show(errors);
    const body = { manager_id: v.manager_id.trim(), quote_id: v.quote_id.trim(), contract_id: v.contract_id.trim(),
      title: v.title.trim(), ...target.fields, lines: read, valid_until: valid };
    try {
      const sent = await send.send(body);
      if (sent.ignored) return undefined;
      draft.clear();
      const quote = sent.reply;
      result.textContent = `Devis ${quote.quote_id} proposé ${quote.client_kind === "beneficiary" ? "au bénéficiaire"
        : "au gestionnaire"} ${quote.manager_id}.`;
      setTimeout(() => ctx.go(quoteHref(quote)), 500);
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  ctx.show(orderId ? "Devis complémentaire" : "Proposer un devis",
    h("p", {}, h("a", { href: orderId ? `#/orders/${encodeURIComponent(managerId)}/${encodeURIComponent(orderId)}`
      : "#/quotes" }, "← Retour")), form);
}

function withdrawForm(ctx, quote, refresh) {
  const reason = field({ name: "withdraw_reason", label: "Motif du retrait", rows: 2, paths: ["reason"] });
  const slot = errorSlot(() => [reason]);
  const button = h("button", { type: "submit", className: "danger" }, "Retirer le devis");
  const form = h("form", { className: "card", id: "withdraw-quote", "aria-labelledby": "withdraw-title" },
    h("h2", { id: "withdraw-title" }, "Retirer le devis"), slot.node, reason, button);
  const send = recorder(ctx, "decide_quote", { form });  // a double click withdraws it once
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;
    slot.clear();
    await settle(async () => {
      try {
        const sent = await send.send({ quote_id: quote.quote_id, manager_id: quote.manager_id,
          action: "withdraw", ...(reason.input.value.trim() ? { reason: reason.input.value.trim() } : {}) });
        if (!sent.ignored) await refresh();
      } catch (err) {
        if (err.status !== 401) await refusedAt(slot, err, refresh);
      }
    });
  });
  return form;
}
