// The web application's common pure logic, used across screens: states' labels, the French formats of dates, times,
// amounts and counts, the territories' clocks (B18), field errors, attempt keys. No DOM, no network — tested with
// `node --test tests/web/` (logic.test.mjs…). A screen's own logic lives in its `<screen>_logic.mjs`, which imports
// from this module, never the reverse (docs/web-app.md, The modules).
import { TERRITORIES, TERRITORY_CODES } from "./territories.mjs";

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

export function stateLabel(state) {
  return STATE_LABELS[state] ?? state ?? "—";
}

// « la commande est à l'état « terminé » » (A6): a state's label is masculine, the order feminine — never « la commande
// est « terminé » ». What a reception, an invoice, a decision or the lines' statuses say the order is now.
export function orderStateText(state) {
  return `la commande est à l'état « ${stateLabel(state)} »`;
}

// French month names; "2026-12" → "décembre 2026" (a statement's, a report's month).
export const MONTH_NAMES = Object.freeze(["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
  "septembre", "octobre", "novembre", "décembre"]);
export function fullMonthLabel(month) {
  const match = /^(\d{4})-(\d{2})$/.exec(month ?? "");
  const name = match ? MONTH_NAMES[Number(match[2]) - 1] : undefined;
  return name ? `${name} ${match[1]}` : month ?? "";
}

// "2026-03-03T09:00" (a local time, parseFrenchDateTime's) and the offset of that local time east of
// UTC in minutes (parisOffsetOf(value)) → "2026-03-03T09:00:00+01:00".
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

export function clientError(field, code, message) {
  return { field, code, message };
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

function validDate(y, m, d) {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

// "05/03/2026" (or "2026-03-05") → "2026-03-05"; anything else → null.
export function parseFrenchDate(value) {
  const text = (value ?? "").trim();
  let match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  let y, m, d;
  if (match) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text))) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else return null;
  if (!validDate(y, m, d)) return null;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

// "05/03/2026 09:30" (also "05/03/2026 9h30", or "2026-03-05T09:30") → "2026-03-05T09:30"; else null.
export function parseFrenchDateTime(value) {
  const text = (value ?? "").trim();
  const iso = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::\d{2})?$/.exec(text);
  if (iso) return parseFrenchDate(iso[1]) && Number(iso[2]) < 24 && Number(iso[3]) < 60 ? `${iso[1]}T${iso[2]}:${iso[3]}` : null;
  const match = /^(\S+)\s+(\d{1,2})\s*[:hH]\s*(\d{2})$/.exec(text);
  if (!match) return null;
  const day = parseFrenchDate(match[1]);
  const hours = Number(match[2]);
  const minutes = Number(match[3]);
  if (!day || hours > 23 || minutes > 59) return null;
  return `${day}T${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`;
}

// "2026-03-05" → "05/03/2026" (the value a French date input shows).
export function isoToFrenchDate(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? "");
  return match ? `${match[3]}/${match[2]}/${match[1]}` : "";
}

// A Date → "05/03/2026 09:30" in local time (the default of an event's date and time).
// Every time the app shows is Paris's (formatDateTime), so every time it prefills or reads from a form is Paris's
// too, whatever zone the browser's machine is set to (B8 standard browsers: a browser in UTC typed 08:00 and was
// shown 09:00 when forms followed the browser's zone) — except on an order's screen, where both are the clock of
// the order's territory (B18: orderZone, offsetIn).
const wallClocks = new Map();
function wallClockIn(timeZone, date) {
  if (!wallClocks.has(timeZone)) {
    wallClocks.set(timeZone, new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", year: "numeric",
      month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }));
  }
  const parts = Object.fromEntries(wallClocks.get(timeZone).formatToParts(date).map((p) => [p.type, p.value]));
  return { y: parts.year, m: parts.month, d: parts.day, hh: parts.hour, mm: parts.minute };
}

// « Actualisé à 16:14:05 »: the time a list or the incidents were last read, on Paris's clock as every other time
// of those screens — not the browser's zone (a machine set to UTC showed 15:14:05).
export function refreshedText(date = new Date(), timeZone = PARIS_ZONE) {
  const time = new Intl.DateTimeFormat("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit",
    hourCycle: "h23", timeZone }).format(date);
  return `Actualisé à ${time}`;
}

// The status line of a list read again every `refreshSeconds` while shown, one wording everywhere (« Devis », « Mes
// besoins », « Incidents », the operator's requests and audit journal): « Actualisé à 10:15:02 — actualisation
// toutes les 15 s ».
export function polledStatusText(refreshSeconds, date = new Date()) {
  return `${refreshedText(date)} — actualisation toutes les ${refreshSeconds} s`;
}

