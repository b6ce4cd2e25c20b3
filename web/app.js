// Passerelle — web application (A3 c) and the manager's live view (A11). No framework, no build:
// the page is built with DOM calls (textContent only: data never becomes markup).
import {
  DOCUMENT_KINDS, LATE_LABELS, STATE_LABELS, authErrorMessage, buildExecutionReport,
  changedRows, decodeClaims, errorsByField, formatDateTime, formatEuros, listQuery, needsRefresh, nextSequence,
  scheduleText, stateLabel, stateOptions,
} from "./logic.mjs";

const SESSION_KEY = "passerelle.session";
const root = document.getElementById("app");
let config = null;
let session = null;
let refreshTimer = null;

// --- DOM helper -----------------------------------------------------------------------------
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function show(...nodes) {
  root.replaceChildren(...nodes);
}

// --- session --------------------------------------------------------------------------------
function saveSession(tokens) {
  const claims = decodeClaims(tokens.idToken);
  session = { idToken: tokens.idToken, refreshToken: tokens.refreshToken,
    expiresAt: Math.floor(Date.now() / 1000) + Number(tokens.expiresIn || 3600), claims };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

function signOut(message) {
  session = null;
  sessionStorage.removeItem(SESSION_KEY);
  stopRefresh();
  Object.assign(listState, { filters: {}, cursors: [], rows: null });  // nothing carries over to the next user
  location.hash = "";
  renderSignIn(message);
}

async function signIn(email, password) {
  const url = `${config.auth.sign_in_url}?key=${encodeURIComponent(config.auth.api_key)}`;
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password, returnSecureToken: true }) });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(authErrorMessage(body));
  saveSession(body);
}

async function freshToken() {
  if (!needsRefresh(session, Math.floor(Date.now() / 1000))) return session.idToken;
  const url = `${config.auth.refresh_url}?key=${encodeURIComponent(config.auth.api_key)}`;
  const response = await fetch(url, { method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: session.refreshToken }) });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    signOut(authErrorMessage(body));
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

async function call(name, { query = "", body = null, form = null, idempotencyKey = null } = {}) {
  const token = await freshToken();
  const headers = { Authorization: `Bearer ${token}` };
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  let payload;
  if (form) payload = form;
  else if (body) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const url = `${config.functions[name]}/${query ? `?${query}` : ""}`;
  const response = await fetch(url, { method: payload ? "POST" : "GET", headers, body: payload });
  const answer = await response.json().catch(() => null);
  if (response.status === 401) {
    signOut("Votre session a expiré : reconnectez-vous.");
    throw new ApiError(401, answer);
  }
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

// --- layout ---------------------------------------------------------------------------------
function header() {
  const c = session.claims;
  const role = c.role === "contractor" ? "Prestataire" : c.role === "manager" ? "Gestionnaire" : c.role;
  return h("header", { className: "top" },
    h("a", { href: "#/", className: "brand" }, "Passerelle"),
    h("span", { className: "who" }, `${c.email ?? c.uid} — ${role} ${c.tenant}`),
    h("button", { type: "button", className: "link", onclick: () => signOut("Vous êtes déconnecté.") },
      "Se déconnecter"));
}

function errorBox(messages) {
  if (!messages?.length) return null;
  return h("div", { className: "errors", role: "alert" }, h("ul", {}, messages.map((m) => h("li", {}, m))));
}

function stopRefresh() {
  if (refreshTimer) clearInterval(refreshTimer);
  refreshTimer = null;
}

// --- sign-in --------------------------------------------------------------------------------
function renderSignIn(message = "") {
  stopRefresh();
  const error = h("p", { className: "errors", role: "alert", hidden: !message }, message);
  const form = h("form", { className: "card narrow", id: "sign-in" },
    h("h1", {}, "Connexion à Passerelle"),
    h("label", {}, "Adresse e-mail", h("input", { name: "email", type: "email", required: true,
      autocomplete: "username" })),
    h("label", {}, "Mot de passe", h("input", { name: "password", type: "password", required: true,
      autocomplete: "current-password" })),
    error,
    h("button", { type: "submit" }, "Se connecter"),
    config.auth.emulator ? h("p", { className: "hint" }, "Émulateur Firebase Auth (développement local).") : null);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await signIn(String(data.get("email")), String(data.get("password")));
      route();
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    }
  });
  show(form);
}

