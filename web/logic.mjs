// Pure logic of the web application: no DOM, no network — tested with `node --test`
// (tests/web/logic.test.mjs). app.js wires it to the page.

export const STATE_LABELS = Object.freeze({
  to_acknowledge: "à prendre en compte",
  acknowledged: "pris en compte",
  scheduled: "planifié",
  in_progress: "en cours",
  completed: "terminé",
  received: "réceptionné",
  invoiced: "facturé",
  closed: "clôturé",
  on_hold: "suspendu",
  cancelled: "annulé",
  cannot_complete: "non réalisable",
});

// The choices of the execution form's "new state": no change (an event or progress only), then
// exactly the states get_order says the caller may move the order to next (`next_states`, read by
// the platform from its state machine — the rule lives there, not here), with their French labels.
export const NO_STATE_CHANGE = "(pas de changement d'état)";

export function stateOptions(nextStates) {
  return [{ value: "", label: NO_STATE_CHANGE },
    ...(nextStates ?? []).map((state) => ({ value: state, label: stateLabel(state) }))];
}

export const DOCUMENT_KINDS = Object.freeze({
  intervention_report: "Rapport d'intervention",
  service_done: "Attestation de service fait",
  invoice: "Facture",
});

export const LATE_LABELS = Object.freeze({
  start_missed: "début prévu dépassé sans démarrage",
  end_missed: "fin prévue dépassée",
});

export function stateLabel(state) {
  return STATE_LABELS[state] ?? state ?? "—";
}