// "jj/mm/aaaa hh:mm" of the instant `date` on Paris's wall clock (or on `timeZone`'s: an order's, B18).
export function frenchDateTimeOf(date, timeZone = "Europe/Paris") {
  const w = wallClockIn(timeZone, date);
  return `${w.d}/${w.m}/${w.y} ${w.hh}:${w.mm}`;
}

// B16: by when a requested quote must be answered — the end of its D3 (5 working days), answer_due_at kept on the
// quote — on the quote's clock (its territory's, orderZone): « Réponse attendue au plus tard le 27/05/2026 ». D3 ends
// at midnight there, so the last day is the one before; any other time is written with its hour. `suffix`: a list
// row's « (heure locale, UTC−4) »; « — en retard » once that time has passed (`now`) with the quote still unanswered
// (D3 missed). Null when no answer is awaited (a quote no longer requested) or none is known (a quote requested
// before the due date was kept).
export function answerDueText(quote, suffix = "", now = new Date()) {
  const due = quote?.state === "requested" && quote.answer_due_at ? new Date(quote.answer_due_at) : null;
  if (!due || Number.isNaN(due.getTime())) return null;
  const zone = orderZone(quote);
  const w = wallClockIn(zone, due);
  const text = w.hh === "00" && w.mm === "00" ? frenchDateTimeOf(new Date(due.getTime() - 60000), zone).slice(0, 10)
    : frenchDateTimeOf(due, zone).replace(" ", " à ");
  return `Réponse attendue au plus tard le ${text}${suffix}${now.getTime() >= due.getTime() ? " — en retard" : ""}`;
}

// The offset east of UTC, in minutes, of the wall-clock time `local` ("2026-03-03T09:00") in Paris (or in
// `timeZone`: an order's screen reads its forms on its territory's clock, B18 — offsetIn): the
// offsetOf that buildExecutionReport, phoneReport and localDateTimeToIso take. A time the clock skips (the
// spring change) reads as the winter offset.
export function parisOffsetOf(local, timeZone = "Europe/Paris") {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local ?? "");
  if (!match) return 0;
  const asUtc = Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5]);
  const offsetAt = (instant) => {
    const w = wallClockIn(timeZone, new Date(instant));
    return Math.round((Date.UTC(+w.y, +w.m - 1, +w.d, +w.hh, +w.mm) - instant) / 60000);
  };
  return offsetAt(asUtc - offsetAt(asUtc) * 60000);
}

// --- an order's, a quote's, an incident's clock (B18 territories) ------------------------------------
// An order's, a quote's and an incident's screens show (and the order's reads) their times on the clock of their
// territory, which the answer names (time_zone, time_zone_label: get_order's OrderView, get_quote's QuoteView, every
// IncidentView; the platform's one mapping, shared/domain/territories.py); every other screen stays on Paris's.
export const PARIS_ZONE = "Europe/Paris";

// The clock of a view that names one (an order's, a quote's, an incident's): its IANA zone (Paris's when the view
// names none, as an older answer did).
export function orderZone(view) {
  return view?.time_zone || PARIS_ZONE;
}

// The offsetOf of buildExecutionReport, phoneReport and localDateTimeToIso on the clock of `timeZone`.
export function offsetIn(timeZone = PARIS_ZONE) {
  return (local) => parisOffsetOf(local, timeZone);
}

// "UTC−4", "UTC+4", "UTC+5:30", "UTC" (a true minus sign): the offset of `timeZone` at the instant `date`.
export function utcOffsetText(timeZone, date = new Date()) {
  const w = wallClockIn(timeZone, date);
  const minutes = Math.round((Date.UTC(+w.y, +w.m - 1, +w.d, +w.hh, +w.mm) - Math.floor(date.getTime() / 60000) * 60000)
    / 60000);
  if (!minutes) return "UTC";
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? "\u2212" : "+"}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, "0")}` : ""}`;
}

// The note an order's (a quote's, an incident's) screen shows once when its clock is not Paris's:
// « Heures de la Martinique (UTC−4) » (the offset of `date`, now by default); null on Paris's clock.
export function clockNote(view, date = new Date()) {
  const zone = orderZone(view);
  if (zone === PARIS_ZONE) return null;
  return `${view.time_zone_label || zone} (${utcOffsetText(zone, date)})`;
}

