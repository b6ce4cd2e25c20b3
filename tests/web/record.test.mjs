// Four defects the last walk of the part A web app found: a double click on « Enregistrer la réception » (and the
// other forms that record something) sent a second request that the platform refused; a quote refused without its
// reason came back as « Champ obligatoire manquant. »; the order screen gave each line's amount without its
// quantity × unit price. The pure logic behind them (web/record_logic.mjs, web/logic.mjs, web/invoice_logic.mjs).
//   node --test tests/web/
import assert from "node:assert/strict";
import { test } from "node:test";

import { lineAmountCents, lineCalculationText } from "../../web/invoice_logic.mjs";
import { quoteDecisionBody } from "../../web/quotes_logic.mjs";
import {
  exportStartContent, fileIdentity, keepsRecordAttempt, multipartBody, recordAttempt, recording,
} from "../../web/record_logic.mjs";

const RECEPTION = { order_id: "BC-2026-0101", lines: [{ line_id: "L1", reservations: [] }] };
const timed = (content, attempt) => ({ ...content, occurred_at: attempt.occurredAt });

// A platform that answers each request when told to (`answer(i, …)`), recording what it was sent.
function platform() {
  const sent = [];
  const call = (body, key) => new Promise((resolve, reject) => sent.push({ body, key, resolve, reject }));
  return { sent, call };
}

function counters() {
  let keys = 0;
  let minutes = 0;
  return { makeKey: () => `key-${++keys}`, now: () => `2026-03-05T10:0${minutes++}:00+01:00` };
}

test("one recording per content: the same key and time for the same content, new ones for a new content", () => {
  const { makeKey, now } = counters();
  const first = recordAttempt(null, RECEPTION, makeKey, now);
  assert.deepEqual([first.key, first.occurredAt], ["key-1", "2026-03-05T10:00:00+01:00"]);
  // a second click a minute later: the same attempt, not a reception stamped a minute later under a new key
  assert.equal(recordAttempt(first, { ...RECEPTION }, makeKey, now), first);
  const corrected = recordAttempt(first, { ...RECEPTION, comment: "Visite du 5 mars" }, makeKey, now);
  assert.deepEqual([corrected.key, corrected.occurredAt], ["key-2", "2026-03-05T10:01:00+01:00"]);
});

test("a double click while the first request is on its way sends one request and shows its success", async () => {
  const { sent, call } = platform();
  const rec = recording(call, counters());
  // When the manager clicks twice on « Enregistrer la réception » before the platform answers
  const first = rec.send(RECEPTION, timed);
  assert.equal(rec.busy, true);
  assert.deepEqual(await rec.send(RECEPTION, timed), { ignored: true });
  // Then one request left, with its Idempotency-Key and occurred_at, and its answer is the first click's
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].body, { ...RECEPTION, occurred_at: "2026-03-05T10:00:00+01:00" });
  sent[0].resolve({ state: "received" });
  assert.deepEqual(await first, { reply: { state: "received" } });
  assert.equal(rec.busy, false);
  // And a click after the answer (before the screen is drawn again) is the same request again: the platform replays
  // its success (Idempotent-Replayed) instead of refusing a second reception of the same lines
  const again = rec.send(RECEPTION, timed);
  assert.deepEqual([sent[1].key, sent[1].body], [sent[0].key, sent[0].body]);
  sent[1].resolve({ state: "received" });
  assert.deepEqual(await again, { reply: { state: "received" } });
});

test("after no answer, a 5xx or a 409 the retry is the same request; after a refusal, a new one", async () => {
  const { sent, call } = platform();
  const rec = recording(call, counters());
  const outcomes = [];
  for (const [status, expectSameKey] of [[undefined, true], [503, true], [409, true], [422, false]]) {
    const attempt = rec.send(RECEPTION, timed);
    const request = sent.at(-1);
    request.reject(Object.assign(new Error("refusée"), { status }));
    await assert.rejects(attempt);
    const retry = rec.send(RECEPTION, timed);
    outcomes.push([status, sent.at(-1).key === request.key, expectSameKey]);
    sent.at(-1).resolve({});
    await retry;
  }
  for (const [status, same, expected] of outcomes) assert.equal(same, expected, `status ${status}`);
  assert.deepEqual([200, 201, 409, 500, 0, undefined].map(keepsRecordAttempt), [true, true, true, true, true, true]);
  assert.deepEqual([400, 403, 404, 422].map(keepsRecordAttempt), [false, false, false, false]);
});

