// « À faire » (web/todo_logic.mjs): which lists each role's home reads, what their answers say, the links' filters.
import assert from "node:assert/strict";
import test from "node:test";
import { NOTHING_TEXT, REFUSED_DAYS, REVIEW_SOON_DAYS, TODO_LIMIT, contractFiltersFromQuery, nearestDue,
  deliverablesToDecide, needFiltersFromQuery, orderFiltersFromQuery, quoteFiltersFromQuery, reviewSoon, todoConsult,
  todoEntry, todoSources, todoSourcesFor, todoView,
} from "../../web/todo_logic.mjs";

const NOW = new Date("2026-05-20T08:00:00Z");
const source = (role, key) => todoSources(role, NOW).find((s) => s.key === key);

test("each role reads its own lists, with their filters and small pages", () => {
  const calls = (role) => todoSources(role, NOW).map((s) => `${s.call}?${s.query}`);
  assert.deepEqual(calls("manager"), [`list_quotes?state=submitted&limit=${TODO_LIMIT}`,
    `list_orders?state=completed&limit=${TODO_LIMIT}`, `list_orders?late=true&limit=${TODO_LIMIT}`, "list_contracts?"]);
  assert.deepEqual(calls("contractor").slice(0, 2), [`list_quotes?state=requested&limit=${TODO_LIMIT}`,
    `list_orders?state=to_acknowledge&limit=${TODO_LIMIT}`]);
  const since = new URLSearchParams(source("contractor", "messages_refused").query).get("since");
  assert.equal(Date.parse(since), NOW.getTime() - REFUSED_DAYS * 86400000);
  assert.deepEqual(calls("beneficiary"), ["list_needs?status=proposed", "list_needs?status=accepted",
    "list_needs?deliverables=delivered", `list_quotes?state=submitted&limit=${TODO_LIMIT}`]);
  assert.deepEqual(calls("operator"), ["list_account_requests?", "list_needs?", "get_sourcing?view=replacements",
    "list_parties?kind=contractor&connected=false", `list_incidents?state=reported&limit=${TODO_LIMIT}`,
    `list_incidents?state=acknowledged&limit=${TODO_LIMIT}`]);
  assert.deepEqual(todoSources("purchasing_body"), []);
  assert.deepEqual(todoSources("nobody"), []);
});

test("an entry whose action the account's rights do not allow is left out (B5)", () => {
  const keys = (claims) => todoSourcesFor(claims, NOW).map((s) => s.key);
  assert.ok(keys({ role: "manager" }).includes("catalogue_reviews"));
  assert.deepEqual(keys({ role: "manager", rights: ["orders.read", "orders.write"] }),
    ["quotes_to_decide", "orders_to_receive", "orders_late"]);
  assert.ok(keys({ role: "beneficiary" }).includes("deliverables_to_decide"));
  assert.ok(!keys({ role: "beneficiary", rights: ["needs.read", "orders.read"] }).includes("deliverables_to_decide"));
  assert.deepEqual(keys({ role: "operator" }), todoSources("operator", NOW).map((s) => s.key));
  assert.deepEqual(keys({ role: "purchasing_body" }), []);
});

test("nothing waits on the purchasing body: no read, the screens it consults instead", () => {
  assert.deepEqual(todoConsult("purchasing_body").map(([href]) => href),
    ["#/half-years", "#/agreements", "#/price-schedule", "#/incidents"]);
  assert.deepEqual(todoConsult("purchasing_body").map(([, text]) => text),
    ["Rapports semestriels", "Conventions des bénéficiaires", "Barème de prix", "Incidents signalés"]);
  for (const role of ["manager", "contractor", "beneficiary", "operator", "nobody"]) {
    assert.deepEqual(todoConsult(role), [], role);
  }
});

test("B11: the deliverables « remis » awaiting the beneficiary, counted across its missions", () => {
  const deliverables = source("beneficiary", "deliverables_to_decide");
  const two = todoEntry(deliverables, { needs: [{ mission_id: "M 1", deliverables_to_decide: 2 }] }, NOW);
  assert.deepEqual([two.count, two.text, two.href, two.due], [2, "2 livrables remis attendent votre décision",
    "#/missions/M%201", null]);
  const three = todoEntry(deliverables, { needs: [{ mission_id: "a", deliverables_to_decide: 1 },
    { mission_id: "b", deliverables_to_decide: 2 }] }, NOW);
  assert.deepEqual([three.text, three.href], ["3 livrables remis attendent votre décision", "#/?deliverables=delivered"]);
  assert.equal(todoEntry(deliverables, { needs: [{ mission_id: "a", deliverables_to_decide: 1 }] }, NOW).text,
    "1 livrable remis attend votre décision");
  assert.equal(todoEntry(deliverables, { needs: [] }, NOW), null);
  assert.deepEqual(needFiltersFromQuery("deliverables=delivered"), { deliverables: "delivered" });
  assert.deepEqual(needFiltersFromQuery("deliverables=all"), { deliverables: "" });
  assert.deepEqual(deliverablesToDecide({ mission_id: "M 1", deliverables_to_decide: 2 }),
    { text: "2 livrables remis à décider", href: "#/missions/M%201" });
  assert.equal(deliverablesToDecide({ mission_id: "M 1", deliverables_to_decide: null }), null);
  assert.equal(deliverablesToDecide({ mission_id: null, deliverables_to_decide: 1 }), null);
});

