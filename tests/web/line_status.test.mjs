// A6 order execution data, done / not done per line: what the order screen shows of each line, the declaration the
// contractor sends through submit_execution (sent once by `recording`, its Idempotency-Key kept for a retry, dropped
// after a refusal), and each refusal at its field.
//   node --test tests/web/
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  LINES_PATH, declarationNote, frozenLinesNote, lineChoiceOptions, lineDeclarations, linePath, lineStatusBody, lineStatusContent,
  lineStatusErrors, lineStatusEventLabel, lineStatusRows, lineStatusText, receptionNote,
} from "../../web/line_status_logic.mjs";
import { recording } from "../../web/record_logic.mjs";

const ORDER = { manager_id: "mgr-rhone-habitat", order_id: "BC-2026-0101", state: "in_progress", last_sequence: 3,
  lines: [{ line_id: "L1", label: "Recherche de fuite", quantity: "1", unit: "U" },
    { line_id: "L2", label: "Remplacement siphon", quantity: "2.5", unit: "U" },
    { line_id: "L3", label: "Main d'œuvre", quantity: "1.5", unit: "H" }],
  line_status: { L1: true, L2: false } };
const EVENTS = [
  { sequence: 2, occurred_at: "2026-03-04T09:00:00+01:00", report: { line_statuses: [{ line_id: "L1", done: false }] } },
  { sequence: 3, occurred_at: "2026-03-04T11:40:00+01:00", report: { line_statuses: [
    { line_id: "L1", done: true, comment: "fuite réparée" }, { line_id: "L2", done: false }] } },
  { occurred_at: "2026-03-04T12:00:00+01:00", actor: "manager" },  // a client's decision: no report
];

test("each line reads réalisée, non réalisée or non renseignée, with its last declaration", () => {
  // Given an order whose L1 was declared not done, then done with a comment, L2 not done, L3 never
  assert.equal(lineStatusText(ORDER, "L1"), "réalisée");
  assert.equal(lineStatusText(ORDER, "L2"), "non réalisée");
  assert.equal(lineStatusText(ORDER, "L3"), "non renseignée");
  assert.equal(lineStatusText({ lines: [] }, "L1"), "non renseignée");
  // Then each row carries the report of the highest sequence that named it, whatever the order of the history
  const rows = lineStatusRows(ORDER, [...EVENTS].reverse());
  assert.deepEqual(rows.map((r) => [r.lineId, r.status, r.text, r.declaredAt, r.comment]), [
    ["L1", "done", "réalisée", "2026-03-04T11:40:00+01:00", "fuite réparée"],
    ["L2", "not_done", "non réalisée", "2026-03-04T11:40:00+01:00", null],
    ["L3", "unset", "non renseignée", null, null]]);
  assert.equal(lineDeclarations([]).size, 0);
  // And the screens say when, on the order's clock, and why (Martinique's, four hours behind Paris in March)
  assert.equal(declarationNote(rows[0], "Europe/Paris"), "le 04/03/2026 11:40 — fuite réparée");
  assert.equal(declarationNote(rows[1], "America/Martinique"), "le 04/03/2026 06:40");
  assert.equal(declarationNote(rows[2], "Europe/Paris"), null);
});

test("a line never declared can start from « non renseignée », a declared one only be declared again", () => {
  assert.deepEqual(lineChoiceOptions("unset").map((o) => o.value), ["", "done", "not_done"]);
  assert.deepEqual(lineChoiceOptions("done").map((o) => o.label), ["réalisée", "non réalisée"]);
});

test("a line the client received is not offered « non réalisée », which the platform would refuse", () => {
  // Given L1 received by the client (service fait), on Martinique's clock (the evening before in Paris's morning)
  const received = { ...ORDER, state: "received", line_status: { L1: true, L3: true },
    reception: { L1: { reception_id: "rec-1", received_at: "2026-03-05T02:30:00+00:00", reservations: [] } } };
  const rows = lineStatusRows(received, EVENTS);
  assert.deepEqual(rows.map((r) => [r.lineId, r.received, r.receivedAt]), [
    ["L1", true, "2026-03-05T02:30:00+00:00"], ["L2", false, null], ["L3", false, null]]);
  // Then its list offers « réalisée » only, said why; the others keep both choices
  assert.deepEqual(lineChoiceOptions(rows[0].status, rows[0].received).map((o) => o.label), ["réalisée"]);
  assert.deepEqual(lineChoiceOptions("unset", true).map((o) => o.value), ["", "done"]);
  assert.deepEqual(lineChoiceOptions(rows[2].status, rows[2].received).map((o) => o.value), ["done", "not_done"]);
  assert.equal(receptionNote(rows[0], "America/Martinique"),
    "Réceptionnée par le client le 04/03/2026 (service fait) : elle ne peut plus être déclarée non réalisée.");
  assert.equal(receptionNote(rows[1], "Europe/Paris"), null);
  // And « non réalisée » chosen anyway (a page drawn before the reception) is said at the line, nothing sent;
  // « réalisée » again with a comment is sent, as the platform takes it
  const refused = lineStatusContent(received, rows, { L1: { value: "not_done" }, L3: { value: "not_done" } });
  assert.equal(refused.content, null);
  assert.deepEqual(refused.errors.map((e) => [e.field, e.code]), [[linePath("L1"), "LINE_RECEIVED_NOT_UNDONE"]]);
  assert.match(refused.errors[0].message, /^La ligne « L1 » a été réceptionnée par le client/);
  assert.deepEqual(lineStatusContent(received, rows, { L1: { value: "done", comment: "contrôle fait" } }).content
    .line_statuses, [{ line_id: "L1", done: true, comment: "contrôle fait" }]);
  // The platform's own refusal (a reception recorded after the page was drawn) goes to that line
  const [placed] = lineStatusErrors({ errors: [{ field: "$.line_statuses[0].done", code: "LINE_RECEIVED_NOT_UNDONE",
    message: "La ligne « L1 » a été réceptionnée par le client (service fait) : …" }] }, [{ line_id: "L1", done: false }]);
  assert.equal(placed.field, linePath("L1"));
});