// --- lists ----------------------------------------------------------------------------------
const listState = { filters: {}, cursors: [], rows: null };

function stateSelect(name, value, { blank = "Tous les états", states = Object.keys(STATE_LABELS) } = {}) {
  return h("select", { name }, h("option", { value: "" }, blank),
    states.map((s) => h("option", { value: s, selected: s === value }, STATE_LABELS[s])));
}

function renderList() {
  const contractor = session.claims.role === "contractor";
  const f = listState.filters;
  const status = h("p", { className: "status", "aria-live": "polite" });
  const body = h("tbody");
  const errors = h("div");
  const next = h("button", { type: "button", disabled: true }, "Page suivante");
  const first = h("button", { type: "button", disabled: true }, "Première page");
  const filters = h("form", { className: "filters" },
    h("label", {}, "État", stateSelect("state", f.state)),
    contractor
      ? h("label", {}, "Gestionnaire", h("input", { name: "manager_id", value: f.managerId ?? "" }))
      : h("label", {}, "Prestataire", h("input", { name: "contractor_id", value: f.contractorId ?? "" })),
    h("label", { className: "check" }, h("input", { type: "checkbox", name: "late", checked: !!f.lateOnly }),
      "En retard seulement"),
    h("button", { type: "submit" }, "Filtrer"));
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(filters);
    listState.filters = { state: data.get("state") || "", lateOnly: data.get("late") === "on",
      contractorId: data.get("contractor_id") || "", managerId: data.get("manager_id") || "" };
    listState.cursors = [];
    listState.rows = null;
    load();
  });

  async function load() {
    const cursor = listState.cursors.at(-1) ?? null;
    try {
      const page = await call("list_orders", { query: listQuery({ ...listState.filters, cursor }) });
      const changed = changedRows(listState.rows, page.orders);
      listState.rows = page.orders;
      body.replaceChildren(...page.orders.map((row) => orderRow(row, contractor, changed)));
      if (!page.orders.length) {
        body.append(h("tr", {}, h("td", { colspan: 11, className: "empty" }, "Aucune commande.")));
      }
      next.disabled = !page.next_cursor;
      next.onclick = () => { listState.cursors.push(page.next_cursor); listState.rows = null; load(); };
      first.disabled = !listState.cursors.length;
      errors.replaceChildren();
      status.textContent = `Actualisé à ${new Date().toLocaleTimeString("fr-FR")}` +
        (contractor ? "" : ` — actualisation automatique toutes les ${config.refresh_seconds} s`);
    } catch (err) {
      if (err.status === 401) return;
      errors.replaceChildren(errorBox([...errorsByField(err.problem).values()].flat().length
        ? [...errorsByField(err.problem).values()].flat() : [err.message]));
    }
  }
  first.onclick = () => { listState.cursors = []; listState.rows = null; load(); };

  show(header(), h("main", {},
    h("h1", {}, contractor ? "Mes commandes" : "Tableau de bord des commandes"),
    filters, errors, status,
    h("div", { className: "table-wrap" }, h("table", { className: "orders" },
      h("thead", {}, h("tr", {}, ["Commande", contractor ? "Gestionnaire" : "Prestataire", "Objet", "Site", "État",
        "Avancement", "Rendez-vous / dates", "Dernier événement", "Retard", "Documents", "Dernière activité"]
        .map((t) => h("th", { scope: "col" }, t)))),
      body)),
    h("div", { className: "pager" }, first, next)));
  load();
  stopRefresh();
  if (!contractor) refreshTimer = setInterval(load, config.refresh_seconds * 1000);  // A11: live view
}