// A list row's clock (list_orders' time_zone): an overseas order's dates read on its territory's clock, each followed
// by « (heure locale, UTC−4) »; any other row's on Paris's, as the rest of the list, with no suffix.
export function rowClock(row, date = new Date()) {
  const zone = row?.time_zone || PARIS_ZONE;
  return zone === PARIS_ZONE ? { zone, suffix: "" } : { zone, suffix: ` (heure locale, ${utcOffsetText(zone, date)})` };
}

// A time of a list row (or of a message about one record) on the row's own clock (rowClock): "10/12/2026 08:00
// (heure locale, UTC−4)" for an overseas row, "10/12/2026 13:00" on Paris's clock; "—" without a time.
export function rowTimeText(row, iso, date = new Date()) {
  if (!iso) return "—";
  const { zone, suffix } = rowClock(row, date);
  return `${formatDateTime(iso, zone)}${suffix}`;
}

// --- the other screens' clock (B18): penalties, sourcing, contracts ---------------------------------------------
// A need's, a mission's and an agreement's screens (get_sourcing's NeedView, MissionView, AgreementView), a penalty
// statement (its lines' shared clock) name their record's clock as the order's screen does: the same time_zone and
// time_zone_label, the same note, worded for the screen (clockNote + what it says of that screen's times).
export const CLOCK_NOTES = Object.freeze({
  need: "les heures de ce besoin sont affichées à l'heure du territoire du bénéficiaire, où court son délai D4.",
  mission: "les heures de cette mission (livrables, décisions, remplacements) sont affichées à l'heure du territoire "
    + "du bénéficiaire.",
  agreement: "les heures des versions sont affichées à l'heure du territoire du bénéficiaire ; les dates d'effet "
    + "sont des jours de ce territoire, où ses délais commencent.",
  statement: "les jours et les heures de ce relevé sont ceux du territoire où ses délais ont couru.",
  contract: "les heures des versions sont affichées à l'heure du territoire du marché, où court son délai D2 ; la "
    + "date de revue proposée et les dates d'effet des pénalités sont des jours de ce territoire.",
  accounts: "les dates de création et de désactivation des comptes sont affichées à l'heure du territoire de la "
    + "partie, où court le délai D7 de ses demandes de compte.",
});

// Today's date « jj/mm/aaaa » on the clock of `timeZone` (a form's default day: the catalogue review's on the
// contract's clock, B18), whatever the browser's zone.
export function todayFrenchIn(timeZone = PARIS_ZONE, date = new Date()) {
  return frenchDateTimeOf(date, timeZone).slice(0, 10);
}

// The note a screen shows once when its record's clock is not Paris's; null on Paris's clock.
export function screenClockNote(view, screen, date = new Date()) {
  const note = clockNote(view, date);
  return note ? `${note} : ${CLOCK_NOTES[screen]}` : null;
}

// "2026-02" of the instant `date` on the clock of `timeZone` (the month a statement opens on: a beneficiary's in
// Martinique on 1 March at 02:00 Paris time is still February), whatever the browser's zone.
export function monthIn(timeZone = PARIS_ZONE, date = new Date()) {
  const w = wallClockIn(timeZone, date);
  return `${w.y}-${w.m}`;
}

// The instant `date` (now) as the ISO time with its offset on the clock of `timeZone`: "2026-12-09T08:05:00-04:00".
export function nowIsoIn(timeZone = PARIS_ZONE, date = new Date()) {
  const local = parseFrenchDateTime(frenchDateTimeOf(date, timeZone));
  return localDateTimeToIso(local, parisOffsetOf(local, timeZone));
}

// "1 234,56" or "1234.56" euros → cents; null when it is not an amount.
export function eurosToCents(text) {
  const clean = String(text ?? "").replace(/\s|\u00a0|\u202f|€/g, "").replace(",", ".");
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return null;
  return Math.round(Number(clean) * 100);
}

// What a file picker says beside its French button (filePicker in ui.mjs): the chosen file's name, « 2 fichiers
// choisis », or « Aucun fichier choisi » — in French whatever the browser's language (its own button says « No file
// chosen » in an English browser).
export const NO_FILE_CHOSEN = "Aucun fichier choisi";
export function fileChosenText(files) {
  const list = [...(files ?? [])];
  if (!list.length) return NO_FILE_CHOSEN;
  return list.length === 1 ? list[0].name : `${plural(list.length, "fichier choisi", "fichiers choisis")}`;
}

