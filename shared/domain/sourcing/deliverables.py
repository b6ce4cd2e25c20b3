"""B11 mission follow-up, B7 proof of service: a mission's deliverables shared as documents.

The titulaire attaches a PDF of kind ``deliverable`` to the mission's order, naming the milestone
and the deliverable it delivers, the label exactly as the mission states it: one of that milestone's
deliverables, or one of the mission's. Other kinds carry neither field. The follow-up reads the
order's ``deliverable`` documents: a deliverable is « remis » once a document names it, « attendu »
until then.

Pure: the mission and the document records come in; nothing here reads or writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from shared.domain.documents import DocumentKind
from shared.domain.errors import ErrorDetail

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
        return [ErrorDetail.of(f"$.{name}", "DELIVERABLE_FIELD_UNEXPECTED", kind=kind.value)
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
    rows.sort(key=lambda d: (str(d["uploaded_at"]), d["sha256"]))
    return [{"label": d["deliverable"], "document_id": d["sha256"], "filename": d["filename"],
             "uploaded_at": d["uploaded_at"], "milestone_id": d["milestone_id"]} for d in rows]


def _entry(label: str, documents: list[dict[str, Any]]) -> dict[str, Any]:
    found = [{k: v for k, v in d.items() if k != "label"} for d in documents if d["label"] == label]
    return {"label": label, "delivered": bool(found), "documents": found}


def follow_up(mission: Mission, documents: Iterable[Mapping[str, Any]]
              ) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """(per milestone id: its deliverables followed, then the mission's delivered for it; the mission's own
    deliverables followed, for whichever milestone), from the order's document records."""
    delivered = _delivered(documents)
    per_milestone = {}
    for m in mission.milestones:
        mine = [d for d in delivered if d["milestone_id"] == m.milestone_id]
        labels = list(dict.fromkeys([*m.deliverables, *(d["label"] for d in mine)]))
        per_milestone[m.milestone_id] = [_entry(label, mine) for label in labels]
    return per_milestone, [_entry(label, delivered) for label in mission.deliverables]
