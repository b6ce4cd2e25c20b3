// Passerelle — web application (A3 c) for every role: sign-in, session, calls to the functions,
// navigation and routes. The screens live in one module per area (orders.mjs, quotes.mjs…); their
// pure logic in *_logic.mjs (orders_logic.mjs…), what is common in logic.mjs. No framework, no build step, no CDN.
import { ROLE_LABELS } from "./logic.mjs";
import { authErrorMessage, decodeClaims, needsRefresh } from "./session_logic.mjs";
import { latestOnly } from "./latest_logic.mjs";
import { draftOwner } from "./draft_logic.mjs";
import { definitionList, errorBox, errorSlot, field, forgetDrafts, frenchValidity, h, silence } from "./ui.mjs";
import { PASSWORD_RULE, changeOutcome, mustChooseOwnPassword, newPasswordErrors } from "./password_logic.mjs";
import * as orders from "./orders.mjs";
import * as quotes from "./quotes.mjs";
import * as penalties from "./penalties.mjs";
import * as contracts from "./contracts.mjs";
import * as incidents from "./incidents.mjs";
import * as sourcing from "./sourcing.mjs";
import * as missions from "./missions.mjs";
import * as agreements from "./agreements.mjs";
import * as priceSchedule from "./price_schedule.mjs";
import * as reports from "./reports.mjs";
import * as operator from "./operator.mjs";
import * as audit from "./audit.mjs";
import * as replacements from "./replacements.mjs";
import * as parties from "./parties.mjs";
import * as accounts from "./accounts.mjs";
import * as exportScreen from "./exports.mjs";
import * as newOrder from "./new_order.mjs";
import * as messageLog from "./message_log.mjs";
import { follow } from "./live.mjs";
import * as names from "./names.mjs";
import { EMPTY_DIRECTORY, accountFacts, whoLabel, whoTitle } from "./names_logic.mjs";
import * as accessibility from "./accessibility.mjs";
import { ROUTE as ACCESSIBILITY_ROUTE } from "./accessibility_logic.mjs";

const SESSION_KEY = "passerelle.session";
const root = document.getElementById("app");
let config = null;
let session = null;
const timers = new Set();

// --- session --------------------------------------------------------------------------------
function saveSession(tokens) {
  const claims = decodeClaims(tokens.idToken);
  session = { idToken: tokens.idToken, refreshToken: tokens.refreshToken,
    expiresAt: Math.floor(Date.now() / 1000) + Number(tokens.expiresIn || 3600), claims };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

// `expired`: the session ended by itself (a refused token), not by the person: its drafts wait for the same account to
// sign in again (keyed by its uid, never shown to another, forgotten as soon as another one signs in: signIn)
function signOut(message, { expired = false } = {}) {
  session = null;
  sessionStorage.removeItem(SESSION_KEY);
  if (!expired) forgetDrafts();  // what was typed in a form (keepDraft) is not left to the next person on this computer
  stopLive();
  orders.reset();
  quotes.reset();
  names.forget();
  if (location.hash) history.replaceState(null, "", location.pathname);
  renderSignIn(message);
}

async function signIn(email, password) {
  const url = `${config.auth.sign_in_url}?key=${encodeURIComponent(config.auth.api_key)}`;
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password, returnSecureToken: true }) });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(authErrorMessage(body));
  saveSession(body);
  forgetDrafts(draftOwner(session.claims));  // an expired session's drafts are its account's only
}

async function freshToken() {
  if (!needsRefresh(session, Math.floor(Date.now() / 1000))) return session.idToken;
  const url = `${config.auth.refresh_url}?key=${encodeURIComponent(config.auth.api_key)}`;
  const response = await fetch(url, { method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: session.refreshToken }) });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    signOut(authErrorMessage(body), { expired: true });
    throw new Error("session expirée");
  }
  saveSession({ idToken: body.id_token, refreshToken: body.refresh_token, expiresIn: body.expires_in });
  return session.idToken;
}

