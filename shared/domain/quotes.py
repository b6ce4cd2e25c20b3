"""Quotes and supplementary-works quotes (A2.4, A2.5, B16) — pure domain.

A quote is opened in one of two ways: a buyer — a manager, or a beneficiary for one of its
missions (B16) — requests it from a contractor (D3 starts), or the contractor raises it
unasked, on its own initiative or as supplementary works on one of its orders (version 1 at
once, no D3: nobody is waiting for an answer). The contractor submits it (lines from the
catalogue, validity date, optional PDF); submitting again revises it (a new version, the old
ones are kept); the buyer accepts (an order is created, or — for a supplementary quote — its
lines are added to the existing order) or refuses with a reason; the contractor may withdraw
it; a submitted quote whose validity date has passed expires. Which action leads from which
state to which, and who may take it, is data (``TRANSITIONS``; the state ``None`` is "no quote
yet"), like the order's state machine.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.orders import Identifier, OrderLine, SiteRef, Text
from shared.domain.base import Command, Model


class QuoteState(StrEnum):
    REQUESTED = "requested"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class QuoteAction(StrEnum):
    REQUEST = "request"  # a buyer asks for a quote: D3 starts (B16)
    RAISE = "raise"  # the contractor offers one unasked (spontaneous, or supplementary on its order)
    SUBMIT = "submit"  # the first submission, or a revision (new version)
    ACCEPT = "accept"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"


LABELS = {QuoteState.REQUESTED: "demandé", QuoteState.SUBMITTED: "remis", QuoteState.ACCEPTED: "accepté",
          QuoteState.REFUSED: "refusé", QuoteState.EXPIRED: "expiré", QuoteState.WITHDRAWN: "retiré"}

BUYERS = frozenset({"manager", "beneficiary"})  # who asks for quotes and decides them (A2.4, B16)
CONTRACTOR = frozenset({"contractor"})
PLATFORM = frozenset({"platform"})

# (state, action) → (next state, who may act); the state None: no quote yet (how one is opened).
TRANSITIONS: dict[tuple[QuoteState | None, QuoteAction], tuple[QuoteState, frozenset[str]]] = {
    (None, QuoteAction.REQUEST): (QuoteState.REQUESTED, BUYERS),
    (None, QuoteAction.RAISE): (QuoteState.SUBMITTED, CONTRACTOR),  # version 1 at once, no D3
    (QuoteState.REQUESTED, QuoteAction.SUBMIT): (QuoteState.SUBMITTED, CONTRACTOR),
    (QuoteState.SUBMITTED, QuoteAction.SUBMIT): (QuoteState.SUBMITTED, CONTRACTOR),  # revised: new version
    (QuoteState.SUBMITTED, QuoteAction.ACCEPT): (QuoteState.ACCEPTED, BUYERS),
    (QuoteState.SUBMITTED, QuoteAction.REFUSE): (QuoteState.REFUSED, BUYERS),
    (QuoteState.SUBMITTED, QuoteAction.EXPIRE): (QuoteState.EXPIRED, PLATFORM),
    (QuoteState.REQUESTED, QuoteAction.WITHDRAW): (QuoteState.WITHDRAWN, CONTRACTOR),
    (QuoteState.SUBMITTED, QuoteAction.WITHDRAW): (QuoteState.WITHDRAWN, CONTRACTOR),
}
ACTOR_LABELS = {"manager": "gestionnaire", "beneficiary": "bénéficiaire", "contractor": "prestataire",
                "platform": "système (la plateforme)"}
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


class Quote(Model):
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
    # Who opened it: a buyer's request ("manager", "beneficiary": D3 runs) or the contractor's own
    # quote ("contractor": raised, no D3). ``requested_at`` is then when it was raised.
    opened_by: str = "manager"
    mission_id: str | None = None  # a beneficiary's request: the mission it is for (B16)
    answer_due_at: dt.datetime | None = Field(default=None, description=(
        "B16: the end of D3 (5 working days in the quote's territory), kept when the request opened it: the contractor "
        "submits (or withdraws) the quote before this time. Null for a quote raised by the contractor (no D3) and for "
        "a quote requested before the due date was kept (its D3 runs all the same)."))

    @property
    def current(self) -> QuoteVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def clock(self):
        """B18: the clock of the territory its D3 and validity date count in (``territory``, kept when the quote was
        opened; a quote recorded without one counts in Paris, and reads on Paris's clock): a ``territories.Clock``."""
        from shared.domain.territories import LAST_RESORT, clock_of

        return clock_of(self.territory or LAST_RESORT)

    def version_of(self, submission_id: str | None) -> QuoteVersion | None:
        """The version a given submission created, if it was already recorded."""
        if submission_id is None:
            return None
        return next((v for v in self.versions if v.submission_id == submission_id), None)

    def apply(self, action: QuoteAction, actor: str, **update) -> Quote:
        """The quote after ``action`` by ``actor``; an illegal step is a DomainError (the order's codes)."""
        return self.model_copy(update={"state": step(self.state, action, actor), **update})

    def expired_on(self, today: dt.date) -> bool:
        return self.state == QuoteState.SUBMITTED and self.current is not None and self.current.valid_until < today


def step(state: QuoteState | None, action: QuoteAction, actor: str) -> QuoteState:
    """Where ``action`` by ``actor`` leads from ``state`` (None: opening a quote), by the table; every
    refusal is the order's: ILLEGAL_TRANSITION with the states possible from there, or
    TRANSITION_NOT_ALLOWED_FOR_ACTOR naming who may."""
    found = TRANSITIONS.get((state, action))
    if found is None:
        allowed = sorted({LABELS[t] for (s, _), (t, _) in TRANSITIONS.items() if s == state})
        raise DomainError([ErrorDetail.of("$.action", "ILLEGAL_TRANSITION",
                                          from_label=LABELS[state] if state else "aucun devis",
                                          to_label=LABELS[AIMS[action]],
                                          allowed=", ".join(allowed) or "aucun (état final)")])
    target, who = found
    if actor not in who:
        raise DomainError([ErrorDetail.of("$.action", "TRANSITION_NOT_ALLOWED_FOR_ACTOR", to_label=LABELS[target],
                                          actor_label=actor_labels(who))])
    return target


def actor_labels(who: frozenset[str]) -> str:
    """« gestionnaire ou au bénéficiaire »: after « réservé au »."""
    return " ou au ".join(label for actor, label in ACTOR_LABELS.items() if actor in who)


def who_takes(action: QuoteAction) -> frozenset[str]:
    """Who takes ``action`` from some state (checked before anything is read)."""
    return frozenset(actor for (_, act), (_, who) in TRANSITIONS.items() if act == action for actor in who)


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


class RaiseQuote(Command):
    """POST raise_quote, or ``fr.passerelle.quote.raised.v1`` on ``execution-<contractor>`` (contractor):
    a quote nobody asked for — spontaneous (A2.4) or, with ``order_id``, supplementary works on one of
    its orders (A2.5) — submitted at once as version 1. Checked like a request and a submission."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="RaiseQuote")

    manager_id: Identifier
    quote_id: Identifier
    contract_id: Identifier
    title: Text
    # A manager's quote: a node of its property tree (A7), required. A beneficiary has no property tree: its quote
    # is at its mission's site, which the platform takes from the mission's order (``raise_target_errors``).
    site: SiteRef | None = None
    order_id: Identifier | None = None  # supplementary works: the contractor's order they complete
    mission_id: Identifier | None = None  # a beneficiary's quote: the mission it concerns (B16), its order completed
    lines: Annotated[list[OrderLine], Field(min_length=1, max_length=500)]
    valid_until: dt.date
    document_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None  # an optional PDF reference


def raise_target_errors(cmd: RaiseQuote, *, beneficiary: bool) -> list[ErrorDetail]:
    """What a quote the contractor raises must name, by its client (A7 property tree, B16 quotes on a mission).
    A manager's quote is at a site of its property tree (``site`` required) and concerns no mission. A beneficiary
    has no property tree: its quote concerns one of its missions — ``mission_id``, or ``order_id`` its mission's
    order — and is supplementary works on that mission's order, at its site (``mission_site_errors``)."""
    if beneficiary:
        if cmd.mission_id is None and cmd.order_id is None:
            return [ErrorDetail.of("$.mission_id", "QUOTE_MISSION_REQUIRED")]
        return []
    errors = []
    if cmd.site is None:
        errors.append(ErrorDetail.of("$.site", "REQUIRED"))
    if cmd.mission_id is not None:
        errors.append(ErrorDetail.of("$.mission_id", "QUOTE_MISSION_NOT_FOR_MANAGER", mission_id=cmd.mission_id))
    return errors


def mission_site_errors(site: SiteRef | None, mission_site: SiteRef) -> list[ErrorDetail]:
    """A beneficiary's quote is at its mission's site: a site named (an ERP copying the mission's order) must be
    that one (its ``node_id``, the beneficiary); any other is refused, never stored as typed."""
    if site is None or site.node_id == mission_site.node_id:
        return []
    return [ErrorDetail.of("$.site.node_id", "QUOTE_SITE_NOT_MISSION_SITE", node_id=site.node_id)]


class RequestMissionQuote(Command):
    """POST request_mission_quote (beneficiary): ask the titulaire of one of its missions for a quote
    (B16: « toute demande de devis devra être satisfaite dans un délai maximum de 5 jours ouvrés »).
    The contract, the contractor and the site are the mission order's; accepting the quote adds its
    lines to that order, as a supplementary quote does (A2.5)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="RequestMissionQuote")

    quote_id: Identifier
    mission_id: Identifier
    title: Text


class DecideQuote(Command):
    """POST decide_quote: the buyer (manager, or beneficiary for its missions) accepts or refuses (reason
    required); the contractor withdraws."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="DecideQuote")

    quote_id: Identifier
    action: Annotated[str, Field(pattern=r"^(accept|refuse|withdraw)$")]
    manager_id: Identifier | None = None  # a contractor names the manager
    reason: Annotated[str, Field(min_length=1, max_length=1000)] | None = None
    version: Annotated[int, Field(ge=1)] | None = Field(default=None, description=(
        "The version the buyer decides on, as it read it (the web app sends it): when the quote's current version is "
        "another — the contractor revised it meanwhile — an acceptance or a refusal is refused, QUOTE_VERSION_CHANGED "
        "(409), and nothing is written. Omitted: the current version, whichever it is."))


def version_errors(quote: Quote, action: QuoteAction, version: int | None) -> list[ErrorDetail]:
    """A buyer's decision names the version it read (``version``): another current version is refused, so that nobody
    accepts or refuses an amount it has not seen. None: no check (a connector deciding on the current version)."""
    current = quote.current.version if quote.current else None
    if version is None or action not in (QuoteAction.ACCEPT, QuoteAction.REFUSE) or current is None or current == version:
        return []
    return [ErrorDetail.of("$.version", "QUOTE_VERSION_CHANGED", quote_id=quote.quote_id, current=current,
                           version=version)]


class QuoteExpired(Model):
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


class QuoteRequested(Model):
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
    requested_by: Annotated[str, Field(pattern=r"^(manager|beneficiary)$")] = Field(
        default="manager", description="Who asks: the manager, or a beneficiary for one of its missions (B16).")
    mission_id: str | None = Field(default=None, description="A beneficiary's request: the mission it is for.")
    requested_at: AwareDatetime
    territory: str = Field(description="Where D3's working days are counted (B18).")
    answer_due_at: AwareDatetime = Field(description="End of D3: submit (or withdraw) the quote before this time.")


class QuoteDecided(Model):
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
    decided_by: Annotated[str, Field(pattern=r"^(manager|beneficiary|contractor)$")]
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
    time_zone: str = Field(description=(
        "B18: the IANA time zone of the quote's territory, where its D3 and validity date count (America/Martinique, "
        "Europe/Paris…; a quote recorded without a territory: Europe/Paris): the web app shows its times on it."))
    time_zone_label: str = Field(description=(
        "B18: that clock's French name (« Heures de la Martinique », « Heures de Paris »)."))
    client_kind: Literal["manager", "beneficiary"] = Field(default="manager", description=(
        "Whose space the quote is in, a property manager's or a beneficiary's (a mission's quote, or one the "
        "titulaire raised there): the web app names the client « Bénéficiaire » then. get_quote and raise_quote "
        "read it from the space; the other commands' answers say « beneficiary » when the quote names its "
        "mission, « manager » otherwise."))
    mission_title: str | None = Field(default=None, description=(
        "B16: a mission's quote — the mission's title, its order's (« Mission : <the need's title> »): what the "
        "web app names the mission by, its id beside it. get_quote and raise_quote read it (one read of the "
        "order); null for a quote of no mission, an order not found, and in the other commands' answers."))

    @classmethod
    def of(cls, quote: Quote, client_kind: str | None = None, mission_title: str | None = None) -> QuoteView:
        clock = quote.clock  # from the quote's own record: no read
        kind = client_kind or ("beneficiary" if quote.mission_id else "manager")
        return cls.model_validate({**quote.model_dump(), "current_version": quote.current.version if quote.current
                                   else None, "time_zone": clock.time_zone, "time_zone_label": clock.label,
                                   "client_kind": kind, "mission_title": mission_title})


class OrderLinesAdded(Model):
    """The lines of an accepted supplementary quote added to an order (A2.5), as delivered on orders-<contractor>
    (CloudEvents type fr.passerelle.order.lines_added.v1, subject orders/<order_id>)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="OrderLinesAdded")

    manager_id: str
    order_id: str
    quote_id: str
    lines: list[OrderLine] = Field(description="The added lines; each line_id is prefixed with <quote_id>-.")
    total_cents: int = Field(description="The order's new total, in euro cents.")