test("a quote refused without its reason is told at « Motif » before anything is sent", () => {
  const quote = { quote_id: "DV-2026-0007" };
  for (const reason of [undefined, "", "   "]) {
    assert.deepEqual(quoteDecisionBody(quote, "refuse", reason), { body: null, errors: [{ field: "$.reason",
      code: "QUOTE_REFUSAL_REASON_REQUIRED",
      message: "Un refus doit être motivé : indiquez le motif du refus avant de refuser le devis." }] });
  }
  assert.deepEqual(quoteDecisionBody(quote, "refuse", " Hors budget ").body,
    { quote_id: "DV-2026-0007", action: "refuse", reason: "Hors budget" });
  assert.deepEqual(quoteDecisionBody(quote, "accept", "").body, { quote_id: "DV-2026-0007", action: "accept" });
  assert.deepEqual(quoteDecisionBody(quote, "accept", "Conforme").body,
    { quote_id: "DV-2026-0007", action: "accept", reason: "Conforme" });
  // the version shown is named: a quote revised since is refused by the platform (QUOTE_VERSION_CHANGED)
  assert.deepEqual(quoteDecisionBody({ ...quote, current_version: 2 }, "accept", "").body,
    { quote_id: "DV-2026-0007", action: "accept", version: 2 });
});

test("each line shows its quantity × unit price beside its amount, in French", () => {
  const nbsp = "\u00a0";  // Intl's fr-FR euro: « 45,00 € » with a no-break space
  assert.equal(lineCalculationText({ quantity: "2", unit: "U", unit_price_cents: 4500 }), `2 U × 45,00${nbsp}€`);
  assert.equal(lineCalculationText({ quantity: "2.5", unit: "h", unit_price_cents: 3800 }), `2,5 h × 38,00${nbsp}€`);
  assert.equal(lineCalculationText({ quantity: "1", unit_price_cents: 123456 }),
    `1 × ${new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" }).format(1234.56)}`);
  // the amount as the platform computes it: half up per line, never a float's rounding
  assert.equal(lineAmountCents({ quantity: "2", unit_price_cents: 4500 }), 9000);
  assert.equal(lineAmountCents({ quantity: "0.333", unit_price_cents: 1001 }), 333);
  assert.equal(lineAmountCents({ quantity: "1.005", unit_price_cents: 1000 }), 1005);
});

// Part A's PDF upload and part B's forms send once per content too: a FormData draws a new boundary at each sending,
// which the platform takes for another body under the same Idempotency-Key (IDEMPOTENCY_KEY_REUSED, 422).
test("a PDF deposit sends the same bytes at each sending of one attempt, so its retry is the same request", async () => {
  const pdf = new File(["%PDF-1.4 rapport"], "Rapport \"mars\".pdf", { type: "application/pdf", lastModified: 1 });
  const named = { manager_id: "mgr-demo", order_id: "BC-2026-0101", kind: "intervention_report" };
  const { sent, call } = platform();
  const rec = recording(call, { makeKey: counters().makeKey });
  const send = () => rec.send({ ...named, file: fileIdentity(pdf) },
    (_content, attempt) => multipartBody(named, pdf, `passerelle-${attempt.key}`));
  const first = send();
  sent[0].reject(Object.assign(new Error("Erreur interne"), { status: 500 }));
  await assert.rejects(first);
  // the same file chosen again (another File of the same name, size and date) is the same content
  const again = new File(["%PDF-1.4 rapport"], pdf.name, { type: "application/pdf", lastModified: 1 });
  assert.deepEqual(fileIdentity(again), fileIdentity(pdf));
  const second = send();
  sent[1].resolve({ created: true });
  assert.deepEqual(await second, { reply: { created: true } });
  assert.equal(sent[1].key, sent[0].key);
  const [a, b] = [await sent[0].body.text(), await sent[1].body.text()];
  assert.equal(a, b);
  assert.equal(sent[0].body.type, "multipart/form-data; boundary=passerelle-key-1");
  assert.match(a, /^--passerelle-key-1\r\nContent-Disposition: form-data; name="manager_id"\r\n\r\nmgr-demo\r\n/);
  assert.match(a, /name="file"; filename="Rapport %22mars%22.pdf"\r\nContent-Type: application\/pdf\r\n\r\n%PDF-1.4 rapport\r\n/);
  assert.ok(a.endsWith("--passerelle-key-1--\r\n"));
  // another file is another deposit, under a new key
  const other = new File(["%PDF-1.4 autre"], "Autre.pdf", { type: "application/pdf", lastModified: 2 });
  rec.send({ ...named, file: fileIdentity(other) }, (_c, attempt) => multipartBody(named, other, attempt.key));
  assert.equal(sent[2].key, "key-2");
});

