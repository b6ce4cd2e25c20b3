// The operator's screens: account requests with D7's time left (B5), needs waiting for proposals
// and the proposing of professionals (B3, D4), pool statistics (B14). Incidents are in
// incidents.mjs. Live lists are polled every refresh_seconds.
import { NEED_STATUS_LABELS, ROLE_LABELS, formatDateTime, formatEuros, isoToFrenchDate, parseFrenchDate,
  timeLeftText } from "./logic.mjs";
import { dateField, definitionList, errorBox, errorSlot, field, h, messagesOf, table } from "./ui.mjs";

export function renderAccountRequests(ctx) {
  const body = h("div");
  const status = h("p", { className: "status", "aria-live": "polite" });
  async function load() {
    try {
      const list = await ctx.call("list_account_requests");
      body.replaceChildren(table(["Demande", "Rôle", "Espace", "Demandée par", "Demandée le", "D7 (72 heures ouvrées)",
        "Créer le compte"],
        list.requests.map((r) => h("tr", { "data-request": r.request_id, className: r.seconds_left < 0 ? "late" : null },
          h("td", {}, h("strong", {}, r.display_name), h("div", { className: "sub" }, r.email),
            h("div", { className: "sub" }, r.rights ? `droits : ${r.rights.join(", ")}` : "droits du rôle")),
          h("td", {}, ROLE_LABELS[r.role] ?? r.role), h("td", {}, r.tenant),
          h("td", {}, r.requested_by_email || r.requested_by || "—"), h("td", {}, formatDateTime(r.requested_at)),
          h("td", {}, h("span", { className: r.seconds_left < 0 ? "badge late" : "" }, timeLeftText(r.seconds_left)),
            h("div", { className: "sub" }, `échéance ${formatDateTime(r.due_at)}`)),
          h("td", {}, createForm(ctx, r, load)))),
        { label: "Demandes de compte en attente", empty: "Aucune demande en attente." }));
      status.textContent = `Actualisé à ${new Date().toLocaleTimeString("fr-FR")} — toutes les ${ctx.config.refresh_seconds} s`;
    } catch (err) {
      if (err.status !== 401) body.replaceChildren(errorBox(messagesOf(err)));
    }
  }
  ctx.show("Demandes de compte", status, body);
  load();
  ctx.live(() => { if (!body.contains(document.activeElement)) load(); });
}