function orderRow(row, contractor, changed) {
  const key = `${row.manager_id}/${row.order_id}`;
  const href = `#/orders/${encodeURIComponent(row.manager_id)}/${encodeURIComponent(row.order_id)}`;
  return h("tr", { className: [row.late ? "late" : "", changed.has(key) ? "changed" : ""].join(" ").trim() || null,
    "data-order": row.order_id },
    h("td", {}, h("a", { href }, row.order_id)),
    h("td", {}, contractor ? row.manager_id : row.contractor_id),
    h("td", {}, row.title),
    h("td", {}, row.site?.label ?? row.site?.node_id ?? "—"),
    h("td", {}, h("span", { className: `state state-${row.state}` }, row.state_label ?? stateLabel(row.state))),
    h("td", {}, progress(row.progress)),
    h("td", {}, scheduleText(row)),
    h("td", {}, row.last_event ? `${row.last_event.label ?? ""} (${formatDateTime(row.last_event.occurred_at)})` : "—"),
    h("td", {}, row.late ? h("span", { className: "badge late" }, `En retard : ${LATE_LABELS[row.late_reason] ?? ""}`)
      : "—"),
    h("td", { className: "num" }, String(row.document_count ?? 0)),
    h("td", {}, formatDateTime(row.updated_at)));
}

function progress(value) {
  if (value === null || value === undefined) return "—";
  return h("span", { className: "progress" }, h("progress", { max: 100, value }), ` ${value} %`);
}

// --- one order ------------------------------------------------------------------------------
async function renderOrder(managerId, orderId) {
  stopRefresh();
  const contractor = session.claims.role === "contractor";
  const query = listQuery({ managerId: contractor ? managerId : "" }) + `&order_id=${encodeURIComponent(orderId)}`;
  show(header(), h("main", {}, h("p", {}, "Chargement…")));
  let view;
  let documents;
  try {
    [view, documents] = await Promise.all([call("get_order", { query }), call("get_documents", { query })]);
  } catch (err) {
    if (err.status === 401) return;
    show(header(), h("main", {}, h("p", {}, h("a", { href: "#/" }, "← Retour à la liste")),
      errorBox([...errorsByField(err.problem).values()].flat())));
    return;
  }
  const o = view.order;
  const facts = [
    ["État", stateLabel(o.state)], ["Avancement", o.progress === null ? "—" : `${o.progress} %`],
    ["Prestataire", o.contractor_id], ["Gestionnaire", o.manager_id], ["Marché", o.contract_id],
    ["Site", o.site?.label ?? o.site?.node_id], ["Montant", formatEuros(view.total_cents)],
    ["Rendez-vous / dates", scheduleText(o)],
    ["Début / fin réels", `${formatDateTime(o.actual_start)} → ${formatDateTime(o.actual_end)}`],
    ["Pilote", o.site_lead ? `${o.site_lead.first_name} ${o.site_lead.last_name} — ${o.site_lead.mobile}` : "—"],
    ["Date de facture", formatDateTime(o.invoice_date)], ["Dernière séquence", String(o.last_sequence)],
  ];
  const history = h("table", { className: "history" },
    h("thead", {}, h("tr", {}, ["Date", "Événement", "Par", "Canal", "État", "Reçu le", "Délai"].map((t) =>
      h("th", { scope: "col" }, t)))),
    h("tbody", {}, view.events.map((e) => h("tr", { className: e.late ? "late" : null },
      h("td", {}, formatDateTime(e.occurred_at)), h("td", {}, e.label),
      h("td", {}, e.actor === "contractor" ? "prestataire" : "gestionnaire"), h("td", {}, e.channel),
      h("td", {}, `${stateLabel(e.state_before)} → ${stateLabel(e.state_after)}`),
      h("td", {}, formatDateTime(e.received_at)),
      h("td", {}, e.late ? "en retard (> 15 min)" : e.delay_seconds === undefined || e.delay_seconds === null ? "—"
        : "à l'heure")))));
  const docs = documents.documents.length
    ? h("ul", { className: "documents" }, documents.documents.map((d) => h("li", {},
      h("a", { href: d.download_url, target: "_blank", rel: "noopener noreferrer" }, d.filename),
      ` — ${DOCUMENT_KINDS[d.kind] ?? d.kind}, ${d.pages} p., ${Math.ceil(d.size_bytes / 1024)} Kio`)))
    : h("p", {}, "Aucun document.");
  show(header(), h("main", {},
    h("p", {}, h("a", { href: "#/" }, "← Retour à la liste")),
    h("h1", {}, `${o.order_id} — ${o.title}`),
    h("dl", { className: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "—")])),
    h("section", {}, h("h2", {}, "Historique"), view.events.length ? history : h("p", {}, "Aucun événement.")),
    h("section", {}, h("h2", {}, "Documents"), docs),
    contractor ? executionForm(o, view.next_states) : null,
    contractor ? uploadForm(o) : null));
}