test("« Lancer l'export » starts one export per click before its answer, and a new one once a job has begun", async () => {
  const { sent, call } = platform();
  const rec = recording(call, counters());
  const empty = () => ({});
  // When the manager double-clicks « Lancer l'export » (no export yet this session)
  const first = rec.send(exportStartContent(null), empty);
  assert.deepEqual(await rec.send(exportStartContent(null), empty), { ignored: true });
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].body, {});
  // and the platform does not answer (network down): the click again is the same request, the same key
  sent[0].reject(Object.assign(new Error("réseau"), { status: undefined }));
  await assert.rejects(first);
  const retry = rec.send(exportStartContent(undefined), empty);
  assert.equal(sent[1].key, sent[0].key);
  sent[1].resolve({ job_id: "job-1", status: "pending" });
  assert.deepEqual(await retry, { reply: { job_id: "job-1", status: "pending" } });
  // Then, the job begun, a later start follows it: a new export under a new key
  const later = rec.send(exportStartContent("job-1"), empty);
  assert.notEqual(sent[2].key, sent[0].key);
  assert.deepEqual(sent[2].body, {});
  sent[2].resolve({ job_id: "job-2", status: "pending" });
  await later;
});

test("« Rattacher » confirmed twice, or again after « Annuler », attaches once; another node is a new request", async () => {
  const { sent, call } = platform();
  const rec = recording(call, counters());
  const body = { order_id: "BC-W1", node_id: "LYON" };
  const first = rec.send(body);
  assert.deepEqual(await rec.send({ ...body }), { ignored: true });  // the double click
  sent[0].resolve({ order_id: "BC-W1", node_id: "LYON", changed: true });
  await first;
  const again = rec.send({ ...body });  // the same node confirmed again before the screen is drawn again
  assert.equal(sent[1].key, sent[0].key);
  sent[1].resolve({ order_id: "BC-W1", node_id: "LYON", changed: true });
  await again;
  const other = rec.send({ ...body, node_id: "VILLEURBANNE" });
  assert.notEqual(sent[2].key, sent[0].key);
  sent[2].resolve({});
  await other;
});

test("a sending a reload left unanswered: its draft keeps the attempt, the same content sent again reuses its key", async () => {
  const { sent, call } = platform();
  const kept = [];
  const rec = recording(call, { ...counters(), onAttempt: (a) => kept.push(a) });
  const first = rec.send(RECEPTION, timed);
  assert.equal(kept.at(-1).key, "key-1");  // told before the request leaves: the draft holds it if the page reloads
  sent[0].reject(Object.assign(new Error("réseau"), { status: 0 }));
  await assert.rejects(first);
  // the page reloaded: a new form, its draft's attempt given back
  const again = recording(call, { ...counters(), initial: kept.at(-1) });
  const replay = again.send({ ...RECEPTION }, timed);
  assert.deepEqual([sent[1].key, sent[1].body.occurred_at], ["key-1", "2026-03-05T10:00:00+01:00"]);
  sent[1].resolve({ state: "received" });
  await replay;
  // another content after the reload is another request; a refusal drops the attempt (the draft forgets it)
  const other = recording(call, { makeKey: () => "key-new", initial: kept.at(-1), onAttempt: (a) => kept.push(a) });
  const changed = other.send({ ...RECEPTION, comment: "corrigé" }, timed);
  assert.equal(sent[2].key, "key-new");
  sent[2].reject(Object.assign(new Error("refusé"), { status: 422 }));
  await assert.rejects(changed);
  assert.equal(kept.at(-1), null);
});