test("A14: the catalogues whose six-monthly review is due within a month or past, the nearest first", () => {
  const reviews = source("manager", "catalogue_reviews");
  const day = (days) => new Date(NOW.getTime() + days * 86400000).toISOString().slice(0, 10);
  const contracts = [
    { manager_id: "mgr-a", contract_id: "AC 1", review_due_on: day(REVIEW_SOON_DAYS - 1) },
    { manager_id: "mgr-a", contract_id: "AC-2", review_due_on: day(REVIEW_SOON_DAYS + 2) },
    { manager_id: "mgr-a", contract_id: "AC-3", review_due_on: null },
    { manager_id: "mgr-a", contract_id: "AC-4", review_due_on: "2026-05-01" }];
  assert.deepEqual(contracts.map((c) => reviewSoon(c, NOW)), [true, false, false, true]);
  const two = todoEntry(reviews, { contracts }, NOW);
  assert.equal(two.text, "2 catalogues de marché à revoir (revue semestrielle)");
  assert.equal(two.due, "revue semestrielle la plus proche dépassée : 01/05/2026");
  assert.equal(two.href, "#/contracts?review=due");
  const one = todoEntry(reviews, { contracts: contracts.slice(0, 3) }, NOW);
  assert.equal(one.text, "1 catalogue de marché à revoir (revue semestrielle)");
  assert.equal(one.due, `revue semestrielle : ${day(REVIEW_SOON_DAYS - 1).split("-").reverse().join("/")}`);
  assert.equal(one.href, "#/contracts/mgr-a/AC%201");
  assert.equal(todoEntry(reviews, { contracts: contracts.slice(1, 3) }, NOW), null);
  assert.deepEqual(contractFiltersFromQuery("review=due"), { reviewDue: true });
  assert.deepEqual(contractFiltersFromQuery("review=all"), { reviewDue: false });
  assert.deepEqual(contractFiltersFromQuery(""), { reviewDue: false });
});

test("a count in French, one or several, and « ou plus » when the list has more", () => {
  const decide = source("manager", "quotes_to_decide");
  assert.equal(todoEntry(decide, { quotes: [{ valid_until: null }] }, NOW).text, "1 devis remis attend votre décision");
  assert.equal(todoEntry(decide, { quotes: [{}, {}, {}] }, NOW).text, "3 devis remis attendent votre décision");
  const full = { orders: Array.from({ length: TODO_LIMIT }, () => ({})), next_cursor: "c" };
  assert.equal(todoEntry(source("manager", "orders_late"), full, NOW).text, "50 ou plus commandes en retard");
  assert.equal(todoEntry(source("operator", "account_requests"), { requests: [{}, {}], truncated: true }, NOW).text,
    "2 ou plus demandes de compte à traiter");
});

test("a refused message corrected since, or whose order has ended, no longer waits", () => {
  const refused = source("contractor", "messages_refused");
  const answer = { messages: [{ corrected_at: null }, { corrected_at: "2026-05-19T10:00:00Z" },
    { corrected_at: null, order_ended: "annulé" }, { corrected_at: null, order_ended: null }] };
  assert.equal(todoEntry(refused, answer, NOW).text, "2 messages refusés ces 7 derniers jours pas encore corrigés");
  assert.equal(todoEntry(refused, { messages: [{ corrected_at: "2026-05-19T10:00:00Z" }] }, NOW), null);
});

test("nothing waiting is no entry", () => {
  assert.equal(todoEntry(source("manager", "orders_to_receive"), { orders: [] }, NOW), null);
  assert.equal(todoEntry(source("manager", "orders_to_receive"), {}, NOW), null);
});

test("the nearest due date, passed or not", () => {
  assert.equal(nearestDue([{ d: "2026-05-29T10:00:00Z" }, { d: null }, { d: "2026-05-27T12:00:00Z" }], "d"),
    "2026-05-27T12:00:00Z");
  assert.equal(nearestDue([{ d: "x" }], "d"), null);
  assert.equal(nearestDue([{ d: "2026-05-27T12:00:00Z" }], undefined), null);
  const answer = source("contractor", "quotes_to_answer");
  const two = todoEntry(answer, { quotes: [{ answer_due_at: "2026-05-29T10:00:00Z" },
    { answer_due_at: "2026-05-27T12:00:00Z" }] }, NOW);
  assert.equal(two.due, "date limite de réponse la plus proche : 27/05/2026 14:00");
  assert.equal(two.href, "#/quotes?state=requested");
  const one = todoEntry(answer, { quotes: [{ answer_due_at: "2026-05-27T12:00:00Z" }] }, NOW);
  assert.equal(one.due, "date limite de réponse : 27/05/2026 14:00");
  const late = todoEntry(answer, { quotes: [{ answer_due_at: "2026-05-19T12:00:00Z" }] }, NOW);
  assert.equal(late.due, "date limite de réponse dépassée : 19/05/2026 14:00");
  assert.equal(todoEntry(source("manager", "orders_late"), { orders: [{}] }, NOW).due, null);
  // a quote valid until today is still valid today; until yesterday, no longer
  const decide = source("manager", "quotes_to_decide");
  assert.equal(todoEntry(decide, { quotes: [{ valid_until: "2026-05-20" }] }, NOW).due, "fin de validité : 20/05/2026");
  assert.equal(todoEntry(decide, { quotes: [{ valid_until: "2026-05-19" }] }, NOW).due,
    "fin de validité dépassée : 19/05/2026");
});

