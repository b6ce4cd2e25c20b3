"""B11 mission follow-up, B7 proof of service: a mission's deliverables shared as documents.

The titulaire attaches a PDF of kind ``deliverable`` to the mission's order, naming the milestone
and the deliverable it delivers, the label exactly as the mission states it: one of that milestone's
deliverables, or one of the mission's. Other kinds carry neither field. The follow-up reads the
order's ``deliverable`` documents: a deliverable is « attendu » until a document names it, then « remis »
awaiting the beneficiary's decision on its latest document — the current one, which supersedes those before
it (the new delivery marks the one it supersedes, ``superseded_by``, in its own commit: a decision read before
it fails its precondition and is refused on reading it again) — then « accepté » or « refusé » (with a reason) as the beneficiary decides on that document. A refused
deliverable is delivered again as a new document, which is « remis » again. A milestone's deliverables are
all accepted when each has a current document accepted; reception of the milestone does not wait for it.

Pure: the mission and the document records come in; nothing here reads or writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from shared.domain.documents import KIND_LABELS, VERDICT_LABELS, DeliverableDecision, DeliverableVerdict, DocumentKind
from shared.domain.errors import ErrorDetail
from shared.domain.sourcing.deliverable_views import Status
from shared.domain.workdays import PARIS

if TYPE_CHECKING:  # annotations only: a part A upload checks its (absent) fields without the sourcing models
    from shared.domain.sourcing.process import Milestone, Mission


def allowed_labels(mission: Mission, milestone: Milestone) -> list[str]:
    """What a deliverable document for ``milestone`` may name: its deliverables, then the mission's."""
    return list(dict.fromkeys([*milestone.deliverables, *mission.deliverables]))


def deliverable_errors(kind: DocumentKind, milestone_id: str | None, deliverable: str | None,
                       mission: Mission | None) -> list[ErrorDetail]:
    """Every reason a document's deliverable fields are refused; ``mission``: the order's mission, None when
    the order is not a mission's."""
    if kind is not DocumentKind.DELIVERABLE:
        return [ErrorDetail.of(f"$.{name}", "DELIVERABLE_FIELD_UNEXPECTED", kind=KIND_LABELS[kind])
                for name, value in (("milestone_id", milestone_id), ("deliverable", deliverable)) if value is not None]
    if mission is None:
        return [ErrorDetail.of("$.kind", "DELIVERABLE_NOT_A_MISSION_ORDER")]
    errors = [ErrorDetail.of(f"$.{name}", "REQUIRED")
              for name, value in (("milestone_id", milestone_id), ("deliverable", deliverable)) if value is None]
    if milestone_id is None:
        return errors
    milestone = next((m for m in mission.milestones if m.milestone_id == milestone_id), None)
    if milestone is None:
        return [*errors, ErrorDetail.of("$.milestone_id", "MILESTONE_NOT_FOUND", milestone_id=milestone_id)]
    labels = allowed_labels(mission, milestone)
    if deliverable is not None and deliverable not in labels:
        errors.append(ErrorDetail.of("$.deliverable", "DELIVERABLE_NOT_FOUND", deliverable=deliverable,
                                     milestone_id=milestone_id,
                                     allowed=" ; ".join(f"« {label} »" for label in labels) or "aucun"))
    return errors


