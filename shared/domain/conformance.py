"""The conformance kit (A10 onboarding): a contractor proves its connector on sandbox orders before
go-live, and passing the scenario is what "connected" means for D2.

The sandbox is a space of its own, ``managers/sandbox-<contractor>``: no real manager can hold that id
(shared/domain/parties.py reserves the prefix), so its orders are invisible to every real manager, and
its contract carries zero penalty amounts. Its orders and quote requests go out on the contractor's
real topics and come back through the very channels and services of live traffic (Pub/Sub or REST),
so the scenario checks the connector itself.

The scenario, step by step — each one judged from what the platform recorded, never from what the
contractor says about itself:

1. receive the sandbox order (any message about it proves it was read);
2. acknowledge it (an accepted report to ``acknowledged``);
3. schedule it (an accepted report to ``scheduled``, planned dates or an appointment);
4. send a report that is rejected, then its correction (same sequence, new message id) accepted;
5. attach a PDF to the order (REST multipart, or a signed upload and its reference);
6. complete it (an accepted report to ``completed``, with ``actual_end``) — the sandbox manager then
   receives every line (service done, no reservation: ``order.received``), in the same commit;
7. invoice the received order (an accepted invoice: the order becomes ``invoiced``);
8. answer the sandbox quote request (a submitted version) — the sandbox manager then accepts it, which
   creates the order ``DEV-BAS-<run>`` (``order.issued``, then ``quote.decided``), in the same commit;
9. acknowledge the order the acceptance created (an accepted report to ``acknowledged`` on it).

Steps 6–9 are the manager's decisions a connector must consume *and answer*: a reception calls for an
invoice, an acceptance for a new order to take on. ``sandbox_move`` says what the sandbox manager does
when (shared/domain/sandbox.py, with the sandbox's ids); the service the contractor's message goes
through plays it in that message's commit
(shared/service/executions.py the reception, shared/service/quotes.py the acceptance).

A step is ``passed``, ``failed`` (tried, and the last attempt was rejected: its errors are listed) or
``pending`` (not tried yet). A report counts against the step of the state it asked for (a report that
asked none, against the step after the order's state then). The run passes when every step has passed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.base import Command, Identifier, Model
from shared.domain.errors import ErrorDetail
from shared.domain.event_types import EventType

class StartConformance(Command):
    """POST start_conformance (contractor): an empty object — the run is the contractor's own."""


class CheckConformance(Command):
    """POST check_conformance (contractor): which run to judge."""

    run_id: Identifier


class StepId(StrEnum):
    RECEIVE_ORDER = "receive_order"
    ACKNOWLEDGE = "acknowledge"
    SCHEDULE = "schedule"
    CORRECT_REJECTED = "correct_rejected_report"
    UPLOAD_DOCUMENT = "upload_document"
    COMPLETE = "complete"
    INVOICE = "invoice"
    ANSWER_QUOTE = "answer_quote"
    ACKNOWLEDGE_QUOTE_ORDER = "acknowledge_quote_order"


class StepStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    PENDING = "pending"


@dataclass(frozen=True)
class Step:
    id: StepId
    label: str  # French: what a person reads
    instruction: str