test("a replacement's due date is its deadline's", () => {
  const entry = todoEntry(source("operator", "replacements_awaiting"), { missions: [
    { replacement: { deadline: { due: "2026-06-02T10:00:00Z" } } }, { replacement: null }] }, NOW);
  assert.equal(entry.text, "2 missions attendent un remplaçant");
  assert.equal(entry.due, "échéance du remplacement la plus proche : 02/06/2026 12:00");
  assert.equal(entry.href, "#/replacements");
});

test("the contractors not connected yet, the nearest D2 first, and a page full says « ou plus »", () => {
  const waiting = source("operator", "contractors_waiting");
  const entry = todoEntry(waiting, { parties: [{ d2_due_at: "2026-06-03T22:00:00Z" }, { d2_due_at: null }],
    next_cursor: "ctr-b" }, NOW);
  assert.equal(entry.text, "2 ou plus prestataires pas encore raccordés");
  assert.equal(entry.due, "échéance D2 la plus proche : 04/06/2026 00:00");
  assert.equal(entry.href, "#/parties");
});

test("one need links to that need, several to the list", () => {
  const proposed = source("beneficiary", "needs_proposed");
  assert.equal(todoEntry(proposed, { needs: [{ need_id: "N 1" }] }, NOW).href, "#/needs/N%201");
  assert.equal(todoEntry(proposed, { needs: [{ need_id: "a" }, { need_id: "b" }] }, NOW).href, "#/");
  assert.equal(todoEntry(source("beneficiary", "needs_accepted"), { needs: [{ need_id: "n" }] }, NOW).href,
    "#/needs/n/frame");
});

test("a failed read is shown on its entry only; all zero says nothing waits", () => {
  const sources = todoSources("manager", NOW);
  const view = todoView(sources,
    [{ error: new Error("x") }, { answer: { orders: [{}, {}] } }, { answer: { orders: [] } },
      { answer: { contracts: [] } }], NOW);
  assert.deepEqual(view.entries.map((e) => e.failed ?? e.text), ["Devis à décider : lecture impossible pour le moment.",
    "2 commandes terminées à réceptionner"]);
  assert.equal(view.empty, false);
  const none = todoView(sources, [{ answer: { quotes: [] } }, { answer: { orders: [] } }, { answer: { orders: [] } },
    { answer: { contracts: [] } }], NOW);
  assert.deepEqual(none, { entries: [], empty: true });
  assert.equal(NOTHING_TEXT, "Rien ne vous attend.");
  assert.equal(todoView(sources, [{ error: new Error("x") }, { answer: {} }, { answer: {} }, { answer: {} }], NOW).empty,
    false);
  // an account without the right to a list (403) has nothing there to act on: no entry, no failure
  const forbidden = Object.assign(new Error("interdit"), { status: 403 });
  assert.deepEqual(todoView(sources, [{ error: forbidden }, { answer: {} }, { answer: {} }, { answer: {} }], NOW),
    { entries: [], empty: true });
});

test("the links' filters read back from the address, unknown values ignored", () => {
  assert.deepEqual(orderFiltersFromQuery("state=completed"), { state: "completed", lateOnly: false });
  assert.deepEqual(orderFiltersFromQuery("late=true"), { state: "", lateOnly: true });
  assert.deepEqual(orderFiltersFromQuery("state=bogus&late=1"), { state: "", lateOnly: false });
  assert.deepEqual(orderFiltersFromQuery(""), { state: "", lateOnly: false });
  assert.deepEqual(quoteFiltersFromQuery("state=requested"), { state: "requested" });
  assert.deepEqual(quoteFiltersFromQuery("state=toString"), { state: "" });
  // every link of every role points to a route filtered with values these accept
  for (const role of ["manager", "contractor", "beneficiary", "operator"]) {
    for (const s of todoSources(role, NOW)) {
      const [path, query = ""] = s.href.slice(1).split("?");
      if (!query) continue;
      const parsed = path === "/quotes" ? quoteFiltersFromQuery(query)
        : path === "/contracts" ? { state: contractFiltersFromQuery(query).reviewDue }
          : role === "beneficiary" ? { state: needFiltersFromQuery(query).deliverables } : orderFiltersFromQuery(query);
      assert.ok(parsed.state || parsed.lateOnly, s.href);
    }
  }
});
