// A6 order execution data, « fait / pas fait pour chaque ligne »: the contractor without an ERP declares each line
// of its order réalisée or non réalisée on the order screen, through the same submit_execution its ERP would call
// (`line_statuses`, docs/web-app.md). Pure logic, tested by Node (tests/web/line_status.test.mjs): what each line
// shows, the body sent, and where each refusal of the platform goes; its sending once is `recording`
// (record_logic.mjs), as for every form that records something.
import { formatDateTime, plural, stateLabel } from "./logic.mjs";
import { nextSequence } from "./orders_logic.mjs";

export const LINE_STATUS_TEXT = Object.freeze({ done: "réalisée", not_done: "non réalisée", unset: "non renseignée" });
const EVENT_LABEL_MAX = 500;  // ExecutionEventInfo.label (shared/domain/messages.py)
const COMMENT_MAX = 500;  // LineStatus.comment (shared/domain/orders.py)

// "done", "not_done" or "unset" (never declared): the order's `line_status`, as the platform merged the reports.
export function lineStatusOf(order, lineId) {
  const done = order?.line_status?.[lineId];
  return done === true ? "done" : done === false ? "not_done" : "unset";
}

export function lineStatusText(order, lineId) {
  return LINE_STATUS_TEXT[lineStatusOf(order, lineId)];
}

// Each line's last declaration: the accepted contractor report of the highest sequence that names it (the one whose
// value the order holds, the platform applying reports in sequence), with its time and the line's comment.
export function lineDeclarations(events) {
  const reports = (events ?? []).filter((e) => e.report?.line_statuses?.length)
    .sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0));
  const byLine = new Map();
  for (const event of reports) {
    for (const s of event.report.line_statuses) {
      byLine.set(s.line_id, { done: s.done, occurredAt: event.occurred_at, comment: s.comment ?? null });
    }
  }
  return byLine;
}

// What the order screen shows of each line: its status and, once declared, when and with which comment; and whether
// the client received it (service fait, the order's `reception`): then it can no longer be declared not done.
export function lineStatusRows(order, events) {
  const declared = lineDeclarations(events);
  return (order?.lines ?? []).map((line) => {
    const status = lineStatusOf(order, line.line_id);
    const last = status === "unset" ? null : declared.get(line.line_id) ?? null;
    const reception = order?.reception?.[line.line_id] ?? null;
    return { lineId: line.line_id, label: line.label ?? "", quantity: line.quantity, unit: line.unit ?? "", status,
      text: LINE_STATUS_TEXT[status], declaredAt: last?.occurredAt ?? null, comment: last?.comment ?? null,
      received: Boolean(reception), receivedAt: reception?.received_at ?? null };
  });
}

// « réceptionnée par le client le 05/03/2026 : elle ne peut plus être déclarée non réalisée », on the order's clock;
// null for a line not received.
export function receptionNote(row, zone) {
  if (!row?.received) return null;
  return `Réceptionnée par le client${row.receivedAt ? ` le ${formatDateTime(row.receivedAt, zone).split(" ")[0]}` : ""}`
    + " (service fait) : elle ne peut plus être déclarée non réalisée.";
}

// « le 04/03/2026 11:40 — fuite réparée »: when a line was last declared, on the order's clock, and its comment;
// null for a line never declared.
export function declarationNote(row, zone) {
  if (!row?.declaredAt) return null;
  return `le ${formatDateTime(row.declaredAt, zone)}${row.comment ? ` — ${row.comment}` : ""}`;
}

// The choices of a line's list: a line never declared starts on « non renseignée »; a declared one can only be
// declared again (the platform has no way back to « non renseignée »); a line the client received is not offered
// « non réalisée », which the platform refuses (LINE_RECEIVED_NOT_UNDONE) — « réalisée » again is harmless.
export function lineChoiceOptions(status, received = false) {
  const options = [{ value: "done", label: "réalisée" },
    ...(received ? [] : [{ value: "not_done", label: "non réalisée" }])];
  return status === "unset" ? [{ value: "", label: "non renseignée" }, ...options] : options;
}

// The paths of a line's fields in the form (errorSlot): its list, its comment; and the group of all the lines, where
// what concerns the whole declaration goes (the order's state, its sequence, nothing chosen).
export function linePath(lineId, part = "done") {
  return part === "comment" ? `line:${lineId}:comment` : `line:${lineId}`;
}
export const LINES_PATH = "lines";

function err(field, code, message) {
  return { field, code, message };
}