// Creating the account fulfils the request and stops D7 (manage_account with its request_id).
function createForm(ctx, request, reload) {
  const password = field({ name: `password-${request.request_id}`, label: "Mot de passe initial (12 caractères au moins)",
    type: "password", autocomplete: "new-password", paths: ["password"] });
  const slot = errorSlot(() => [password]);
  const form = h("form", { className: "inline-decision" }, slot.node, password, h("button", { type: "submit" }, "Créer"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    slot.clear();
    try {
      await ctx.call("manage_account", { body: { email: request.email, display_name: request.display_name,
        role: request.role, tenant: request.tenant, request_id: request.request_id,
        ...(password.input.value ? { password: password.input.value } : {}) } });
      reload();
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  return form;
}

export function renderWaitingNeeds(ctx) {
  const body = h("div");
  async function load() {
    try {
      const list = await ctx.call("list_needs");
      body.replaceChildren(table(["Besoin", "Bénéficiaire", "Version", "Statut", "Propositions dues le (D4)"],
        list.needs.map((n) => h("tr", { "data-need": n.need_id },
          h("td", {}, h("a", { href: `#/needs/${encodeURIComponent(n.beneficiary_id)}/${encodeURIComponent(n.need_id)}` },
            n.title), h("div", { className: "sub" }, n.need_id)),
          h("td", {}, n.beneficiary_id), h("td", { className: "num" }, String(n.version)), h("td", {}, n.status_label),
          h("td", {}, formatDateTime(n.d4_due)))), { label: "Besoins en attente", empty: "Aucun besoin en attente." }));
    } catch (err) {
      if (err.status !== 401) body.replaceChildren(errorBox(messagesOf(err)));
    }
  }
  ctx.show("Besoins en attente de propositions", body);
  load();
  ctx.live(load);
}

export async function renderPropose(ctx, beneficiaryId, needId) {
  let need;
  try {
    need = await ctx.call("get_sourcing", { query: new URLSearchParams({ view: "need", need_id: needId,
      beneficiary_id: beneficiaryId }).toString() });
  } catch (err) {
    return ctx.showError(`Besoin ${needId}`, err);
  }
  const current = need.versions.at(-1);
  const candidates = current?.result?.candidates ?? [];
  const inTwoWeeks = new Date(Date.now() + 14 * 86400000).toISOString();
  const guaranteed = dateField({ name: "guaranteed_until", label: "Disponibilité garantie jusqu'au", required: true,
    value: isoToFrenchDate(inTwoWeeks), paths: ["guaranteed_until", "proposals"] });
  const boxes = candidates.map((c) => field({ name: `pro-${c.professional_id}`, type: "checkbox", value: c.rank <= 3,
    label: `${c.rank}. ${c.name} — ${Math.round(c.total * 100)} / 100, ${formatEuros(c.daily_rate_cents)}`,
    paths: [`pro-${c.professional_id}`] }));
  const slot = errorSlot(() => [guaranteed, ...boxes]);
  const result = h("p", { className: "status", role: "status" });
  const form = h("form", { className: "card", id: "propose-form" }, slot.node,
    h("fieldset", {}, h("legend", {}, "Professionnels à proposer"), boxes.length ? boxes : h("p", {}, "Classement en cours…")),
    guaranteed, h("button", { type: "submit" }, "Proposer"), result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    slot.clear();
    const until = parseFrenchDate(guaranteed.input.value);
    if (!until) return slot.show([{ field: "$.guaranteed_until", message: "Date au format jj/mm/aaaa." }]);
    const chosen = candidates.filter((_, i) => boxes[i].input.checked);
    try {
      await ctx.call("propose_professionals", { body: { beneficiary_id: beneficiaryId, need_id: needId,
        version: need.version, proposals: chosen.map((c) => ({ professional_id: c.professional_id, guaranteed_until: until })) } });
      result.textContent = `${chosen.length} professionnel(s) proposé(s).`;
      setTimeout(() => ctx.go("#/needs"), 600);
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  ctx.show(`Proposer pour « ${need.title} »`, h("p", {}, h("a", { href: "#/needs" }, "← Besoins en attente")),
    definitionList([["Bénéficiaire", need.beneficiary_id], ["Statut", NEED_STATUS_LABELS[need.status] ?? need.status],
      ["Version", String(need.version)], ["Propositions dues le (D4)", formatDateTime(need.d4.due)]]),
    need.status === "scored" ? form : h("p", {}, "Ce besoin n'attend pas de proposition pour l'instant."));
}

export async function renderPool(ctx) {
  let stats;
  try {
    stats = await ctx.call("get_sourcing", { query: "view=pool_statistics" });
  } catch (err) {
    return ctx.showError("Vivier", err);
  }
  ctx.show("Statistiques du vivier (B14)",
    definitionList([["Professionnels actifs", String(stats.total)], ["Index construit le", formatDateTime(stats.built_at)],
      ["Révision de l'index", String(stats.index_revision ?? "—")]]),
    h("h2", {}, "Par région"),
    table(["Région", "Professionnels"], Object.entries(stats.per_region ?? {}).map(([code, r]) => h("tr", {},
      h("td", {}, `${r.label} (${code})`), h("td", { className: "num" }, String(r.count)))), { label: "Par région" }),
    h("h2", {}, "Par type de prestation"),
    table(["Type", "Professionnels"], Object.entries(stats.per_service_type ?? {}).map(([type, count]) => h("tr", {},
      h("td", {}, type), h("td", { className: "num" }, String(count)))), { label: "Par type de prestation" }));
}

// Onboarding of managers and contractors (registering them and their topics) has no HTTP API yet:
// this screen is its place, kept apart so that it can be filled in when the API exists.
export function renderOnboarding(ctx) {
  ctx.show("Raccordement des gestionnaires et prestataires",
    h("p", {}, "Le raccordement d'un gestionnaire ou d'un prestataire (inscription, sujets Pub/Sub, comptes "
      + "techniques) n'est pas encore disponible dans l'application : il n'a pas encore d'API."),
    h("p", {}, "En attendant, créez les comptes des personnes depuis « Demandes de compte »."));
}