STEPS: tuple[Step, ...] = (
    Step(StepId.RECEIVE_ORDER, "Réception de la commande",
         "Recevez la commande de bac à sable (orders-<prestataire>-erp, ou list_orders / get_order) et "
         "envoyez un premier message à son sujet."),
    Step(StepId.ACKNOWLEDGE, "Prise en compte",
         "Envoyez un rapport d'exécution « acknowledged » (séquence 1)."),
    Step(StepId.SCHEDULE, "Planification",
         "Envoyez un rapport « scheduled » avec planned_start et planned_end, ou un rendez-vous (appointment)."),
    Step(StepId.CORRECT_REJECTED, "Rapport rejeté puis corrigé",
         "Envoyez un rapport incomplet (par exemple « in_progress » sans actual_start) : il est rejeté. "
         "Corrigez-le et renvoyez-le avec le même numéro de séquence et un nouvel identifiant de message."),
    Step(StepId.UPLOAD_DOCUMENT, "Dépôt d'un PDF",
         "Joignez un rapport d'intervention PDF à la commande (store_report, ou URL de dépôt signée puis "
         "message fr.passerelle.document.uploaded.v1)."),
    Step(StepId.COMPLETE, "Fin d'intervention",
         "Envoyez un rapport « completed » avec actual_end (séquence suivante). Le gestionnaire du bac à sable "
         "réceptionne alors toutes les lignes : vous recevez fr.passerelle.order.received.v1."),
    Step(StepId.INVOICE, "Facture de la commande réceptionnée",
         "À réception de fr.passerelle.order.received.v1, facturez les lignes réceptionnées (submit_invoice, ou "
         "message fr.passerelle.invoice.submitted.v1), avec un numéro de test : la commande passe à « facturé »."),
    Step(StepId.ANSWER_QUOTE, "Réponse à une demande de devis",
         "Répondez à la demande de devis de bac à sable (submit_quote, ou message "
         "fr.passerelle.quote.submitted.v1). Le gestionnaire du bac à sable l'accepte aussitôt."),
    Step(StepId.ACKNOWLEDGE_QUOTE_ORDER, "Prise en compte de la commande issue du devis accepté",
         "Le devis accepté crée la commande DEV-BAS-… (fr.passerelle.order.issued.v1, puis "
         "fr.passerelle.quote.decided.v1) : prenez-la en compte comme toute nouvelle commande (rapport "
         "« acknowledged », séquence 1)."),
)