// The lines to send: each whose choice differs from what the order holds, or that carries a comment (the same status
// declared again, explained). `choices`: line id → { value: "" | "done" | "not_done", comment }.
export function lineStatusContent(order, rows, choices) {
  const errors = [];
  const lineStatuses = [];
  for (const row of rows) {
    const choice = choices?.[row.lineId] ?? {};
    const value = choice.value ?? "";
    const comment = String(choice.comment ?? "").trim();
    if (comment.length > COMMENT_MAX) {
      errors.push(err(linePath(row.lineId, "comment"), "TOO_LONG",
        `Le commentaire compte ${comment.length} caractères : ${COMMENT_MAX} au plus.`));
    }
    if (!value) {
      if (comment) {
        errors.push(err(linePath(row.lineId), "REQUIRED",
          `Choisissez « réalisée » ou « non réalisée » pour la ligne ${row.lineId} avant de la commenter.`));
      }
      continue;
    }
    if (value === "not_done" && row.received) {
      errors.push(err(linePath(row.lineId), "LINE_RECEIVED_NOT_UNDONE", `La ligne « ${row.lineId} » a été réceptionnée `
        + "par le client (service fait) : elle ne peut plus être déclarée non réalisée. Un écart constaté depuis se "
        + "règle avec le client."));
      continue;
    }
    if (value === row.status && !comment) continue;
    lineStatuses.push({ line_id: row.lineId, done: value === "done", ...(comment ? { comment } : {}) });
  }
  if (!lineStatuses.length && !errors.length) {
    errors.push(err(LINES_PATH, "NOTHING_TO_SEND",
      "Aucune ligne modifiée : choisissez l'état d'au moins une ligne (ou commentez-la)."));
  }
  if (errors.length) return { content: null, errors };
  return { content: { manager_id: order.manager_id, order_id: order.order_id, sequence: nextSequence(order),
    line_statuses: lineStatuses }, errors };
}

// The event's label in the order's history (A6: each event's date-time and label), in French: the lines by id while
// they fit the label's 500 characters, else their counts.
export function lineStatusEventLabel(lineStatuses) {
  const text = (s) => LINE_STATUS_TEXT[s.done ? "done" : "not_done"];
  if (lineStatuses.length === 1) return `Ligne ${lineStatuses[0].line_id} déclarée ${text(lineStatuses[0])}`;
  const listed = `Lignes déclarées : ${lineStatuses.map((s) => `${s.line_id} ${text(s)}`).join(", ")}`;
  if (listed.length <= EVENT_LABEL_MAX) return listed;
  const done = lineStatuses.filter((s) => s.done).length;
  const notDone = lineStatuses.length - done;
  const parts = [done ? plural(done, "réalisée") : null,
    notDone ? plural(notDone, "non réalisée", "non réalisées") : null].filter(Boolean);
  return `État de ${lineStatuses.length} lignes déclaré : ${parts.join(", ")}`;
}

// The ExecutionReport an attempt sends (docs/contracts/schemas/ExecutionReport.schema.json): the attempt (`recording`
// in record_logic.mjs) gives its occurred_at, stamped once for its content.
export function lineStatusBody(content, attempt) {
  return { manager_id: content.manager_id, order_id: content.order_id, sequence: content.sequence,
    occurred_at: attempt.occurredAt, event: { label: lineStatusEventLabel(content.line_statuses) },
    line_statuses: content.line_statuses };
}

// The platform's refusal placed in the form: `$.line_statuses[i]…` is the i-th line sent (its list, or its comment);
// the order's state (ORDER_TERMINATED), its sequence and the rest of the declaration go to the group of lines. A
// sequence already passed means that another report reached the order since the screen was drawn: said so.
export function lineStatusErrors(problem, sent) {
  const errors = Array.isArray(problem) ? problem : (problem?.errors ?? []);
  if (!errors.length) {
    return [err(LINES_PATH, problem?.code ?? "REFUSED", problem?.detail || problem?.message || "La déclaration a été refusée.")];
  }
  return errors.map((e) => {
    const match = /^\$\.line_statuses\[(\d+)\](\.comment)?/.exec(e.field ?? "");
    const line = match ? sent[Number(match[1])] : null;
    const field = line ? linePath(line.line_id, match[2] ? "comment" : "done") : LINES_PATH;
    const message = e.message || e.code;
    return { ...e, field, message: ["SEQUENCE_OUTDATED", "SEQUENCE_GAP"].includes(e.code)
      ? `${message} La commande a reçu un autre compte rendu depuis l'affichage de cette page : actualisez-la, puis `
        + "déclarez à nouveau." : message };
  });
}

// Why an ended order's lines are shown, not offered: « La commande est à l'état « annulé » : … » (a state's label is
// masculine, the order feminine: never « La commande est « annulé » »).
export function frozenLinesNote(order) {
  return `La commande est à l'état « ${stateLabel(order.state)} » : l'état de ses lignes ne change plus.`;
}