// --- the contractor's forms (A4: every error next to its field) ------------------------------
const FIELDS = [
  ["state", "Nouvel état"], ["event_label", "Libellé de l'événement"], ["event_code", "Code de l'événement"],
  ["occurred_at", "Date et heure de l'événement"], ["progress", "Avancement (%)"], ["reason", "Motif"],
  ["site_lead__last_name", "Pilote : nom"], ["site_lead__first_name", "Pilote : prénom"],
  ["site_lead__mobile", "Pilote : mobile"], ["planned_start", "Début prévu"], ["planned_end", "Fin prévue"],
  ["appointment__start", "Rendez-vous : début"], ["appointment__end", "Rendez-vous : fin"],
  ["actual_start", "Début réel"], ["actual_end", "Fin réelle"], ["invoice_date", "Date d'émission de la facture"],
];
const INPUT_TYPES = { occurred_at: "datetime-local", planned_start: "datetime-local", planned_end: "datetime-local",
  appointment__start: "datetime-local", appointment__end: "datetime-local", actual_start: "datetime-local",
  actual_end: "datetime-local", invoice_date: "date", progress: "number" };
// Error paths of the API (fieldOf) → the input that shows them.
const ERROR_FIELDS = new Map([["state", "state"], ["event.label", "event_label"], ["event.code", "event_code"],
  ["event", "event_label"], ["occurred_at", "occurred_at"], ["progress", "progress"], ["reason", "reason"],
  ["site_lead.last_name", "site_lead__last_name"], ["site_lead.first_name", "site_lead__first_name"],
  ["site_lead.mobile", "site_lead__mobile"], ["site_lead", "site_lead__last_name"],
  ["planned_start", "planned_start"], ["planned_end", "planned_end"], ["appointment.start", "appointment__start"],
  ["appointment.end", "appointment__end"], ["appointment", "appointment__start"], ["actual_start", "actual_start"],
  ["actual_end", "actual_end"], ["invoice_date", "invoice_date"]]);

