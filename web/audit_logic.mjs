// The operator's « Journal d'audit » (B15 audit trail): get_audit_check's answer as the screen says it — the last
// scheduled check, its verdict, each space's chain intact or altered (which link, which record, since when) and what to
// do then. Pure functions, tested by Node (tests/web/audit_logic.test.mjs); the verdicts are the platform's.
import { formatDateTime, plural } from "./logic.mjs";

const SPACE_KINDS = Object.freeze({ manager: "Gestionnaire", contractor: "Prestataire", beneficiary: "Bénéficiaire",
  platform: "Plateforme", other: "Espace" });
const PLATFORM_SPACE = "Plateforme (comptes, incidents, exports)";

// The chain's space as people read it: « Gestionnaire mgr-rhone-habitat », the platform's own space by what it holds.
export function spaceLabel(chain) {
  if (chain.kind === "platform") return PLATFORM_SPACE;
  return `${SPACE_KINDS[chain.kind] ?? SPACE_KINDS.other} ${chain.party_id}`;
}

// The headline: before any check, every chain intact, or how many altered.
export function auditSummary(view) {
  if (!view || view.status === "never_run") {
    return { tone: "none", title: "Aucune vérification n'a encore eu lieu.",
      detail: "La vérification planifiée du journal d'audit passe deux fois par jour, à 3 h 30 et à 15 h 30 "
        + "(heure de Paris) ; son résultat s'affichera ici." };
  }
  const when = formatDateTime(view.checked_at);
  if (view.status === "altered") {
    return { tone: "altered", title: `${plural(view.altered, "journal altéré", "journaux altérés")} à la vérification du ${when}.`,
      detail: "Un enregistrement a été modifié, supprimé ou ajouté hors de la plateforme : suivez la marche à suivre ci-dessous." };
  }
  return { tone: "intact", title: `Tous les journaux sont intacts à la vérification du ${when}.`,
    detail: deferredNote(view) };
}

function deferredNote(view) {
  return view.deferred
    ? `${plural(view.deferred, "espace n'a pas pu être relu", "espaces n'ont pas pu être relus")} en entier faute de temps : `
      + "la prochaine vérification les reprend."
    : "";
}

// What the check read, in words: when, how long, how many chains read whole or since their last check point.
export function checkFacts(view) {
  if (!view || view.status === "never_run") return [];
  const seconds = view.seconds === null || view.seconds === undefined ? "—"
    : `${String(Math.round(view.seconds * 10) / 10).replace(".", ",")} s`;
  return [
    ["Dernière vérification", formatDateTime(view.checked_at)],
    ["Durée", seconds],
    ["Espaces vérifiés", String(view.spaces)],
    ["Relus en entier", String(view.full)],
    ["Relus depuis la vérification précédente", String(view.incremental)],
    ["Empreintes du témoin comparées", String(view.heads_compared)],
  ];
}

const VERDICTS = Object.freeze({ intact: "intact", altered: "altéré", not_checked: "à vérifier au prochain passage" });

// One row per space: its verdict, and for an altered one the link(s), the record(s), since when, and what was found.
export function chainRows(view) {
  return (view?.chains ?? []).map((c) => ({
    space: spaceLabel(c), path: c.space, verdict: VERDICTS[c.verdict] ?? c.verdict, altered: c.verdict === "altered",
    links: c.links?.length ? c.links.map((n) => `maillon ${n}`).join(", ") : "—",
    records: c.records?.length ? c.records.join(", ") : "—",
    since: c.verdict === "altered" ? formatDateTime(c.altered_since) : "—",
    problems: c.problems ?? [],
    more: c.problem_count > (c.problems?.length ?? 0) ? `… et ${plural(c.problem_count - c.problems.length, "autre")}` : "",
  }));
}

// What the operator does when a chain is altered (docs/runbook.md, « Journal d'audit altéré »).
export const ALTERED_STEPS = Object.freeze([
  "Traitez-le comme un incident de sécurité : quelqu'un a écrit dans la base hors des fonctions de la plateforme.",
  "Ne recalculez pas le journal : le témoin continuerait de le signaler, et la preuve serait perdue.",
  "Exportez l'espace concerné et les empreintes du témoin, puis retirez l'accès qui a permis l'écriture.",
  "Restaurez les documents modifiés depuis une sauvegarde de la base, dans l'état que garantissent les empreintes du témoin.",
  "L'alerte revient à chaque vérification jusqu'à ce que l'espace soit de nouveau intact. La procédure détaillée "
    + "est dans le guide d'exploitation (docs/runbook.md, « Journal d'audit altéré »).",
]);