// A table read as cards on a phone (table.cards in style.css, docs/web-app.md « Sur un téléphone »): each cell's
// `data-label`, its column's name written before its value. The columns in `headings` (indexes: a person's name and
// e-mail, an item's code and label, a row's buttons) read across the card without a label. → [label | null]
export function cardLabels(headers, { headings = [0] } = {}) {
  return (headers ?? []).map((name, i) => (headings.includes(i) || !name ? null : name));
}

// A count as French writes it (the plural from two on): « 1 ligne », « 3 lignes » (`many` when the plural is not `one` + s: « 2 journaux
// altérés »), and with `none` given, « aucune ligne » for 0 — never « ligne(s) ». The one count helper of the app.
export function plural(n, one, many = `${one}s`, none = null) {
  if (!n && none !== null) return none;
  return `${n} ${n >= 2 ? many : one}`;
}

// B18: the IANA zone of a territory's clock (web/territories.mjs, generated from the platform's one mapping);
// Paris's for none or a code it does not know (the platform refuses that code next to its field).
export function territoryZone(code) {
  return TERRITORIES[code]?.time_zone ?? PARIS_ZONE;
}

// The phone form's « Territoire de l'appelant » choices: « Non précisé » (Paris's clock; the platform then counts the
// incident's hours in its order's territory, else the caller's), then every territory « Martinique (972) », in the
// platform's order (metropolitan départements, then overseas).
export function territoryOptions(first = "Non précisé (heure de Paris)") {
  return [{ value: "", label: first },
    ...TERRITORY_CODES.map((code) => ({ value: code, label: territoryText(code) }))];
}

// B18 registrations (« Raccordement »): the territory of a party chosen by its French name rather than typed as an
// INSEE code — optional for a manager, a contractor and the purchasing body (left « non précisé », a later
// registration keeps the recorded one, else Paris counts: the field's hint says so — « Non précisé (celui déjà
// enregistré, sinon Paris) » was cut at 375 px), required for a beneficiary.
export function registrationTerritoryOptions({ required = false } = {}) {
  return territoryOptions(required ? "— Choisir —" : "Non précisé");
}

// « Martinique (972) »; a code the app does not know as it is; « — » for none.
export function territoryText(code) {
  if (!code) return "—";
  return TERRITORIES[code] ? `${TERRITORIES[code].name} (${code})` : code;
}

export const ROLE_LABELS = Object.freeze({ manager: "Gestionnaire", contractor: "Prestataire",
  beneficiary: "Bénéficiaire", purchasing_body: "Centrale d'achat", operator: "Opérateur" });

// The Idempotency-Key of an attempt to send `body`: a new one for a new body, the previous one again
// while the same body has had no answer (a network failure, a 500), so that the platform finishes
// the first attempt instead of doing it twice. `previous` is what the last call returned, or null.
export function attemptKey(previous, body, makeKey) {
  const text = JSON.stringify(body);
  return previous && previous.text === text ? previous : { text, key: makeKey() };
}

// After an answer: the key is kept only when there was none worth keeping (no status, or a 5xx).
export function keepsAttemptKey(status) {
  return !status || status >= 500;
}

// The browser's own check of a field (required, e-mail…) says why in the browser's language ("Please fill out
// this field." in an English browser): the app says it in French instead, next to the field. `validity` is the
// field's ValidityState; `kind` its tag or input type ("select", "email", "checkbox"…). Null when it is valid.
export function constraintMessage(validity, kind = "text") {
  if (!validity || validity.valid) return null;
  if (validity.valueMissing) {
    if (kind === "select" || kind === "select-one" || kind === "select-multiple") return "Choisissez une valeur dans la liste.";
    if (kind === "checkbox") return "Cochez cette case pour continuer.";
    if (kind === "file") return "Choisissez le fichier à déposer.";
    return "Ce champ est obligatoire.";
  }
  if (validity.typeMismatch && kind === "email") return "Adresse e-mail invalide (exemple : prenom.nom@domaine.fr).";
  if (validity.typeMismatch && kind === "url") return "Adresse web invalide (exemple : https://exemple.fr).";
  if (validity.badInput || validity.typeMismatch) return "Valeur invalide.";
  if (validity.tooShort) return "Valeur trop courte.";
  if (validity.tooLong) return "Valeur trop longue.";
  if (validity.rangeUnderflow) return "Valeur trop petite.";
  if (validity.rangeOverflow) return "Valeur trop grande.";
  if (validity.stepMismatch) return "Valeur non autorisée (pas de saisie).";
  if (validity.patternMismatch) return "Format invalide.";
  return "Valeur invalide.";
}