def _delivered(documents: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The deliverable documents, oldest first, as DeliveredDocument (with their label)."""
    rows = [d for d in documents if d.get("kind") == DocumentKind.DELIVERABLE.value and d.get("deliverable")]
    rows.sort(key=_delivery_order)
    return [{"label": d["deliverable"], "document_id": d["sha256"], "filename": d["filename"],
             "uploaded_at": d["uploaded_at"], "milestone_id": d["milestone_id"], "decision": d.get("decision")}
            for d in rows]


def _entry(label: str, documents: list[dict[str, Any]]) -> dict[str, Any]:
    found = [{k: v for k, v in d.items() if k != "label"} for d in documents if d["label"] == label]
    current = found[-1] if found else None
    decision = current["decision"] if current else None
    status: Status = "expected" if current is None else decision["decision"] if decision else "delivered"
    return {"label": label, "delivered": bool(found), "documents": found, "status": status,
            "current_document_id": current["document_id"] if current else None, "decision": decision}


def follow_up(mission: Mission, documents: Iterable[Mapping[str, Any]]
              ) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """(per milestone id: its deliverables followed, then the mission's delivered for it; the mission's own
    deliverables followed, for whichever milestone), from the order's document records. The current document of
    a milestone's deliverable is the latest naming that milestone and label; of the mission's own, the latest
    naming its label for any milestone."""
    delivered = _delivered(documents)
    per_milestone = {}
    for m in mission.milestones:
        mine = [d for d in delivered if d["milestone_id"] == m.milestone_id]
        labels = list(dict.fromkeys([*m.deliverables, *(d["label"] for d in mine)]))
        per_milestone[m.milestone_id] = [_entry(label, mine) for label in labels]
    return per_milestone, [_entry(label, delivered) for label in mission.deliverables]


def awaiting_decision(documents: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Per order id, how many of its deliverables wait on the beneficiary's decision (« remis »): per milestone and
    label, as the mission's follow-up shows them, the current document when it is not decided yet (« À faire »)."""
    groups: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
    for d in documents:
        if d.get("kind") == DocumentKind.DELIVERABLE.value and d.get("deliverable") and d.get("order_id"):
            groups.setdefault((d["order_id"], d.get("milestone_id") or "", d["deliverable"]), []).append(d)
    counts: dict[str, int] = {}
    for (order_id, _, _), same in groups.items():
        if not max(same, key=_delivery_order).get("decision"):
            counts[order_id] = counts.get(order_id, 0) + 1
    return counts


def all_accepted(entries: Iterable[Mapping[str, Any]]) -> bool:
    """Whether every deliverable followed is accepted (true when there is none)."""
    return all(e["status"] == "accepted" for e in entries)


# --- the beneficiary's decision on a delivered deliverable ------------------------------------------


def decision_errors(document_id: str, document: Mapping[str, Any] | None, documents: Iterable[Mapping[str, Any]],
                    verdict: DeliverableVerdict, reason: str | None) -> list[ErrorDetail]:
    """Every reason the beneficiary's decision on ``document`` (the record named ``document_id``, None when absent)
    is refused, ``documents`` the order's deliverable records. A refusal needs a reason, an acceptance takes
    none. The decision taken, sent again, is no error (``repeats``); another decision on a decided document is
    refused, as is any decision on a document a later one names the same milestone and deliverable as."""
    if document is None or document.get("kind") != DocumentKind.DELIVERABLE.value or not document.get("deliverable"):
        return [ErrorDetail.of("$.document_id", "DELIVERABLE_DOCUMENT_NOT_FOUND", document_id=document_id)]
    errors = []
    if verdict is DeliverableVerdict.REFUSED and not (reason or "").strip():
        errors.append(ErrorDetail.of("$.reason", "DELIVERABLE_REFUSAL_REASON_REQUIRED"))
    if verdict is DeliverableVerdict.ACCEPTED and reason is not None:
        errors.append(ErrorDetail.of("$.reason", "DELIVERABLE_REASON_UNEXPECTED"))
    previous = document.get("decision")
    if previous is not None:
        if repeats(previous, verdict, reason):
            return []
        taken = DeliverableDecision.model_validate(previous)
        return [*errors, ErrorDetail.of("$.decision", "DELIVERABLE_ALREADY_DECIDED", filename=document["filename"],
                                        decision=VERDICT_LABELS[taken.decision],
                                        decided_at=taken.decided_at.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M"))]
    latest = _latest(documents, document)
    if document.get("superseded_by") or (latest is not None and latest["sha256"] != document["sha256"]):
        current = latest if latest is not None and latest["sha256"] != document["sha256"] else None
        errors.append(ErrorDetail.of("$.document_id", "DELIVERABLE_DOCUMENT_SUPERSEDED", filename=document["filename"],
                                     deliverable=document["deliverable"],
                                     current=current["filename"] if current else document["superseded_by"],
                                     current_id=current["sha256"] if current else document["superseded_by"]))
    return errors


def repeats(previous: Mapping[str, Any], verdict: DeliverableVerdict, reason: str | None) -> bool:
    """Whether a decision sent again is the one taken: same verdict, same reason (a retry changes nothing)."""
    return previous.get("decision") == verdict.value and (previous.get("reason") or None) == (
        reason.strip() if reason else None)


def current_document(documents: Iterable[Mapping[str, Any]], milestone_id: str | None, deliverable: str | None
                     ) -> Mapping[str, Any] | None:
    """The current document delivering ``milestone_id``'s ``deliverable`` among ``documents``: the latest naming
    both, a document marked superseded never before one that is not (None when none names them). A new delivery
    marks it superseded in its commit (``shared.service.documents``)."""
    same = [d for d in documents if d.get("kind") == DocumentKind.DELIVERABLE.value
            and d.get("milestone_id") == milestone_id and d.get("deliverable") == deliverable]
    return max(same, key=_delivery_order, default=None)


def _delivery_order(d: Mapping[str, Any]) -> tuple[bool, str, str]:
    """Oldest first: the superseded before the others (whatever the clocks of the instances that stored them said),
    then by upload time, then by SHA-256."""
    return d.get("superseded_by") is None, str(d["uploaded_at"]), d["sha256"]


def _latest(documents: Iterable[Mapping[str, Any]], document: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The current document of ``document``'s milestone and deliverable."""
    return current_document(documents, document.get("milestone_id"), document["deliverable"])
