"""Quotes and supplementary-works quotes (A2.4, A2.5, B16) — pure domain.

A manager requests a quote from a contractor (D3 starts); the contractor submits it (lines
from the catalogue, validity date, optional PDF); submitting again revises it (a new version,
the old ones are kept); the manager accepts (an order is created, or — for a supplementary
quote — its lines are added to the existing order) or refuses with a reason; the contractor
may withdraw it; a submitted quote whose validity date has passed expires. Which action
leads from which state to which, and who may take it, is data (``TRANSITIONS``), like the
order's state machine.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.orders import Identifier, OrderLine, SiteRef, Text
from shared.domain.base import Command


class QuoteState(StrEnum):
    REQUESTED = "requested"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class QuoteAction(StrEnum):
    SUBMIT = "submit"  # the first submission, or a revision (new version)
    ACCEPT = "accept"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"


LABELS = {QuoteState.REQUESTED: "demandé", QuoteState.SUBMITTED: "remis", QuoteState.ACCEPTED: "accepté",
          QuoteState.REFUSED: "refusé", QuoteState.EXPIRED: "expiré", QuoteState.WITHDRAWN: "retiré"}

# (state, action) → (next state, who may act)
TRANSITIONS: dict[tuple[QuoteState, QuoteAction], tuple[QuoteState, str]] = {
    (QuoteState.REQUESTED, QuoteAction.SUBMIT): (QuoteState.SUBMITTED, "contractor"),
    (QuoteState.SUBMITTED, QuoteAction.SUBMIT): (QuoteState.SUBMITTED, "contractor"),  # revised: new version
    (QuoteState.SUBMITTED, QuoteAction.ACCEPT): (QuoteState.ACCEPTED, "manager"),
    (QuoteState.SUBMITTED, QuoteAction.REFUSE): (QuoteState.REFUSED, "manager"),
    (QuoteState.SUBMITTED, QuoteAction.EXPIRE): (QuoteState.EXPIRED, "platform"),
    (QuoteState.REQUESTED, QuoteAction.WITHDRAW): (QuoteState.WITHDRAWN, "contractor"),
    (QuoteState.SUBMITTED, QuoteAction.WITHDRAW): (QuoteState.WITHDRAWN, "contractor"),
}
ACTOR_LABELS = {"contractor": "prestataire", "manager": "gestionnaire", "platform": "système (la plateforme)"}
AIMS = {a: next(t for (_, act), (t, _) in TRANSITIONS.items() if act == a) for a in QuoteAction}  # for messages
TERMINAL = frozenset({QuoteState.ACCEPTED, QuoteState.REFUSED, QuoteState.EXPIRED, QuoteState.WITHDRAWN})


class QuoteVersion(Command):
    version: int
    lines: list[OrderLine]
    valid_until: dt.date
    document_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    catalogue_version: int | None = None
    submitted_at: AwareDatetime
    # The submission that created this version (a Pub/Sub message key, or a REST request's
    # Idempotency-Key digest): the same submission delivered again creates no second version.
    submission_id: str | None = None


class Quote(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    manager_id: str
    quote_id: str
    contract_id: str
    contractor_id: str
    title: str
    site: SiteRef
    order_id: str | None = None  # supplementary quote: the order it completes
    state: QuoteState = QuoteState.REQUESTED
    requested_at: dt.datetime
    versions: list[QuoteVersion] = []
    reason: str | None = None  # refusal or withdrawal reason
    decided_at: dt.datetime | None = None
    created_order_id: str | None = None
    territory: str | None = None  # where D3 and the validity date are counted (B18: the order's territory)
    valid_until: dt.date | None = None  # the current version's, kept at top level for the expiry sweep

    @property
    def current(self) -> QuoteVersion | None:
        return self.versions[-1] if self.versions else None

    def version_of(self, submission_id: str | None) -> QuoteVersion | None:
        """The version a given submission created, if it was already recorded."""
        if submission_id is None:
            return None
        return next((v for v in self.versions if v.submission_id == submission_id), None)

    def apply(self, action: QuoteAction, actor: str, **update) -> Quote:
        """The quote after ``action`` by ``actor``; an illegal step is a DomainError (the order's codes)."""
        step = TRANSITIONS.get((self.state, action))
        if step is None:
            allowed = sorted({LABELS[t] for (s, _), (t, _) in TRANSITIONS.items() if s == self.state})
            raise DomainError([ErrorDetail.of("$.action", "ILLEGAL_TRANSITION", from_label=LABELS[self.state],
                                              to_label=LABELS[AIMS[action]],
                                              allowed=", ".join(allowed) or "aucun (état final)")])
        target, who = step
        if who != actor:
            raise DomainError([ErrorDetail.of("$.action", "TRANSITION_NOT_ALLOWED_FOR_ACTOR", to_label=LABELS[target],
                                              actor_label=ACTOR_LABELS[who])])
        return self.model_copy(update={"state": target, **update})

    def expired_on(self, today: dt.date) -> bool:
        return self.state == QuoteState.SUBMITTED and self.current is not None and self.current.valid_until < today


class RequestQuote(Command):
    """POST request_quote (manager): ask a contractor for a quote, or a supplementary one on an order."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="RequestQuote")

    quote_id: Identifier
    contract_id: Identifier
    contractor_id: Identifier
    title: Text
    site: SiteRef
    order_id: Identifier | None = None  # set for a supplementary-works quote: the order it completes


class SubmitQuote(Command):
    """POST submit_quote (contractor): a quote's first version or a revision (a new version)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="SubmitQuote")

    manager_id: Identifier
    quote_id: Identifier
    lines: Annotated[list[OrderLine], Field(min_length=1, max_length=500)]
    valid_until: dt.date
    document_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None  # an optional PDF reference


class DecideQuote(Command):
    """POST decide_quote: the manager accepts or refuses (reason required); the contractor withdraws."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="DecideQuote")

    quote_id: Identifier
    action: Annotated[str, Field(pattern=r"^(accept|refuse|withdraw)$")]
    manager_id: Identifier | None = None  # a contractor names the manager
    reason: Annotated[str, Field(min_length=1, max_length=1000)] | None = None


class QuoteExpired(BaseModel):
    """A submitted quote's validity date passed without a decision: the platform expired it.

    Delivered on ``replies-<contractor>`` as ``fr.passerelle.quote.expired.v1`` (one per quote).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, title="QuoteExpired")

    manager_id: str
    quote_id: str
    order_id: str | None = None  # a supplementary quote: the order it would have completed
    state: QuoteState = QuoteState.EXPIRED
    version: int = Field(description="The version that expired (the current one).")
    valid_until: dt.date
    expired_at: AwareDatetime