test("only the lines changed or commented are sent, with the next sequence of the order", () => {
  const rows = lineStatusRows(ORDER, EVENTS);
  // Given L1 left as it is, L2 now done, L3 declared not done with a comment
  const { content, errors } = lineStatusContent(ORDER, rows, { L1: { value: "done", comment: "" },
    L2: { value: "done", comment: "  " }, L3: { value: "not_done", comment: " pas d'accès au logement " } });
  assert.deepEqual(errors, []);
  assert.deepEqual(content, { manager_id: "mgr-rhone-habitat", order_id: "BC-2026-0101", sequence: 4,
    line_statuses: [{ line_id: "L2", done: true }, { line_id: "L3", done: false, comment: "pas d'accès au logement" }] });
  // The same status declared again with a comment is sent (the comment explains it)
  assert.deepEqual(lineStatusContent(ORDER, rows, { L1: { value: "done", comment: "contrôle fait" } }).content
    .line_statuses, [{ line_id: "L1", done: true, comment: "contrôle fait" }]);
});

test("nothing changed, a comment on a line left undeclared or too long is said at its field, nothing sent", () => {
  const rows = lineStatusRows(ORDER, EVENTS);
  const none = lineStatusContent(ORDER, rows, { L1: { value: "done" }, L3: { value: "" } });
  assert.equal(none.content, null);
  assert.deepEqual(none.errors.map((e) => [e.field, e.code]), [[LINES_PATH, "NOTHING_TO_SEND"]]);
  assert.match(none.errors[0].message, /Aucune ligne modifiée/);
  const wrong = lineStatusContent(ORDER, rows, { L2: { value: "done", comment: "x".repeat(501) },
    L3: { value: "", comment: "en attente" } });
  assert.equal(wrong.content, null);
  assert.deepEqual(wrong.errors.map((e) => [e.field, e.code]), [[linePath("L2", "comment"), "TOO_LONG"],
    [linePath("L3"), "REQUIRED"]]);
  assert.match(wrong.errors[0].message, /501 caractères : 500 au plus/);
  assert.match(wrong.errors[1].message, /ligne L3/);
});

test("the history's label names the lines in French, their counts when they would not fit 500 characters", () => {
  assert.equal(lineStatusEventLabel([{ line_id: "L1", done: true }]), "Ligne L1 déclarée réalisée");
  assert.equal(lineStatusEventLabel([{ line_id: "L1", done: true }, { line_id: "L2", done: false }]),
    "Lignes déclarées : L1 réalisée, L2 non réalisée");
  const many = Array.from({ length: 40 }, (_, i) => ({ line_id: `LIGNE-NUMERO-${i}`, done: i > 0 }));
  const label = lineStatusEventLabel(many);
  assert.equal(label, "État de 40 lignes déclaré : 39 réalisées, 1 non réalisée");
  assert.ok(label.length <= 500);
});