// "2026-03-03T09:00" (an <input type="datetime-local">) and the offset of that local time east of
// UTC in minutes (-new Date(value).getTimezoneOffset()) → "2026-03-03T09:00:00+01:00".
export function localDateTimeToIso(value, offsetMinutes) {
  if (!value) return null;
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(value);
  if (!match) return null;
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${match[1]}T${match[2]}${match[3] ?? ":00"}${sign}${hh}:${mm}`;
}

function clientError(field, code, message) {
  return { field, code, message };
}

// The form of app.js as a flat object of strings (names as in index.html) → the ExecutionReport
// body of submit_execution (docs/contracts), and the errors a person can fix before sending.
// offsetOf(localValue) gives the local offset of a datetime-local value (injected: testable).
export function buildExecutionReport(form, { managerId, orderId, sequence }, offsetOf) {
  const errors = [];
  const text = (name) => (form[name] ?? "").trim();
  const when = (name) => {
    const value = text(name);
    if (!value) return null;
    const iso = localDateTimeToIso(value, offsetOf(value));
    if (!iso) errors.push(clientError(`$.${name.replace("__", ".")}`, "INVALID_FORMAT", "Date et heure invalides."));
    return iso;
  };
  const report = { manager_id: managerId, order_id: orderId, sequence, occurred_at: when("occurred_at"),
    event: { label: text("event_label") } };
  if (!report.occurred_at && !errors.length) {
    errors.push(clientError("$.occurred_at", "REQUIRED", "Indiquez la date et l'heure de l'événement."));
  }
  if (!report.event.label) {
    errors.push(clientError("$.event.label", "REQUIRED", "Indiquez le libellé de l'événement."));
  }
  if (text("event_code")) report.event.code = text("event_code");
  if (text("state")) report.state = text("state");
  if (text("reason")) report.reason = text("reason");
  if (text("progress")) {
    const progress = Number(text("progress"));
    if (!Number.isInteger(progress) || progress < 0 || progress > 100) {
      errors.push(clientError("$.progress", "OUT_OF_RANGE", "L'avancement est un entier de 0 à 100 %."));
    } else {
      report.progress = progress;
    }
  }
  const lead = { last_name: text("site_lead__last_name"), first_name: text("site_lead__first_name"),
    mobile: text("site_lead__mobile") };
  if (lead.last_name || lead.first_name || lead.mobile) report.site_lead = lead;
  for (const name of ["planned_start", "planned_end", "actual_start", "actual_end"]) {
    const iso = when(name);
    if (iso) report[name] = iso;
  }
  const appointmentStart = when("appointment__start");
  const appointmentEnd = when("appointment__end");
  if (appointmentStart || appointmentEnd) {
    report.appointment = { start: appointmentStart };
    if (appointmentEnd) report.appointment.end = appointmentEnd;
  }
  if (text("invoice_date")) report.invoice_date = text("invoice_date");
  return { report, errors };
}

// "$.site_lead.mobile" → "site_lead.mobile"; "$.line_statuses[0].done" → "line_statuses";
// "query.state" → "state"; "$" or a header → "" (shown above the form).
export function fieldOf(path) {
  if (!path || path === "$" || path.startsWith("header.")) return "";
  const bare = path.replace(/^\$\.?/, "").replace(/^query\./, "");
  return bare.replace(/\[\d+\].*$/, "");
}

// A problem+json answer (or a client-side error list) → Map form field → French messages.
// Errors that name no field of the form go under "" so that nothing is ever hidden (A4).
export function errorsByField(problem, knownFields = null) {
  const byField = new Map();
  const errors = Array.isArray(problem) ? problem : (problem?.errors ?? []);
  for (const error of errors) {
    let field = fieldOf(error.field);
    if (knownFields && !knownFields.has(field)) {
      const parent = field.split(".")[0];
      field = knownFields.has(parent) ? parent : "";
    }
    if (!byField.has(field)) byField.set(field, []);
    byField.get(field).push(error.message || error.code);
  }
  if (!errors.length && problem && !Array.isArray(problem) && problem.detail) byField.set("", [problem.detail]);
  return byField;
}

// Identity Toolkit error codes (accounts:signInWithPassword, securetoken) → French.
const AUTH_MESSAGES = {
  EMAIL_NOT_FOUND: "Adresse e-mail ou mot de passe incorrect.",
  INVALID_PASSWORD: "Adresse e-mail ou mot de passe incorrect.",
  INVALID_LOGIN_CREDENTIALS: "Adresse e-mail ou mot de passe incorrect.",
  INVALID_EMAIL: "Adresse e-mail invalide.",
  MISSING_PASSWORD: "Saisissez votre mot de passe.",
  USER_DISABLED: "Ce compte est désactivé : contactez l'opérateur de la plateforme.",
  TOO_MANY_ATTEMPTS_TRY_LATER: "Trop de tentatives : réessayez dans quelques minutes.",
  TOKEN_EXPIRED: "Votre session a expiré : reconnectez-vous.",
  INVALID_REFRESH_TOKEN: "Votre session a expiré : reconnectez-vous.",
};

export function authErrorMessage(body) {
  const raw = body?.error?.message ?? "";
  const code = raw.split(":")[0].trim().split(" ")[0];
  return AUTH_MESSAGES[code] ?? "Connexion impossible pour le moment : réessayez.";
}

function base64UrlDecode(part) {
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

// The claims of an ID token, for the display only: the functions verify the token themselves.
export function decodeClaims(idToken) {
  try {
    const payload = JSON.parse(base64UrlDecode(idToken.split(".")[1]));
    return { uid: payload.user_id ?? payload.sub, email: payload.email ?? null, role: payload.role ?? null,
      tenant: payload.tenant ?? null, exp: payload.exp ?? 0 };
  } catch {
    return null;
  }
}

// Refresh a minute before expiry.
export function needsRefresh(session, nowSeconds) {
  return !session || session.expiresAt - 60 <= nowSeconds;
}

// Filters of the list → the query string of list_orders (empty values left out).
export function listQuery({ state, contractorId, managerId, lateOnly, updatedSince, limit, cursor } = {}) {
  const params = new URLSearchParams();
  if (state) params.set("state", state);
  if (contractorId) params.set("contractor_id", contractorId);
  if (managerId) params.set("manager_id", managerId);
  if (lateOnly) params.set("late", "true");
  if (updatedSince) params.set("updated_since", updatedSince);
  if (limit) params.set("limit", String(limit));
  if (cursor) params.set("cursor", cursor);
  return params.toString();
}

// The next sequence of an execution report: one more than the last the platform applied.
export function nextSequence(order) {
  return (order?.last_sequence ?? 0) + 1;
}

export function formatDateTime(iso, timeZone = "Europe/Paris") {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  return new Intl.DateTimeFormat("fr-FR", dateOnly ? { dateStyle: "short", timeZone: "UTC" }
    : { dateStyle: "short", timeStyle: "short", timeZone }).format(date);
}

export function formatEuros(cents) {
  if (cents === null || cents === undefined) return "—";
  return new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" }).format(cents / 100);
}

// What the "schedule" column shows: the appointment, else the planned dates, else the requested ones.
export function scheduleText(row) {
  if (row.appointment?.start) {
    const end = row.appointment.end ? ` → ${formatDateTime(row.appointment.end)}` : "";
    return `RDV ${formatDateTime(row.appointment.start)}${end}`;
  }
  if (row.planned_start || row.planned_end) {
    return `Prévu ${formatDateTime(row.planned_start)} → ${formatDateTime(row.planned_end)}`;
  }
  if (row.requested_start || row.requested_end) {
    return `Souhaité ${formatDateTime(row.requested_start)} → ${formatDateTime(row.requested_end)}`;
  }
  return "—";
}

// Rows whose activity changed since the previous refresh (highlighted by the dashboard).
export function changedRows(previous, current) {
  const before = new Map((previous ?? []).map((row) => [`${row.manager_id}/${row.order_id}`, row.updated_at]));
  return new Set(current.filter((row) => before.size && before.get(`${row.manager_id}/${row.order_id}`) !== row.updated_at)
    .map((row) => `${row.manager_id}/${row.order_id}`));
}