def ordering_key(quote: Quote) -> str:
    """The Pub/Sub ordering key of a quote's messages on ``orders-<contractor>``: the order it is about.

    A supplementary quote is about the order it completes; any other quote becomes, once
    accepted, the order of the same id. Either way the quote's messages are ordered with that
    order's (``order.issued``, ``order.lines_added``, the manager's decisions).
    """
    return quote.order_id or quote.quote_id


class QuoteRequested(BaseModel):
    """A manager asked the contractor for a quote; D3 (5 working days, B16) started.

    Delivered on ``orders-<contractor>`` as ``fr.passerelle.quote.requested.v1`` (one per quote).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, title="QuoteRequested")

    manager_id: str
    quote_id: str
    contract_id: str
    contractor_id: str
    title: str
    site: SiteRef
    order_id: str | None = Field(default=None, description="A supplementary quote: the order it completes (A2.5).")
    state: QuoteState = QuoteState.REQUESTED
    requested_at: AwareDatetime
    territory: str = Field(description="Where D3's working days are counted (B18).")
    answer_due_at: AwareDatetime = Field(description="End of D3: submit (or withdraw) the quote before this time.")


class QuoteDecided(BaseModel):
    """The quote's decision: accepted or refused by the manager, or withdrawn by the contractor.

    Delivered on ``orders-<contractor>`` as ``fr.passerelle.quote.decided.v1`` (one per quote:
    every decision is final). An acceptance comes after the ``order.issued`` (new order, id =
    quote id) or ``order.lines_added`` (supplementary quote) it caused.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, title="QuoteDecided")

    manager_id: str
    quote_id: str
    contract_id: str
    order_id: str | None = Field(default=None, description="A supplementary quote: the order it completes (A2.5).")
    state: QuoteState = Field(description="accepted, refused or withdrawn.")
    decided_by: Annotated[str, Field(pattern=r"^(manager|contractor)$")]
    version: int | None = Field(description="The version decided on (None: withdrawn before any submission).")
    total_cents: int | None = Field(description="That version's amount: the sum of its lines "
                                                "(quantity × unit price), in cents.")
    reason: str | None = None
    decided_at: AwareDatetime
    created_order_id: str | None = Field(default=None, description="Accepted: the order created (= quote id) or "
                                                                    "completed (= order_id).")


# --- What the quote functions answer, and the lines an accepted supplementary quote adds to its order (A2.5).


class QuoteView(Quote):
    """What request_quote, submit_quote and decide_quote answer: the quote and its current version number."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="QuoteView")

    current_version: int | None = Field(description="The last submitted version, null before the first submission.")

    @classmethod
    def of(cls, quote: Quote) -> QuoteView:
        return cls.model_validate({**quote.model_dump(), "current_version": quote.current.version if quote.current
                                   else None})


class OrderLinesAdded(BaseModel):
    """The lines of an accepted supplementary quote added to an order (A2.5), as delivered on orders-<contractor>
    (CloudEvents type fr.passerelle.order.lines_added.v1, subject orders/<order_id>)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="OrderLinesAdded")

    manager_id: str
    order_id: str
    quote_id: str
    lines: list[OrderLine] = Field(description="The added lines; each line_id is prefixed with <quote_id>-.")
    total_cents: int = Field(description="The order's new total, in euro cents.")
