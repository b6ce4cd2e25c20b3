"""What the mission view answers per deliverable (B11 mission follow-up, get_sourcing?view=mission): apart from
the rule (``deliverables.py``), so that the mission's view models import them without the rule's imports."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.base import Model
from shared.domain.documents import DeliverableDecision

Status = Literal["expected", "delivered", "accepted", "refused"]
STATUS_LABELS = {"expected": "attendu", "delivered": "remis", "accepted": "accepté", "refused": "refusé"}


class DeliveredDocument(Model):
    """A ``deliverable`` document of the mission's order (B11): which file delivered it, when, and the
    beneficiary's decision on it."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="DeliveredDocument")

    document_id: str = Field(description="The document's SHA-256: get_documents?order_id=&sha256= downloads it.")
    filename: str
    uploaded_at: AwareDatetime
    milestone_id: str
    decision: DeliverableDecision | None = Field(default=None, description="null until the beneficiary decides.")


class DeliverableFollowUp(Model):
    """One deliverable as followed (B11): « attendu » until a ``deliverable`` document names it; then as its
    current (latest) document stands: « remis » awaiting the beneficiary's decision, « accepté » or « refusé »."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="DeliverableFollowUp")

    label: str
    delivered: bool
    documents: list[DeliveredDocument] = Field(description="Every document that delivered it, oldest first.")
    status: Status = Field(default="expected", description=(
        "expected (attendu), delivered (remis, awaiting the beneficiary's decision), accepted (accepté), refused "
        "(refusé: delivered again, it is delivered once more)."))
    current_document_id: str | None = Field(default=None, description=(
        "The latest document: the one decide_deliverable decides on (the earlier ones are superseded)."))
    decision: DeliverableDecision | None = Field(default=None, description="The decision on the current document.")
