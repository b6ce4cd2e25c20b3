"""Routes a contractor's message from its topic by CloudEvents type (A3 a, A2 exchange perimeter).

One topic per contractor (``execution-<contractor>``) carries every contractor-to-platform
type; each goes to the very service its REST function calls, so both channels give the same
result:

- ``fr.passerelle.execution.reported.v1`` → ``record_execution``;
- ``fr.passerelle.quote.submitted.v1`` → ``quotes.submit_quote`` (as ``submit_quote``);
- ``fr.passerelle.quote.raised.v1`` → ``quote_origins.raise_quote`` (as ``raise_quote``);
- ``fr.passerelle.document.uploaded.v1`` → ``documents.register_upload`` (as ``store_report``
  with an ``upload_id``);
- ``fr.passerelle.invoice.submitted.v1`` → ``invoices.submit`` (as ``submit_invoice``), in the
  reply's commit like a quote.

The contractor comes from the topic, never from the payload. Every message is answered once
on ``replies-<contractor>`` through the outbox (``executions.answer_once``: its message-log
record is its idempotency record, shared/service/idempotency.py).

A quote submission (or a raised quote) is answered in its reply's commit, like an execution report: the new version,
D3 stopped, the message-log record and the reply are one atomic commit (``quotes.submit`` buffers
in the reply's unit of work). A delivery that dies before that commit leaves nothing, and its
redelivery runs it again; one that dies after it leaves the record, and its redelivery gets the
first reply (published again if it was still pending); two deliveries racing meet on the record's
create precondition, and the loser finds the winner's answer. The document service writes files
outside that commit, so its messages take the record under a lease first: a concurrent delivery
finds it in progress and Pub/Sub redelivers it later; a holder that crashed is taken over when the
lease ends.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.messages import EventType, Reply, ReplyStatus
from shared.domain.validation import parse_json
from shared.ports import Clock, DocumentFiles, InboundMessage, UnitOfWork
from shared.service import executions
from shared.service.executions import answer_once, record_execution

if TYPE_CHECKING:
    from shared.domain.documents import RegisterUpload
    from shared.domain.invoices import SubmitInvoice
    from shared.domain.quotes import RaiseQuote, SubmitQuote

# Execution reports are the bus's main traffic and load with this module. The services of the other
# types (quotes, invoices, documents) and their commands load with the first message of their type
# in the instance: a contractor's topic that carries none of them never pays for them at cold start
# (docs/performance.md, "Cold start"). The REST functions of those types import their service themselves.

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    """What the routed services need (built from shared.bootstrap by the handler)."""

    uow: UnitOfWork
    clock: Clock
    document_files: DocumentFiles | None = None  # documents (the bytes in Cloud Storage)


def route(msg: InboundMessage, services: Services) -> Reply:
    """Answer one contractor message, whatever its type (unknown types are rejected by
    ``record_execution`` with the envelope's UNKNOWN_EVENT_TYPE error, as before). A validate-only
    message (``ce-validateonly: true``) is checked by the same code and answered on the reply topic
    with what its reply would be; nothing else changes."""
    if msg.validate_only:
        return _validate(msg, services)
    if msg.type == EventType.QUOTE_SUBMITTED.value:
        from shared.domain.quotes import SubmitQuote
        return _answer(msg, services, SubmitQuote, lambda cmd: _submit_quote(msg, cmd, services), lease=False)
    if msg.type == EventType.QUOTE_RAISED.value:
        from shared.domain.quotes import RaiseQuote
        return _answer(msg, services, RaiseQuote, lambda cmd: _raise_quote(msg, cmd, services), lease=False)
    if msg.type == EventType.INVOICE_SUBMITTED.value:
        from shared.domain.invoices import SubmitInvoice
        return _answer(msg, services, SubmitInvoice, lambda cmd: _submit_invoice(msg, cmd, services), lease=False)
    if msg.type == EventType.DOCUMENT_UPLOADED.value:
        from shared.domain.documents import RegisterUpload
        return _answer(msg, services, RegisterUpload,
                       lambda cmd: _register_upload(msg.contractor_id, cmd, services), lease=True)
    return record_execution(msg, services.uow, services.clock)


def _validate(msg: InboundMessage, s: Services) -> Reply:
    if msg.type == EventType.QUOTE_SUBMITTED.value:
        from shared.domain.quotes import SubmitQuote
        decide = _decider(msg, SubmitQuote, lambda cmd: _submit_quote(msg, cmd, s))
        reply = executions.validate_only(s.uow, decide)
    elif msg.type == EventType.DOCUMENT_UPLOADED.value:
        from shared.domain.documents import RegisterUpload
        decide = _decider(msg, RegisterUpload, lambda cmd: _check_upload(msg.contractor_id, cmd, s))
        reply = executions.validate_only(s.uow, decide)
    else:
        reply = executions.validate_execution(msg, s.uow, s.clock)
    executions.publish_validation(msg, reply, s.uow, s.clock)
    return reply


def _check_upload(contractor_id: str, cmd: RegisterUpload, s: Services) -> dict[str, Any]:
    from shared.service import documents
    # validate-only: the staged file is read and checked, never copied, registered nor deleted
    sha256 = documents.check_upload(contractor_id, cmd, s.uow, s.document_files, s.clock)
    return {"order_id": cmd.order_id, "document_sha256": sha256}


def _submit_quote(msg: InboundMessage, cmd: SubmitQuote, s: Services) -> dict[str, Any]:
    from shared.service import quote_store, quotes
    try:  # buffered in the reply's unit of work; the message key names the version it creates
        quote = quotes.submit(msg.contractor_id, cmd, s.uow, s.clock, submission_id=msg.key)
    except quote_store.QuoteNotFound:
        raise DomainError([ErrorDetail.of("$.quote_id", "QUOTE_NOT_FOUND", quote_id=cmd.quote_id)]) from None
    return {"quote_id": quote.quote_id, "quote_version": quote.version_of(msg.key).version,
            "order_id": quote.order_id}


def _raise_quote(msg: InboundMessage, cmd: RaiseQuote, s: Services) -> dict[str, Any]:
    from shared.service import quote_origins
    # buffered in the reply's unit of work; the message key names its first version
    quote, _ = quote_origins.raise_(msg.contractor_id, cmd, s.uow, s.clock, submission_id=msg.key)
    first = quote.version_of(msg.key) or quote.versions[0]
    return {"quote_id": quote.quote_id, "quote_version": first.version, "order_id": quote.order_id}


def _submit_invoice(msg: InboundMessage, cmd: SubmitInvoice, s: Services) -> dict[str, Any]:
    from shared.service import invoices
    invoice, order = invoices.submit(msg.contractor_id, cmd, s.uow, s.clock, channel=msg.channel,
                                     received_at=msg.received_at, message_key=msg.key)
    return {"order_id": order.order_id, "order_state": order.state, "invoice_number": invoice.invoice_number}


def _register_upload(contractor_id: str, cmd: RegisterUpload, s: Services) -> dict[str, Any]:
    from shared.service import documents
    # its own unit of work: it commits on its own, inside the reply's attempt (the message is under a lease)
    attached = documents.register_upload(contractor_id, cmd, s.uow.fork(), s.document_files, s.clock,
                                         f"pubsub:{contractor_id}")
    return {"order_id": cmd.order_id, "document_sha256": attached.record.sha256}


def _answer(msg: InboundMessage, s: Services, model: type, run: Callable[[Any], dict[str, Any]], *,
            lease: bool) -> Reply:
    """Parse, run, answer once. ``run`` raises its refusals before it buffers anything, so that a
    rejection commits only the reply and its record."""
    return answer_once(msg, s.uow, s.clock, _decider(msg, model, run), lease=lease)


def _decider(msg: InboundMessage, model: type, run: Callable[[Any], dict[str, Any]]) -> Callable[[], Reply]:
    """Parse the message as ``model``, run it, and say what the reply is (accepted, or every error)."""
    def decide() -> Reply:
        command, errors = (None, list(msg.envelope_errors)) if msg.envelope_errors else parse_json(model, msg.data)
        ids: dict[str, Any] = {}
        if command is not None:
            try:
                ids = run(command)
            except DomainError as exc:
                errors = list(exc.errors)
        if errors:
            ids = _identifiers(msg.data)
        return Reply(status=ReplyStatus.REJECTED if errors else ReplyStatus.ACCEPTED, in_reply_to=msg.ref,
                     received_at=msg.received_at, manager_id=getattr(command, "manager_id", None)
                     or _identifiers(msg.data).get("manager_id"), errors=errors,
                     **{k: v for k, v in ids.items() if k != "manager_id"})

    return decide


def _identifiers(raw: bytes) -> dict[str, Any]:
    """Ids read even from a rejected message, so that its reply can be correlated."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        data = None
    data = data if isinstance(data, dict) else {}
    return {name: value for name in ("manager_id", "order_id", "quote_id", "invoice_number")
            if isinstance(value := data.get(name), str) and len(value) <= 64}