class StepInfo(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    step: StepId
    label: str
    instruction: str


class ConformanceRun(Model):
    """What start_conformance answers: the run, its sandbox order and quote request, and the steps to play."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="ConformanceRun")

    run_id: str
    contractor_id: str
    manager_id: str  # the contractor's sandbox space
    order_id: str
    quote_id: str
    started_at: AwareDatetime
    steps: list[StepInfo]

    @classmethod
    def of(cls, run: dict[str, Any]) -> ConformanceRun:
        return cls(steps=[StepInfo(step=s.id, label=s.label, instruction=s.instruction) for s in STEPS],
                   **{k: run[k] for k in ("run_id", "contractor_id", "manager_id", "order_id", "quote_id",
                                          "started_at")})


class StepResult(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    step: StepId
    label: str
    status: StepStatus
    instruction: str
    evidence: list[str]  # the message ids (or document, quote version) that decided it
    errors: list[ErrorDetail]  # the last rejected attempt's errors, when it failed


class ConformanceReport(Model):
    """What check_conformance answers: the run, and a verdict per step."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="ConformanceReport")

    run_id: str
    contractor_id: str
    manager_id: str
    order_id: str
    quote_id: str
    started_at: AwareDatetime
    checked_at: AwareDatetime
    passed: bool
    passed_at: AwareDatetime | None = None
    steps: list[StepResult]


class ConformanceProgress(Model):
    """Where a contractor's latest conformance run stands, kept on its registry record
    (``contractors/<c>.conformance_progress``) when the run starts and at each check_conformance, so that the
    operator's directory can say where a contractor being onboarded is stuck (A10) without judging any run."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="ConformanceProgress")

    run_id: str
    started_at: AwareDatetime
    checked_at: AwareDatetime | None = Field(description="The last check_conformance of the run; null: never "
                                                         "checked since it started.")
    passed: bool
    steps_passed: int
    steps_total: int
    next_step: StepId | None = Field(description="The first step not passed at that check (null once passed).")
    next_step_label: str | None = Field(description="Its French label.")
    next_step_status: StepStatus | None = Field(description="failed (tried and rejected) or pending (not tried).")
    errors: list[ErrorDetail] = Field(description="The errors of that step's last rejected attempt.")

    @classmethod
    def started(cls, run_id: str, started_at: dt.datetime) -> ConformanceProgress:
        """A run just started: nothing judged yet, every step ahead."""
        first = STEPS[0]
        return cls(run_id=run_id, started_at=started_at, checked_at=None, passed=False, steps_passed=0,
                   steps_total=len(STEPS), next_step=first.id, next_step_label=first.label,
                   next_step_status=StepStatus.PENDING, errors=[])

    @classmethod
    def of(cls, report: ConformanceReport) -> ConformanceProgress:
        """A run's report summed up: how many steps passed, the first one that did not, and why."""
        ahead = next((s for s in report.steps if s.status is not StepStatus.PASSED), None)
        return cls(run_id=report.run_id, started_at=report.started_at, checked_at=report.checked_at,
                   passed=report.passed, steps_passed=sum(s.status is StepStatus.PASSED for s in report.steps),
                   steps_total=len(report.steps), next_step=ahead.step if ahead else None,
                   next_step_label=ahead.label if ahead else None, next_step_status=ahead.status if ahead else None,
                   errors=list(ahead.errors) if ahead else [])


@dataclass(frozen=True)
class Attempt:
    """One contractor message about the run's order or quote, from its message log."""

    key: str  # its message-log key (the order's history names accepted reports by it)
    message_id: str  # the contractor's ce-id (or Idempotency-Key over REST)
    type: str
    status: str  # accepted | rejected
    received_at: dt.datetime
    sequence: int | None = None
    order_state: str | None = None  # the order's state when it was answered
    errors: tuple[ErrorDetail, ...] = ()
    order_id: str | None = None  # the order it is about (the run's, or the one its quote's acceptance created)
    requested_state: str | None = None  # an execution report: the state it asked for (None: it asked none)

    @classmethod
    def from_log(cls, key: str, record: dict[str, Any]) -> Attempt:
        answer = record.get("answer") or {}
        ref = answer.get("in_reply_to") or record.get("ref") or {}
        return cls(key=key, message_id=str(ref.get("id", "")),
                   type=str(ref.get("type") or EventType.EXECUTION_REPORTED.value),
                   status=str(answer.get("status") or record.get("status")),
                   received_at=_instant(answer.get("received_at") or record.get("received_at")),
                   sequence=answer.get("sequence"), order_state=answer.get("order_state"),
                   errors=tuple(ErrorDetail(**e) for e in answer.get("errors") or ()),
                   order_id=answer.get("order_id") or record.get("order_id"),
                   requested_state=record.get("requested_state"))

    @classmethod
    def from_rejection(cls, key: str, record: dict[str, Any]) -> Attempt:
        """A REST request refused outright (``store_report`` answering 4xx), as recorded on the run."""
        return cls(key=key, message_id=str(record.get("idempotency_key", "")), type=str(record["type"]),
                   status="rejected", received_at=_instant(record["received_at"]), order_id=record.get("order_id"),
                   errors=tuple(ErrorDetail(**e) for e in record.get("errors") or ()))


def _instant(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


@dataclass(frozen=True)
class Applied:
    """One accepted execution report, from the order's history."""

    sequence: int
    state_after: str
    received_at: dt.datetime
    message_key: str


@dataclass
class Facts:
    """What the platform recorded about a run."""

    attempts: list[Attempt] = field(default_factory=list)  # about the orders or the quote (REST rejections too)
    applied: list[Applied] = field(default_factory=list)  # the order's accepted reports
    documents: list[str] = field(default_factory=list)  # sha256 of the PDFs attached to the order
    quote_versions: list[int] = field(default_factory=list)
    invoices: list[str] = field(default_factory=list)  # numbers of the invoices standing on the order
    quote_order_applied: list[Applied] = field(default_factory=list)  # the accepted quote's order's reports


def evaluate(run: dict[str, Any], facts: Facts, now: dt.datetime) -> ConformanceReport:
    """The verdict of every step of a run (pure: the same facts always give the same report)."""
    order, quote_order = run["order_id"], run["quote_id"]  # an accepted quote's order takes the quote's id
    ids = {a.key: a.message_id for a in facts.attempts}

    def named(applied: list[Applied]) -> list[Applied]:  # by the contractor's own message ids
        return [Applied(a.sequence, a.state_after, a.received_at, ids.get(a.message_key, a.message_key))
                for a in applied]

    reports = sorted((a for a in facts.attempts if a.type == EventType.EXECUTION_REPORTED.value
                      and a.order_id in (None, order)), key=lambda a: a.received_at)
    quote_reports = sorted((a for a in facts.attempts if a.type == EventType.EXECUTION_REPORTED.value
                            and a.order_id == quote_order), key=lambda a: a.received_at)
    facts = Facts(facts.attempts, named(facts.applied), facts.documents, facts.quote_versions, facts.invoices,
                  named(facts.quote_order_applied))
    results = {
        StepId.RECEIVE_ORDER: _received(facts),
        StepId.ACKNOWLEDGE: _reached("acknowledged", "to_acknowledge", reports, facts.applied),
        StepId.SCHEDULE: _reached("scheduled", "acknowledged", reports, facts.applied),
        StepId.CORRECT_REJECTED: _corrected(reports, facts),
        StepId.UPLOAD_DOCUMENT: _verdict(facts.documents, _rejected(facts, EventType.DOCUMENT_UPLOADED, order)),
        StepId.COMPLETE: _reached("completed", "in_progress", reports, facts.applied),
        StepId.INVOICE: _verdict([f"facture {n}" for n in facts.invoices],
                                 _rejected(facts, EventType.INVOICE_SUBMITTED, order)),
        StepId.ANSWER_QUOTE: _verdict([f"version {v}" for v in facts.quote_versions],
                                      _rejected(facts, EventType.QUOTE_SUBMITTED)),
        StepId.ACKNOWLEDGE_QUOTE_ORDER: _reached("acknowledged", "to_acknowledge", quote_reports,
                                                 facts.quote_order_applied, every_rejection=True),
    }
    steps = [StepResult(step=s.id, label=s.label, instruction=s.instruction, status=results[s.id][0],
                        evidence=results[s.id][1], errors=list(results[s.id][2])) for s in STEPS]
    passed = all(r.status is StepStatus.PASSED for r in steps)
    return ConformanceReport(run_id=run["run_id"], contractor_id=run["contractor_id"], manager_id=run["manager_id"],
                             order_id=run["order_id"], quote_id=run["quote_id"], started_at=run["started_at"],
                             checked_at=now, passed=passed, passed_at=run.get("passed_at") or (now if passed else None),
                             steps=steps)


Verdict = tuple[StepStatus, list[str], tuple[ErrorDetail, ...]]


def _verdict(evidence: list[str], rejected: list[Attempt]) -> Verdict:
    if evidence:
        return StepStatus.PASSED, evidence, ()
    if rejected:
        return StepStatus.FAILED, [rejected[-1].message_id], rejected[-1].errors
    return StepStatus.PENDING, [], ()


def _rejected(facts: Facts, kind: EventType, order_id: str | None = None) -> list[Attempt]:
    """The rejected attempts of a kind, oldest first (about ``order_id``, or naming none, when given)."""
    return sorted((a for a in facts.attempts if a.type == kind.value and a.status == "rejected"
                   and (order_id is None or a.order_id in (None, order_id))), key=lambda a: a.received_at)


def _received(facts: Facts) -> Verdict:
    first = sorted(facts.attempts, key=lambda a: a.received_at)
    if first:
        return StepStatus.PASSED, [first[0].message_id], ()
    if facts.applied:
        return StepStatus.PASSED, [facts.applied[0].message_key], ()
    return StepStatus.PENDING, [], ()


def _reached(state: str, from_state: str, reports: list[Attempt], applied: list[Applied], *,
             every_rejection: bool = False) -> Verdict:
    """Passed once an accepted report moved the order to ``state``; failed while the reports that asked
    for ``state`` — or asked no state while the order was in ``from_state`` — were rejected (with
    ``every_rejection``, any rejected report about the order: its order may not even exist yet)."""
    done = [a for a in applied if a.state_after == state]
    if done:
        return StepStatus.PASSED, [done[0].message_key], ()
    tried = [a for a in reports if a.status == "rejected" and (
        every_rejection or a.requested_state == state
        or (a.requested_state is None and a.order_state == from_state))]
    return _verdict([], tried)


def _corrected(reports: list[Attempt], facts: Facts) -> Verdict:
    """Passed when a rejected report's sequence was later accepted (the error loop of A4: corrected,
    same sequence, new id); failed while the last rejection awaits its correction."""
    rejected = [a for a in reports if a.status == "rejected" and a.sequence is not None]
    for attempt in rejected:
        fixes = [a for a in facts.applied if a.sequence == attempt.sequence and a.received_at >= attempt.received_at]
        if fixes:
            return StepStatus.PASSED, [attempt.message_id, fixes[0].message_key], ()
    return _verdict([], rejected)