// --- functions ------------------------------------------------------------------------------
class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || `Erreur ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function request(name, { query = "", body = null, form = null, idempotencyKey = null, signal = undefined } = {}) {
  if (!config.functions[name]) throw new ApiError(0, { detail: `Fonction « ${name} » absente de la configuration.` });
  const token = await freshToken();
  const headers = { Authorization: `Bearer ${token}` };
  let payload;
  if (form) payload = form;
  else if (body) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  if (payload) headers["Idempotency-Key"] = idempotencyKey ?? crypto.randomUUID();
  const url = `${config.functions[name]}/${query ? `?${query}` : ""}`;
  const response = await fetch(url, { method: payload ? "POST" : "GET", headers, body: payload, signal });
  if (response.status === 401) {
    signOut("Votre session a expiré : reconnectez-vous.", { expired: true });
    throw new ApiError(401, null);
  }
  return response;
}

async function call(name, options = {}) {
  const response = await request(name, options);
  const answer = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

// A file answer (a CSV report) saved under `filename`.
async function download(name, query, filename) {
  const response = await request(name, { query });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  const url = URL.createObjectURL(await response.blob());
  const link = h("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// --- live views: polling every refresh_seconds while the tab is visible ----------------------
function live(refresh) {
  const timer = setInterval(() => { if (!document.hidden) refresh(); }, config.refresh_seconds * 1000);
  timers.add(timer);
  return timer;
}

// The push channel (A11 real-time view, live.mjs): the caller's order changes as they happen, polling
// every refresh_seconds while the stream is down; stopped with the screen like the timers.
const streams = new Set();

function liveOrders({ refresh, onOrder, onMode }) {
  const stop = follow({ open: (signal) => request("watch_orders", { signal }), refresh, onOrder, onMode,
    refreshSeconds: config.refresh_seconds });
  streams.add(stop);
  return stop;
}

function stopLive() {
  for (const timer of timers) clearInterval(timer);
  timers.clear();
  for (const stop of streams) stop();
  streams.clear();
}

// --- layout ---------------------------------------------------------------------------------
const NAV = {
  manager: [["#/", "Tableau de bord"], ["#/orders/new", "Nouvelle commande"], ["#/quotes", "Devis"], ["#/penalties", "Pénalités"], ["#/contracts", "Marchés"],
    ["#/coverage", "Patrimoine"], ["#/incidents", "Incidents"], ["#/users", "Utilisateurs"], ["#/export", "Export"]],
  contractor: [["#/", "Mes commandes"], ["#/quotes", "Devis"], ["#/messages", "Messages envoyés"],
    ["#/penalties", "Pénalités"], ["#/contracts", "Marchés"], ["#/incidents", "Incidents"]],
  beneficiary: [["#/", "Mes besoins"], ["#/needs/new", "Nouveau besoin"], ["#/orders", "Commandes"],
    ["#/quotes", "Devis"], ["#/penalties", "Pénalités"], ["#/report", "Rapport"], ["#/incidents", "Incidents"],
    ["#/users", "Utilisateurs"], ["#/export", "Export"]],
  purchasing_body: [["#/", "Rapport"], ["#/half-years", "Rapports semestriels"], ["#/pool", "Vivier"],
    ["#/agreements", "Conventions"], ["#/price-schedule", "Barème de prix"], ["#/incidents", "Incidents"],
    ["#/users", "Utilisateurs"]],
  operator: [["#/", "Demandes de compte"], ["#/incidents", "Incidents"], ["#/needs", "Besoins en attente"],
    ["#/replacements", "Remplacements"], ["#/pool", "Vivier"], ["#/parties", "Annuaire"], ["#/accounts", "Comptes"], ["#/onboarding", "Raccordement"],
    ["#/audit", "Journal d'audit"]],
};

function header() {
  const c = session.claims;
  const current = (location.hash || "#/").split("?")[0];  // « #/quotes?state=submitted » is « Devis »
  return h("header", { className: "top" },
    h("a", { href: "#main", className: "skip", onclick: (event) => {  // not a route: focus the content
      event.preventDefault();
      document.getElementById("main")?.focus();
    } }, "Aller au contenu"),
    h("a", { href: "#/", className: "brand" }, "Passerelle"),
    mainMenu((NAV[c.role] ?? []).map(([href, label]) =>
      h("li", {}, h("a", { href, "aria-current": (href === current || (href !== "#/" && current.startsWith(href + "/")))
        ? "page" : null }, label)))),
    h("div", { className: "session" },  // who is signed in, their password, signing out: one group, kept together
      who(c),
      h("a", { href: "#/password", className: "account-link", "aria-current": current === "#/password" ? "page" : null },
        "Mon mot de passe"),
      h("button", { type: "button", className: "link", onclick: () => signOut("Vous êtes déconnecté.") },
        "Se déconnecter")));
}

// The role's navigation. On a phone (under 40 rem, style.css) its links fold behind a « Menu » disclosure button
// (aria-expanded, aria-controls): one row instead of three, and a keyboard or screen-reader user reaches the button
// first, opens it with Enter or Space, closes it with Escape (the focus back on the button). Wider, the button is not
// shown and the links are, as before. Closed again with each screen (the header is drawn anew).
function mainMenu(items) {
  const list = h("ul", { id: "main-menu" }, items);
  const toggle = h("button", { type: "button", className: "menu-toggle", "aria-expanded": "false",
    "aria-controls": "main-menu" }, "Menu");
  const nav = h("nav", { "aria-label": "Navigation principale" }, toggle, list);
  const open = (yes) => {
    toggle.setAttribute("aria-expanded", String(yes));
    nav.classList.toggle("open", yes);
  };
  toggle.addEventListener("click", () => open(toggle.getAttribute("aria-expanded") !== "true"));
  nav.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !nav.classList.contains("open")) return;
    open(false);
    toggle.focus();
  });
  return nav;
}

// Who is signed in: the role and the party's own name (« Gestionnaire — Rhône Habitat », its id and the e-mail in the
// tooltip), from the session's one list_contracts read (names.mjs: its caller_name); the id alone until it answers,
// then the name put in; the operator « Opérateur » (whoLabel, whoTitle in names_logic.mjs).
function who(c) {
  const known = names.known(ctx);
  const span = h("span", { className: "who", title: whoTitle(c, known) }, whoLabel(c, known, ROLE_LABELS));
  names.directory(ctx).then((read) => {
    const directory = read === EMPTY_DIRECTORY ? names.known(ctx) : read;
    const text = whoLabel(c, directory, ROLE_LABELS);
    if (session?.claims !== c) return;
    if (span.textContent !== text) span.textContent = text;
    const title = whoTitle(c, directory);
    if (title) span.title = title;
  });
  return span;
}

// One screen: the header, then a <main> whose <h1> gets the focus (keyboard and screen readers
// start at the new content after each navigation).
function show(title, ...content) {
  const heading = h("h1", { tabindex: "-1" }, title);
  root.replaceChildren(header(), h("main", { id: "main", tabindex: "-1" }, heading, ...content), accessibility.footer());
  document.title = `${title} — Passerelle`;
  heading.focus({ preventScroll: true });
  return heading;
}

// The same screen drawn again with fresher data (A11 real-time view, live_order.mjs): unlike show, the focus
// stays where it was (on the new heading if it was on the old one) and so does the scroll.
function redraw(title, ...content) {
  const onHeading = document.activeElement?.matches?.("#main > h1");
  const { scrollX, scrollY } = window;
  const heading = h("h1", { tabindex: "-1" }, title);
  root.replaceChildren(header(), h("main", { id: "main", tabindex: "-1" }, heading, ...content), accessibility.footer());
  document.title = `${title} — Passerelle`;
  if (onHeading) heading.focus({ preventScroll: true });
  window.scrollTo(scrollX, scrollY);
  return heading;
}

function showError(title, error) {
  if (error?.status === 401) return;
  const messages = [...(error?.problem?.errors ?? []).map((e) => e.message)];
  show(title, errorBox(messages.length ? messages : [error?.problem?.detail ?? error?.message ?? "Erreur inattendue."]));
}

// --- sign-in --------------------------------------------------------------------------------
function renderSignIn(message = "") {
  stopLive();
  const error = h("p", { className: "errors", role: "alert", hidden: !message }, message);
  const email = h("input", { id: "email", name: "email", type: "email", required: true, autocomplete: "username" });
  const password = h("input", { id: "password", name: "password", type: "password", required: true,
    autocomplete: "current-password" });
  frenchValidity(email, error, { label: "Adresse e-mail" });
  frenchValidity(password, error, { label: "Mot de passe" });
  const form = h("form", { className: "card narrow", id: "sign-in" },
    h("h1", {}, "Connexion à Passerelle"),
    h("div", { className: "field" }, h("label", { for: "email" }, "Adresse e-mail"), email),
    h("div", { className: "field" }, h("label", { for: "password" }, "Mot de passe"), password),
    error,
    h("button", { type: "submit" }, "Se connecter"),
    config.auth.emulator ? h("p", { className: "hint" }, "Émulateur Firebase Auth (développement local).") : null);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await signIn(email.value, password.value);
      route();
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      password.focus();
    }
  });
  root.replaceChildren(h("main", { id: "main" }, form), accessibility.footer());
  document.title = "Connexion — Passerelle";
  email.focus();
}

// --- passwords (B5 accounts, B15 protection of identities) -----------------------------------
// change_password with the session's token, signed in just before (it needs a sign-in of the last five
// minutes): its own answer, not request()'s (a 401 there asks to sign in again, it does not sign out).
async function postChangePassword(newPassword) {
  const response = await fetch(`${config.functions.change_password}/`, { method: "POST",
    headers: { Authorization: `Bearer ${session.idToken}`, "Content-Type": "application/json",
      "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify({ new_password: newPassword }) });
  return { status: response.status, problem: await response.json().catch(() => null) };
}

// The fields of a password form: the current one (« Mon mot de passe » only), the new one twice.
function passwordFields(withCurrent) {
  return [
    withCurrent ? field({ name: "current_password", label: "Mot de passe actuel", type: "password", required: true,
      autocomplete: "current-password" }) : null,
    field({ name: "new_password", label: "Nouveau mot de passe", type: "password", required: true,
      autocomplete: "new-password", hint: PASSWORD_RULE }),
    field({ name: "confirmation", label: "Nouveau mot de passe, encore une fois", type: "password", required: true,
      autocomplete: "new-password" }),
  ].filter(Boolean);
}

// Sign in with the password typed (a fresh token), change it, sign in with the new one.
async function changeOwnPassword(email, current, fields, slot) {
  const newPassword = fields.find((f) => f.paths[0] === "new_password").input.value;
  if (current !== null) {
    try {
      await signIn(email, current);
    } catch {
      slot.show([{ field: "$.current_password", message: "Mot de passe actuel incorrect." }]);
      return false;
    }
  }
  const { status, problem } = await postChangePassword(newPassword);
  const outcome = changeOutcome(status, problem);
  if (outcome === "reauthenticate") {
    signOut("Votre connexion date de plus de cinq minutes : reconnectez-vous, puis choisissez votre mot de passe.");
    return false;
  }
  if (outcome === "signed_out") {
    signOut("Votre session a expiré : reconnectez-vous.");
    return false;
  }
  if (outcome === "refused") {
    slot.show(problem);
    return false;
  }
  await signIn(email, newPassword);  // every session ended with the change: this one starts again
  return true;
}

function passwordForm({ withCurrent, submitLabel, onDone, className = "card narrow" }) {
  const fields = passwordFields(withCurrent);
  const slot = errorSlot(() => fields);
  const form = h("form", { className, novalidate: true }, slot.node, ...fields,
    h("button", { type: "submit" }, submitLabel));
  const value = (name) => fields.find((f) => f.paths[0] === name)?.input.value ?? null;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const current = withCurrent ? value("current_password") : null;
    const errors = newPasswordErrors({ newPassword: value("new_password"), confirmation: value("confirmation"),
      current });
    if (errors.length) return slot.show(errors);
    slot.clear();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const email = session.claims.email;
      if (await changeOwnPassword(email, current, fields, slot)) onDone();
    } catch (err) {
      slot.show([{ field: "$", message: err.message || "Changement impossible pour le moment : réessayez." }]);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

// A password the operator set: nothing else until the person chooses its own.
function renderChoosePassword() {
  stopLive();
  const heading = h("h1", { tabindex: "-1" }, "Choisissez votre mot de passe");
  const form = passwordForm({ withCurrent: false, submitLabel: "Enregistrer mon mot de passe", className: null,
    onDone: () => {
      location.hash = "#/";
      route();
    } });
  root.replaceChildren(h("main", { id: "main", tabindex: "-1" }, h("div", { className: "card narrow" }, heading,
    h("p", {}, "Le mot de passe que vous avez reçu est provisoire : choisissez le vôtre pour continuer. "
      + "Personne d'autre, pas même l'opérateur de la plateforme, ne le connaîtra."),
    form,
    h("p", {}, h("button", { type: "button", className: "secondary", onclick: () => signOut("Vous êtes déconnecté.") },
      "Se déconnecter")))), accessibility.footer());
  document.title = "Choisissez votre mot de passe — Passerelle";
  form.querySelector("input")?.focus();
}

// « Mon mot de passe », for every role — under its title the account signed in, as the header's tooltip says it
// (accountFacts: its e-mail, its space, the space's id), for whoever cannot hover that tooltip (RGAA 10.13).
function renderMyPassword() {
  const facts = definitionList(accountFacts(session?.claims, names.known(ctx), ROLE_LABELS));
  const done = h("p", { role: "status", className: "notice" });
  const form = passwordForm({ withCurrent: true, submitLabel: "Changer mon mot de passe", onDone: () => {
    form.reset();
    done.textContent = "Votre mot de passe est changé ; vos autres sessions sont fermées.";
  } });
  show("Mon mot de passe", facts, h("p", {}, "Vous saisirez d'abord votre mot de passe actuel : il confirme que c'est bien vous."),
    form, done);
}

// --- routing --------------------------------------------------------------------------------
const baseCtx = { call, download, show, redraw, showError, live, liveOrders, get session() { return session; },
  get config() { return config; }, go: (hash) => { location.hash = hash; } };
let ctx = baseCtx;  // the current navigation's (screenCtx): the routes below read it when they run

const ORDER = [/^#\/orders\/([^/]+)\/([^/]+)$/, (m, o) => orders.renderOrder(ctx, m, o)];
const INCIDENTS = [/^#\/incidents$/, () => incidents.renderIncidents(ctx)];
// the home's list and « Devis », each with the filters an « À faire » link may put after « ? » (todo_logic.mjs)
const HOME_ORDERS = [/^#\/?((?:\?.*)?)$/, (q) => orders.renderList(ctx, q.slice(1), { home: true })];
const QUOTES = [/^#\/quotes((?:\?.*)?)$/, (q) => quotes.renderQuotes(ctx, q.slice(1))];
const ROUTES = {
  manager: [HOME_ORDERS, ORDER, INCIDENTS,
    [/^#\/orders\/new$/, () => newOrder.renderNewOrder(ctx)],
    QUOTES, [/^#\/quotes\/([^/]+)\/([^/]+)$/, (m, q) => quotes.renderQuote(ctx, m, q)],
    [/^#\/penalties$/, () => penalties.renderStatement(ctx)],
    [/^#\/contracts((?:\?.*)?)$/, (q) => contracts.renderContracts(ctx, q.slice(1))],  // ?review=due: « À faire »
    [/^#\/contracts\/([^/]+)\/([^/]+)$/, (m, c) => contracts.renderCatalogue(ctx, m, c)],
    [/^#\/coverage$/, () => contracts.renderCoverage(ctx)], [/^#\/users$/, () => accounts.renderUsers(ctx)],
    [/^#\/export$/, () => exportScreen.renderExport(ctx)]],
  contractor: [HOME_ORDERS, ORDER, INCIDENTS,
    [/^#\/quotes\/raise$/, () => quotes.renderRaise(ctx)],
    [/^#\/quotes\/raise\/([^/]+)\/([^/]+)$/, (m, o) => quotes.renderRaise(ctx, m, o)],
    QUOTES, [/^#\/quotes\/([^/]+)\/([^/]+)$/, (m, q) => quotes.renderQuote(ctx, m, q)],
    [/^#\/penalties$/, () => penalties.renderStatement(ctx)], [/^#\/contracts$/, () => contracts.renderContracts(ctx)],
    [/^#\/contracts\/([^/]+)\/([^/]+)$/, (m, c) => contracts.renderCatalogue(ctx, m, c)],
    [/^#\/messages$/, () => messageLog.renderMessageLog(ctx)]],
  beneficiary: [[/^#\/?((?:\?.*)?)$/, (q) => sourcing.renderNeeds(ctx, q.slice(1))], ORDER, INCIDENTS,  // ?deliverables=
    [/^#\/needs\/new$/, () => sourcing.renderNeedForm(ctx)],
    [/^#\/needs\/([^/]+)$/, (n) => sourcing.renderNeed(ctx, n)],
    [/^#\/needs\/([^/]+)\/professionals\/([^/]+)$/, (n, p) => sourcing.renderProfessional(ctx, n, p)],
    [/^#\/needs\/([^/]+)\/frame$/, (n) => sourcing.renderFrame(ctx, n)],
    [/^#\/missions\/([^/]+)$/, (m) => missions.renderMission(ctx, m)],
    QUOTES, [/^#\/quotes\/([^/]+)\/([^/]+)$/, (m, q) => quotes.renderQuote(ctx, m, q)],
    [/^#\/orders$/, () => orders.renderList(ctx)], [/^#\/report$/, () => reports.renderBeneficiaryReport(ctx)],
    [/^#\/penalties$/, () => penalties.renderStatement(ctx)], [/^#\/users$/, () => accounts.renderUsers(ctx)],
    [/^#\/export$/, () => exportScreen.renderExport(ctx)]],
  purchasing_body: [[/^#\/?$/, () => reports.renderPurchasingReport(ctx)], INCIDENTS,
    [/^#\/half-years$/, () => reports.renderHalfYears(ctx)], [/^#\/pool$/, () => sourcing.renderPool(ctx)],
    [/^#\/agreements$/, () => agreements.renderAgreements(ctx)], [/^#\/users$/, () => accounts.renderUsers(ctx)],
    [/^#\/price-schedule$/, () => priceSchedule.renderPriceSchedule(ctx)]],
  operator: [[/^#\/?$/, () => operator.renderAccountRequests(ctx)], INCIDENTS,
    [/^#\/needs$/, () => operator.renderWaitingNeeds(ctx)],
    [/^#\/needs\/([^/]+)\/([^/]+)$/, (b, n) => operator.renderPropose(ctx, b, n)],
    [/^#\/replacements$/, () => replacements.renderAwaiting(ctx)],
    [/^#\/replacements\/([^/]+)\/([^/]+)$/, (b, m) => replacements.renderProposeReplacement(ctx, b, m)],
    [/^#\/pool$/, () => sourcing.renderPool(ctx)], [/^#\/onboarding$/, () => operator.renderOnboarding(ctx)],
    [/^#\/parties$/, () => parties.renderParties(ctx)],
    [/^#\/parties\/([^/]+)\/messages$/, (c) => messageLog.renderMessageLog(ctx, c)], [/^#\/accounts$/, () => accounts.renderAccounts(ctx)],
    [/^#\/audit$/, () => audit.renderAuditJournal(ctx)]],
};

// Each navigation's screen draws through its own ctx: once the user went on to another screen (a link followed with Enter
// while this one was still reading its data), a late answer draws nothing — it neither replaces the screen now shown,
// nor takes its focus and its title (RGAA 12.6, 8.6). Any other use of ctx (calls, the session) is the same.
const navigations = latestOnly();
function screenCtx() {
  const { current } = navigations();
  const detached = (title) => h("h1", { tabindex: "-1" }, title);
  return Object.create(baseCtx, {
    show: { value: (title, ...content) => (current() ? show(title, ...content) : detached(title)) },
    redraw: { value: (title, ...content) => (current() ? redraw(title, ...content) : detached(title)) },
    showError: { value: (title, error) => (current() ? showError(title, error) : undefined) },
  });
}

// « Déclaration d'accessibilité », public: with the role's header once signed in, else with a way back to the sign-in.
function renderAccessibility() {
  const content = accessibility.statementContent(config);
  if (session && !mustChooseOwnPassword(session.claims)) return show(accessibility.TITLE, content);
  const heading = h("h1", { tabindex: "-1" }, accessibility.TITLE);
  root.replaceChildren(
    h("header", { className: "top" }, h("a", { href: "#/", className: "brand" }, "Passerelle")),
    h("main", { id: "main", tabindex: "-1" }, heading, content,
      h("p", {}, h("a", { href: "#/" }, session ? "← Retour à Passerelle" : "← Retour à la connexion"))),
    accessibility.footer());
  document.title = `${accessibility.TITLE} — Passerelle`;
  heading.focus({ preventScroll: true });
}

function route() {
  stopLive();
  silence();
  ctx = screenCtx();
  if (location.hash === ACCESSIBILITY_ROUTE) return renderAccessibility();
  if (!session) return renderSignIn();
  const routes = ROUTES[session.claims?.role];
  if (!routes) return signOut("Ce compte n'a pas de rôle reconnu par l'application.");
  if (mustChooseOwnPassword(session.claims)) return renderChoosePassword();
  const hash = location.hash || "#/";
  if (hash === "#/password") return renderMyPassword();
  for (const [pattern, render] of routes) {
    const match = pattern.exec(hash);
    if (match) return render(...match.slice(1).map(decodeURIComponent));
  }
  return show("Page introuvable", h("p", {}, h("a", { href: "#/" }, "Retour à l'accueil")));
}

async function start() {
  try {
    config = await (await fetch("config.json", { cache: "no-store" })).json();
  } catch {
    root.replaceChildren(errorBox(["Configuration introuvable : la plateforme est-elle démarrée ?"]));
    return;
  }
  const saved = sessionStorage.getItem(SESSION_KEY);
  session = saved ? JSON.parse(saved) : null;
  window.addEventListener("hashchange", route);
  route();
}

start();
