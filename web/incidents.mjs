// Incidents (B9, D8): reporters report and follow theirs; the operator sees every incident with
// its D8 clock (first response due), acknowledges (stops D8) and resolves. Live: polled.
import { D8_LABELS, INCIDENT_STATE_LABELS, formatDateTime, timeLeftText } from "./logic.mjs";
import { errorBox, errorSlot, field, h, messagesOf, table } from "./ui.mjs";

export function renderIncidents(ctx) {
  const operator = ctx.session.claims.role === "operator";
  const body = h("div");
  const status = h("p", { className: "status", "aria-live": "polite" });
  async function load() {
    try {
      const page = await ctx.call("list_incidents");
      const now = Date.now();
      body.replaceChildren(table(["Incident", "Gravité", "Signalé par", "Signalé le", "État", "D8 (première réponse)",
        operator ? "Action" : "Réponse"], page.incidents.map((i) => h("tr", { "data-incident": i.incident_id },
        h("td", {}, h("strong", {}, i.title), h("div", { className: "sub" }, i.description)),
        h("td", { className: "num" }, String(i.severity)),
        h("td", {}, `${i.reporter_tenant} (${i.reporter_role})`), h("td", {}, formatDateTime(i.reported_at)),
        h("td", {}, INCIDENT_STATE_LABELS[i.state] ?? i.state),
        h("td", {}, h("span", { className: `d8 d8-${i.d8_state}` }, D8_LABELS[i.d8_state] ?? i.d8_state),
          i.state === "reported" ? h("div", { className: "sub" }, timeLeftText((Date.parse(i.due_at) - now) / 1000)) : null),
        h("td", {}, operator ? operatorActions(ctx, i, load) : (i.resolution ?? i.note ?? "—")))),
      { label: "Incidents", empty: "Aucun incident." }));
      status.textContent = `Actualisé à ${new Date().toLocaleTimeString("fr-FR")} — toutes les ${ctx.config.refresh_seconds} s`;
    } catch (err) {
      if (err.status !== 401) body.replaceChildren(errorBox(messagesOf(err)));
    }
  }
  ctx.show("Incidents", operator ? null : reportForm(ctx, load), status, body);
  load();
  ctx.live(() => { if (!body.contains(document.activeElement)) load(); });  // never under the operator's typing
}

function reportForm(ctx, reload) {
  const fields = [
    field({ name: "title", label: "Titre", required: true }),
    field({ name: "severity", label: "Gravité", required: true, value: "2", options: [
      { value: "1", label: "1 — bloquant" }, { value: "2", label: "2 — majeur" }, { value: "3", label: "3 — mineur" },
      { value: "4", label: "4 — demande d'information" }] }),
    field({ name: "description", label: "Description", required: true, rows: 3 }),
    field({ name: "order_id", label: "Commande concernée (facultatif)" }),
  ];
  const slot = errorSlot(() => fields);
  const result = h("p", { className: "status", role: "status" });
  const form = h("form", { className: "card", id: "report-incident", "aria-labelledby": "report-title" },
    h("h2", { id: "report-title" }, "Signaler un incident"), slot.node, h("div", { className: "grid" }, fields),
    h("button", { type: "submit" }, "Signaler"), result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    slot.clear();
    const v = Object.fromEntries(new FormData(form).entries());
    const body = { title: v.title.trim(), severity: Number(v.severity), description: v.description.trim(),
      ...(v.order_id.trim() ? { order_id: v.order_id.trim() } : {}) };
    try {
      const incident = await ctx.call("report_incident", { body });
      result.textContent = `Incident signalé : première réponse attendue avant le ${formatDateTime(incident.due_at)}.`;
      form.reset();
      reload();
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  return form;
}

function operatorActions(ctx, incident, reload) {
  if (incident.state === "resolved") return incident.resolution ?? "résolu";
  const acknowledge = incident.state === "reported";
  const text = field({ name: `${acknowledge ? "note" : "resolution"}-${incident.incident_id}`,
    label: acknowledge ? "Note (facultative)" : "Résolution", rows: 2, paths: [acknowledge ? "note" : "resolution"] });
  const slot = errorSlot(() => [text]);
  const form = h("form", { className: "inline-decision" }, slot.node, text,
    h("button", { type: "submit" }, acknowledge ? "Prendre en compte" : "Résoudre"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    slot.clear();
    const value = text.input.value.trim();
    try {
      if (acknowledge) {
        await ctx.call("acknowledge_incident", { body: { incident_id: incident.incident_id, ...(value ? { note: value } : {}) } });
      } else {
        await ctx.call("resolve_incident", { body: { incident_id: incident.incident_id, resolution: value } });
      }
      reload();
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  return form;
}
