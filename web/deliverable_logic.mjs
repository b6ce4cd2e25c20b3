// Pure logic of the beneficiary's decision on a mission's deliverables (B11 mission follow-up, B7 proof of
// service): each deliverable's status as the mission view gives it, the decision's text, the body of
// decide_deliverable with the errors a person fixes before sending, and the reception form's warning.
// No DOM, no network — tested with `node --test tests/web/` (tests/web/deliverable_decisions.test.mjs).
import { formatDateTime } from "./logic.mjs";

// The statuses of shared/domain/sourcing/deliverable_views.py (STATUS_LABELS).
export const DELIVERABLE_STATUS_LABELS = Object.freeze({
  expected: "attendu", delivered: "remis", accepted: "accepté", refused: "refusé",
});

// « remis » awaits the beneficiary's decision; the others are said as they are.
export function deliverableStatusText(status) {
  return status === "delivered" ? "remis, en attente de décision" : DELIVERABLE_STATUS_LABELS[status] ?? status;
}

// The badge of a deliverable's status: green once accepted, red when refused; « remis » (awaiting the
// beneficiary's decision) and « attendu » stay neutral — neither is done yet.
export function deliverableBadgeClass(status) {
  return { accepted: "badge ok", refused: "badge late" }[status] ?? "badge";
}

// « Tous acceptés » of a milestone on the mission screen: « oui » or « non » once it has deliverables to follow;
// « — » (nothing to accept) for a milestone without any — the view says true then, which is not a « oui » to read.
export function allAcceptedText(followUp, accepted) {
  if (!followUp?.length || accepted === undefined || accepted === null) return "—";
  return accepted ? "oui" : "non";
}

// « accepté le 04/05/2026 08:40 par Léa Martin (lea.martin@…) » or « refusé le … : raison »: the person by the
// display name the decision kept (decided_by_name), the account's e-mail beside it; the e-mail alone without a name.
// The titulaire reads it without the beneficiary's account (decided_by and decided_by_name null).
export function decisionText(decision, timeZone = "Europe/Paris") {
  if (!decision) return "";
  const when = `${DELIVERABLE_STATUS_LABELS[decision.decision] ?? decision.decision} le `
    + `${formatDateTime(decision.decided_at, timeZone)}${deciderText(decision)}`;
  return decision.decision === "refused" && decision.reason ? `${when} : ${decision.reason}` : when;
}

function deciderText(decision) {
  const name = typeof decision.decided_by_name === "string" ? decision.decided_by_name.trim() : "";
  const id = decision.decided_by ?? "";
  if (name && id && name !== id) return ` par ${name} (${id})`;
  return name || id ? ` par ${name || id}` : "";
}

// Whether the beneficiary may decide on this deliverable now: delivered, awaiting its decision.
export function canDecide(followUp, role) {
  return role === "beneficiary" && followUp?.status === "delivered" && Boolean(followUp.current_document_id);
}

// The body of decide_deliverable for the current document; a refusal without a reason is named first.
export function decisionBody({ missionId, documentId, decision, reason = "" }) {
  const text = String(reason ?? "").trim();
  if (decision === "refused" && !text) {
    return { body: null, errors: [{ field: "$.reason", message: "Indiquez le motif du refus : le titulaire le reçoit." }] };
  }
  const body = { mission_id: missionId, document_id: documentId, decision };
  if (decision === "refused") body.reason = text;
  return { body, errors: [] };
}

// The reception form's warning (reception is not blocked): for each line the client may receive that is a
// milestone whose deliverables are not all accepted, which ones and where they stand, in French.
export function receptionWarnings(milestonesFollowUp, lineIds) {
  const lines = new Set(lineIds ?? []);
  return (milestonesFollowUp ?? []).filter((m) => lines.has(m.milestone_id) && !m.deliverables_accepted)
    .map((m) => {
      const pending = (m.deliverables_follow_up ?? []).filter((d) => d.status !== "accepted")
        .map((d) => `« ${d.label} » : ${deliverableStatusText(d.status)}`);
      return `Jalon « ${m.label} » (${m.milestone_id}) : livrables non tous acceptés — ${pending.join(" ; ")}. `
        + "La réception reste possible.";
    });
}

// A deliverable document as the order's documents list names it: « Cahier de recette », jalon « Cadrage » (J1) — the
// milestone by its label from get_order's mission, its id alone when the mission does not name it.
export function deliverableDocumentText(document, mission) {
  if (!document?.deliverable) return "";
  const id = document.milestone_id;
  const label = (mission?.milestones ?? []).find((m) => m.milestone_id === id)?.label;
  const milestone = label && label !== id ? `« ${label} » (${id})` : id;
  return ` « ${document.deliverable} »${milestone ? `, jalon ${milestone}` : ""}`;
}