// nextStates: where get_order says this contractor may move the order (the server checks again).
function executionForm(order, nextStates) {
  const inputs = {};
  const notes = {};
  const general = h("div");
  const result = h("p", { className: "status", "aria-live": "polite" });
  const rows = FIELDS.map(([name, label]) => {
    const input = name === "state"
      ? h("select", { name }, stateOptions(nextStates).map((o) => h("option", { value: o.value }, o.label)))
      : h("input", { name, type: INPUT_TYPES[name] ?? "text", min: name === "progress" ? 0 : null,
        max: name === "progress" ? 100 : null });
    inputs[name] = input;
    notes[name] = h("span", { className: "field-error", id: `err-${name}` });
    input.setAttribute("aria-describedby", `err-${name}`);
    return h("label", {}, label, input, notes[name]);
  });
  const form = h("form", { className: "card", id: "execution" },
    h("h2", {}, "Déclarer l'exécution"),
    h("p", { className: "hint" }, `Séquence envoyée : ${nextSequence(order)} (la suivante de la dernière appliquée).`),
    general, h("div", { className: "grid" }, rows), h("button", { type: "submit" }, "Envoyer"), result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const note of Object.values(notes)) note.textContent = "";
    general.replaceChildren();
    result.textContent = "";
    const values = Object.fromEntries(new FormData(form).entries());
    const { report, errors } = buildExecutionReport(values, { managerId: order.manager_id, orderId: order.order_id,
      sequence: nextSequence(order) }, (v) => -new Date(v).getTimezoneOffset());
    if (errors.length) return showErrors(errors);
    try {
      const reply = await call("submit_execution", { body: report, idempotencyKey: crypto.randomUUID() });
      result.textContent = `Accepté : la commande est « ${stateLabel(reply.order_state)} »` +
        (reply.late ? " (transmis plus de 15 minutes après l'événement)." : ".");
      setTimeout(() => renderOrder(order.manager_id, order.order_id), 800);
    } catch (err) {
      if (err.status === 401) return;
      showErrors(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });

  function showErrors(problem) {
    const unplaced = [];
    for (const [field, messages] of errorsByField(problem)) {
      const name = ERROR_FIELDS.get(field);
      if (name) notes[name].textContent = messages.join(" ");
      else unplaced.push(...messages);
    }
    general.replaceChildren(errorBox(unplaced.length ? unplaced : ["Le message a été rejeté : voir les champs."]));
  }
  return form;
}

function uploadForm(order) {
  const result = h("div", { "aria-live": "polite" });
  const form = h("form", { className: "card", id: "upload" },
    h("h2", {}, "Déposer un document PDF"),
    h("label", {}, "Type", h("select", { name: "kind" },
      Object.entries(DOCUMENT_KINDS).map(([value, label]) => h("option", { value }, label)))),
    h("label", {}, "Fichier PDF (5 Mio au plus)", h("input", { name: "file", type: "file",
      accept: "application/pdf", required: true })),
    h("button", { type: "submit" }, "Déposer"), result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const upload = new FormData();
    upload.set("manager_id", order.manager_id);
    upload.set("order_id", order.order_id);
    upload.set("kind", String(data.get("kind")));
    upload.set("file", data.get("file"));
    try {
      const answer = await call("store_report", { form: upload, idempotencyKey: crypto.randomUUID() });
      result.replaceChildren(h("p", { className: "status" }, answer.created ? "Document déposé."
        : "Ce document était déjà déposé sur la commande."));
      setTimeout(() => renderOrder(order.manager_id, order.order_id), 800);
    } catch (err) {
      if (err.status === 401) return;
      result.replaceChildren(errorBox([...errorsByField(err.problem).values()].flat()));
    }
  });
  return form;
}

// --- routing --------------------------------------------------------------------------------
function route() {
  if (!session) return renderSignIn();
  if (!["manager", "contractor", "beneficiary"].includes(session.claims?.role)) {
    return signOut("Ce compte n'a pas accès à l'application (rôle gestionnaire ou prestataire requis).");
  }
  const match = /^#\/orders\/([^/]+)\/([^/]+)$/.exec(location.hash);
  if (match) return renderOrder(decodeURIComponent(match[1]), decodeURIComponent(match[2]));
  return renderList();
}

async function start() {
  try {
    config = await (await fetch("config.json", { cache: "no-store" })).json();
  } catch {
    show(errorBox(["Configuration introuvable : la plateforme est-elle démarrée ?"]));
    return;
  }
  const saved = sessionStorage.getItem(SESSION_KEY);
  session = saved ? JSON.parse(saved) : null;
  window.addEventListener("hashchange", route);
  route();
}

start();
