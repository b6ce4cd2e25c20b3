// The sending of a part A form that records something — a reception, a reservation lifted, a closing, the client's
// decision on an order, a quote's decision, an execution report, an invoice: one recording is one attempt, so a
// double click records once and shows the first answer, never a refusal of the second click (docs/web-app.md,
// « Un envoi, une fois »). Pure logic, tested by Node (tests/web/record.test.mjs); the DOM side is `recorder` in
// ui.mjs. The same rule as the « Lignes de la commande » form (lineStatusAttempt) and the new order (orderAttempt).
import { attemptKey } from "./logic.mjs";

// The attempt to send `content` (what the person chose: everything the body carries but the time it is sent): its
// Idempotency-Key and its time (`occurredAt`, now() once) stay the same while the content is the same — a second
// click, a retry after a network failure, a 5xx, a 409 « en cours » —: the platform answers the first request again
// (Idempotent-Replayed) and records nothing twice; a new content (corrected) is a new attempt, at a new time.
export function recordAttempt(previous, content, makeKey, now) {
  const next = attemptKey(previous, content, makeKey);
  return next === previous ? previous : { ...next, occurredAt: now() };
}

// After an answer: the attempt is kept after a success (a later click on the same content replays it: success again),
// after no answer, a 5xx or a 409 (the first request may still finish); a refusal (other 4xx) is the content's
// answer: the next try, even of the same content, is a new request, checked afresh against the order as it is then.
export function keepsRecordAttempt(status) {
  return !status || status < 400 || status === 409 || status >= 500;
}

// One form's sending. `call(body, key)` sends (the app's ctx.call); `bodyOf(content, attempt)` is the body sent for an
// attempt (its time put in). While a sending is on its way, `busy` is true and a second `send` sends nothing (it
// answers { ignored: true }): the form's submit handler checks `busy` first and leaves the screen as it is.
// `initial`: an attempt left without an answer (a draft restored after a reload: keepDraft), `onAttempt(attempt)` told
// of each attempt made or dropped (the draft keeps it).
export function recording(call, { makeKey, now = () => null, initial = null, onAttempt = () => {} }) {
  let attempt = initial;
  let busy = false;
  return {
    get busy() { return busy; },
    get attempt() { return attempt; },
    async send(content, bodyOf = (c) => c) {
      if (busy) return { ignored: true };
      attempt = recordAttempt(attempt, content, makeKey, now);
      onAttempt(attempt);
      busy = true;
      try {
        return { reply: await call(bodyOf(content, attempt), attempt.key) };
      } catch (err) {
        if (!keepsRecordAttempt(err?.status)) {
          attempt = null;
          onAttempt(null);
        }
        throw err;
      } finally {
        busy = false;
      }
    },
  };
}

// The multipart/form-data body of a file sent with its fields (the PDF upload, « Déposer un document PDF »), its bytes
// the same at every sending of one attempt: a browser's FormData draws a new boundary at each sending, which the
// platform would take for another body under the same Idempotency-Key (IDEMPOTENCY_KEY_REUSED); here the boundary is
// the attempt's (`boundary`, lowercase: a Blob's type is). A name's quote and line breaks are escaped as browsers do.
export function multipartBody(fields, file, boundary) {
  const quoted = (text) => String(text).replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22");
  const parts = Object.entries(fields).map(([name, value]) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`);
  if (file) {
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(file.name)}"\r\n`
      + `Content-Type: ${file.type || "application/octet-stream"}\r\n\r\n`, file, "\r\n");
  }
  parts.push(`--${boundary}--\r\n`);
  return new Blob(parts, { type: `multipart/form-data; boundary=${boundary}` });
}

// What identifies a file chosen for an attempt's content: the same file chosen again is the same content.
export function fileIdentity(file) {
  return file ? { name: file.name, size: file.size, type: file.type, last_modified: file.lastModified } : null;
}

// The content of an export's start (A8 reversibility, « Lancer l'export »): the job it follows — the last one this
// session started, or none —, so that clicks before the job's answer (a double click, a retry) are one attempt, one
// Idempotency-Key, and a start after a job has begun is a new export. Its body is {}: the content is not sent.
export function exportStartContent(lastJobId) {
  return { after_job: lastJobId || null };
}
