// The operator's « Journal d'audit » (B15 audit trail): where the scheduled check of the hash-chained audit trail
// left every space (get_audit_check) — when it ran, what it read, each chain intact or altered, and for an altered
// one which link and record, since when, and what to do. Read again every refresh_seconds.
import { ALTERED_STEPS, auditSummary, chainRows, checkFacts } from "./audit_logic.mjs";
import { polledStatusText } from "./logic.mjs";
import { definitionList, errorBox, h, messagesOf, table } from "./ui.mjs";

export const TITLE = "Journal d'audit";

function verdictBox(view) {
  const summary = auditSummary(view);
  return h("div", { className: summary.tone === "altered" ? "warning" : "card", id: "audit-verdict", role: "status" },
    h("p", {}, h("strong", { className: summary.tone === "intact" ? "ok" : null }, summary.title)),
    summary.detail ? h("p", {}, summary.detail) : null);
}

function chainsTable(view) {
  return table(["Espace", "Journal", "Maillon", "Enregistrement", "Altéré depuis", "Constaté"], chainRows(view).map((r) =>
    h("tr", { className: r.altered ? "late" : null, "data-space": r.path },
      h("td", {}, r.space, h("div", { className: "sub" }, r.path)),
      h("td", {}, h("span", { className: r.altered ? "badge late" : "badge ok" }, r.verdict)),
      h("td", {}, r.links), h("td", { className: "mono" }, r.records), h("td", {}, r.since),
      h("td", {}, r.problems.length ? h("ul", {}, r.problems.map((p) => h("li", {}, p)), r.more ? h("li", {}, r.more) : null)
        : "—"))),
  { label: "Journaux par espace", empty: "Aucun espace vérifié pour l'instant." });
}

function content(view) {
  const parts = [verdictBox(view)];
  if (view.status === "altered") {
    parts.push(h("h2", {}, "Que faire ?"), h("ol", { id: "audit-steps" }, ALTERED_STEPS.map((step) => h("li", {}, step))));
  }
  if (view.status !== "never_run") {
    parts.push(definitionList(checkFacts(view)), h("h2", {}, "Journaux par espace"), chainsTable(view));
  }
  return parts;
}

export function renderAuditJournal(ctx) {
  const body = h("div", {}, h("p", {}, "Chargement…"));
  const status = h("p", { className: "status" });  // the time of the last read: seen, not said at each poll
  async function load() {
    try {
      body.replaceChildren(...content(await ctx.call("get_audit_check")));
      status.textContent = polledStatusText(ctx.config.refresh_seconds);
    } catch (err) {
      if (err.status !== 401) body.replaceChildren(errorBox(messagesOf(err)));
    }
  }
  ctx.show(TITLE, h("p", { className: "hint" }, "Chaque écriture sur la plateforme laisse un enregistrement chaîné à "
    + "celui d'avant ; une vérification planifiée compare chaque journal aux empreintes consignées dans un coffre que "
    + "personne ne peut réécrire."), status, body);
  load();
  ctx.live(() => { if (!body.contains(document.activeElement)) load(); });
}