test("a double click or a retry sends the same request under the same key; another content gets a new one", async () => {
  // The form sends through `recording` (record_logic.mjs, `recorder` in ui.mjs), as every form that records something
  const rows = lineStatusRows(ORDER, EVENTS);
  let keys = 0;
  let clock = 0;
  const makeKey = () => `key-${++keys}`;
  const now = () => `2026-03-04T12:0${++clock}:00+01:00`;
  const sent = [];
  const call = (body, key) => new Promise((resolve, reject) => sent.push({ body, key, resolve, reject }));
  const rec = recording(call, { makeKey, now });
  const { content } = lineStatusContent(ORDER, rows, { L3: { value: "done" } });
  // Given a first click, and a second while the first is on its way: one request, the second ignored
  const first = rec.send(content, lineStatusBody);
  assert.deepEqual(await rec.send(content, lineStatusBody), { ignored: true });
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].body, { manager_id: "mgr-rhone-habitat", order_id: "BC-2026-0101",
    sequence: 4, occurred_at: "2026-03-04T12:01:00+01:00", event: { label: "Ligne L3 déclarée réalisée" },
    line_statuses: [{ line_id: "L3", done: true }] });
  // When it gets no answer (a network failure), the retry of the same choice is byte for byte the same request
  sent[0].reject(Object.assign(new Error("réseau"), { status: undefined }));
  await assert.rejects(first);
  const retry = rec.send(lineStatusContent(ORDER, rows, { L3: { value: "done" } }).content, lineStatusBody);
  assert.deepEqual([sent[1].key, sent[1].body], [sent[0].key, sent[0].body]);
  sent[1].resolve({ order_state: "in_progress" });
  assert.deepEqual(await retry, { reply: { order_state: "in_progress" } });
  // And a click after the answer too: the platform replays the first success (Idempotent-Replayed)
  const replay = rec.send(content, lineStatusBody);
  assert.deepEqual([sent[2].key, sent[2].body], [sent[0].key, sent[0].body]);
  sent[2].resolve({ order_state: "in_progress" });
  await replay;
  // And a corrected content is another declaration: a new key, its own time
  const other = rec.send(lineStatusContent(ORDER, rows, { L3: { value: "not_done" } }).content, lineStatusBody);
  assert.notEqual(sent[3].key, sent[0].key);
  assert.equal(sent[3].body.occurred_at, "2026-03-04T12:02:00+01:00");
  sent[3].resolve({ order_state: "in_progress" });
  await other;
  // And once the screen was read again (a newer sequence), the same choice is a new declaration too
  const reread = lineStatusContent({ ...ORDER, last_sequence: 4 }, rows, { L3: { value: "not_done" } }).content;
  const next = rec.send(reread, lineStatusBody);
  assert.notEqual(sent[4].key, sent[3].key);
  sent[4].resolve({ order_state: "in_progress" });
  await next;
});

test("after a refusal the same declaration is a new request, checked afresh (the platform-wide rule)", async () => {
  // (before it sent through `recording`, this form kept its key after a refusal and got the refusal replayed)
  const rows = lineStatusRows(ORDER, EVENTS);
  let keys = 0;
  const sent = [];
  const call = (body, key) => new Promise((resolve, reject) => sent.push({ body, key, resolve, reject }));
  const rec = recording(call, { makeKey: () => `key-${++keys}`, now: () => "2026-03-04T12:00:00+01:00" });
  const { content } = lineStatusContent(ORDER, rows, { L3: { value: "done" } });
  const refused = rec.send(content, lineStatusBody);
  sent[0].reject(Object.assign(new Error("refusée"), { status: 422,
    problem: { errors: [{ field: "$.state", code: "ORDER_TERMINATED", message: "La commande est à l'état final." }] } }));
  await assert.rejects(refused);
  const again = rec.send(content, lineStatusBody);
  assert.equal(sent.length, 2);
  assert.notEqual(sent[1].key, sent[0].key);
  sent[1].resolve({ order_state: "in_progress" });
  await again;
});

test("each refusal of the platform goes to the line it names, the order's state to the group of lines", () => {
  const sent = [{ line_id: "L2", done: true }, { line_id: "L9", done: true, comment: "x" }];
  const placed = lineStatusErrors({ errors: [
    { field: "$.line_statuses[1].line_id", code: "UNKNOWN_LINE", message: "Ligne de commande « L9 » inconnue." },
    { field: "$.line_statuses[1].comment", code: "TOO_LONG", message: "Trop long." },
    { field: "$.state", code: "ORDER_TERMINATED", message: "La commande est à l'état final « annulé » : plus aucune "
      + "mise à jour n'est acceptée." },
    { field: "$.sequence", code: "SEQUENCE_OUTDATED", message: "Numéro de séquence 4 déjà dépassé : la dernière "
      + "séquence appliquée est 4." }] }, sent);
  assert.deepEqual(placed.map((e) => [e.field, e.code]), [[linePath("L9"), "UNKNOWN_LINE"],
    [linePath("L9", "comment"), "TOO_LONG"], [LINES_PATH, "ORDER_TERMINATED"], [LINES_PATH, "SEQUENCE_OUTDATED"]]);
  assert.match(placed[2].message, /« annulé »/);
  assert.match(placed[3].message, /déjà dépassé : .* actualisez-la, puis déclarez à nouveau\.$/);
  // An answer without a list of errors is still told, in the group
  assert.deepEqual(lineStatusErrors({ detail: "Service indisponible." }, sent),
    [{ field: LINES_PATH, code: "REFUSED", message: "Service indisponible." }]);
});

test("an ended order's lines say its state in French that agrees: « à l'état « annulé » »", () => {
  assert.equal(frozenLinesNote({ state: "cancelled" }),
    "La commande est à l'état « annulé » : l'état de ses lignes ne change plus.");
});
