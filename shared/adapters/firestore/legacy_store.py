"""Store and IdempotencyStore over Firestore (production and the emulator alike).

Layout (see docs/data-model.md):
  managers/{manager}/orders/{order}                 the order, in its manager's private space
  managers/{manager}/orders/{order}/events/{event}  its history (execution reports, decisions)
  contractors/{contractor}                          registry: name, managers served
  contractors/{contractor}/messages/{key}           inbox: every message received, its reply, its delay
  outbox/{id}                                       CloudEvents waiting to be published
  idempotency/{key}                                 HTTP Idempotency-Key records (TTL on expires_at)

Concurrency is optimistic: a write carries ``last_update_time`` of the snapshot it was
decided on and every write of a command goes in one atomic batch. (Server transactions
time out under contention on the emulator; preconditions behave the same in production.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore import FieldFilter

from shared.adapters import audit
from shared.domain.audit import sha256_json as audit_digest
from shared.domain.messages import EventType, MessageRef, Reply
from shared.domain.orders import Order
from shared.ports import (
    AlreadyRecorded, Changes, ConcurrencyConflict, Contractor, IdempotencyOutcome, InboxRecord, OutboxMessage,
    StoredResponse, Versioned,
)

# An in-progress idempotency record older than this is taken over (its owner died).
IN_PROGRESS_LEASE = dt.timedelta(seconds=60)
IDEMPOTENCY_RETENTION = dt.timedelta(hours=24)
# Server time of the order's last write, stored beside it (not part of Order): lists sort on it.
UPDATED_AT = "updated_at"


class FirestoreStore:
    def __init__(self, client: firestore.Client):
        self.db = client
        self._read_digests: dict[tuple[str, Any], str] = {}

    # --- references -----------------------------------------------------------------------
    def _order_ref(self, manager_id: str, order_id: str):
        return self.db.collection("managers").document(manager_id).collection("orders").document(order_id)

    def _inbox_ref(self, contractor_id: str, key: str):
        return self.db.collection("contractors").document(contractor_id).collection("messages").document(key)

    # --- reads ------------------------------------------------------------------------------
    def get_order(self, manager_id: str, order_id: str) -> Versioned[Order] | None:
        snap = self._order_ref(manager_id, order_id).get()
        if not snap.exists:
            return None
        data = snap.to_dict()
        data.pop(UPDATED_AT, None)  # kept out of the audit digest, as it is out of _order_doc
        self._remember(snap.reference.path, snap.update_time, data)
        data.pop("total_cents", None)
        return Versioned(Order.model_validate(data, strict=False), snap.update_time)

    def _remember(self, path: str, version: Any, data: dict[str, Any]) -> None:
        """Digest of what was read, so the audit record of the next write carries its 'before'."""
        if len(self._read_digests) > 10_000:
            self._read_digests.clear()
        self._read_digests[(path, version)] = audit_digest(data)

    def get_contractor(self, contractor_id: str) -> Contractor | None:
        snap = self.db.collection("contractors").document(contractor_id).get()
        if not snap.exists:
            return None
        data = snap.to_dict()
        return Contractor(contractor_id, data.get("name", contractor_id), tuple(data.get("managers", ())))

    def get_contract(self, manager_id: str, contract_id: str) -> dict[str, Any] | None:
        snap = self.db.collection("managers").document(manager_id).collection("contracts").document(contract_id).get()
        return snap.to_dict() if snap.exists else None

    def manager_territory(self, manager_id: str) -> str | None:
        """B18: ``managers/<m>.territory`` when set, else the territory of the manager's latest
        account request (identity stores one per request), else None."""
        snap = self.db.collection("managers").document(manager_id).get()
        if snap.exists and (snap.to_dict() or {}).get("territory"):
            return snap.to_dict()["territory"]
        requests = [s.to_dict() for s in self.db.collection("account_requests")
                    .where(filter=FieldFilter("tenant", "==", manager_id)).limit(50).stream()]
        requests = [r for r in requests if r.get("role") == "manager" and r.get("territory")]
        return max(requests, key=lambda r: str(r.get("requested_at")))["territory"] if requests else None

    def list_catalogue(self, manager_id: str, contract_id: str) -> list[dict[str, Any]]:
        versions = self.db.collection(f"managers/{manager_id}/contracts/{contract_id}/catalogue")
        return [snap.to_dict() for snap in versions.stream()]

    def property_node(self, manager_id: str, node_id: str) -> tuple[bool, bool]:
        """(the manager has imported a property tree, this node is in it) — A7."""
        manager = self.db.collection("managers").document(manager_id)
        tree, node = self.db.get_all([manager.collection("property_tree").document("current"),
                                      manager.collection("property_nodes").document(node_id)])
        found = {snap.reference.parent.id: snap.exists for snap in (tree, node)}
        return found["property_tree"], found["property_nodes"]

    def get_inbox(self, contractor_id: str, key: str) -> InboxRecord | None:
        snap = self._inbox_ref(contractor_id, key).get()
        if not snap.exists:
            return None
        data = snap.to_dict()
        return InboxRecord(
            key=key, contractor_id=contractor_id, ref=MessageRef.model_validate(data["ref"]),
            reply=Reply.model_validate(data["reply"]), outbox_id=data["outbox_id"], digest=data["digest"],
        )

    def list_events(self, manager_id: str, order_id: str) -> list[dict[str, Any]]:
        events = self._order_ref(manager_id, order_id).collection("events").order_by("received_at").stream()
        return [{"event_id": snap.id, **snap.to_dict()} for snap in events]

    # --- writes -----------------------------------------------------------------------------
    def commit(self, changes: Changes) -> None:
        batch = self.db.batch()
        order = changes.order
        if order is not None:
            ref = self._order_ref(order.manager_id, order.order_id)
            data = {**_order_doc(order), UPDATED_AT: firestore.SERVER_TIMESTAMP}  # list_orders' activity order
            if changes.order_version is None:
                batch.create(ref, data)
            else:
                batch.update(ref, data, option=self.db.write_option(last_update_time=changes.order_version))
            for event in changes.events:
                batch.create(ref.collection("events").document(event.event_id), event.data)
        if changes.inbox is not None:
            inbox = changes.inbox
            batch.create(self._inbox_ref(inbox.contractor_id, inbox.key), {
                "ref": inbox.ref.model_dump(mode="json"),
                "reply": inbox.reply.model_dump(mode="json"),
                "status": inbox.reply.status.value,
                "manager_id": inbox.reply.manager_id,
                "order_id": inbox.reply.order_id,
                "delay_seconds": inbox.reply.delay_seconds,
                "late": inbox.reply.late,
                "received_at": inbox.reply.received_at,
                "outbox_id": inbox.outbox_id,
                "digest": inbox.digest,
            })
        for message in changes.outbox:
            batch.create(self.db.collection("outbox").document(message.id), _outbox_doc(message))
        if changes.deadlines or changes.penalties:
            from shared.adapters import deadlines

            deadlines.add_writes(self.db, batch, changes)
        audit.add_records(self.db, batch, self._audit_writes(changes), dt.datetime.now(dt.UTC))
        try:
            batch.commit()
        except gexc.AlreadyExists as exc:
            if changes.inbox is not None and self._inbox_ref(changes.inbox.contractor_id, changes.inbox.key).get().exists:
                raise AlreadyRecorded(changes.inbox.key) from exc
            raise ConcurrencyConflict(str(exc)) from exc
        except (gexc.FailedPrecondition, gexc.Aborted, gexc.Conflict) as exc:
            raise ConcurrencyConflict(str(exc)) from exc
        except gexc.NotFound as exc:  # updated a document deleted meanwhile
            raise ConcurrencyConflict(str(exc)) from exc

    def _audit_writes(self, changes: Changes) -> list[tuple[str, str, str, str | None, Any]]:
        writes: list[tuple[str, str, str, str | None, Any]] = []
        order = changes.order
        if order is not None:
            space = f"managers/{order.manager_id}"
            path = self._order_ref(order.manager_id, order.order_id).path
            created = changes.order_version is None
            before = None if created else self._read_digests.get((path, changes.order_version))
            writes.append((space, "order.created" if created else "order.updated", path, before, _order_doc(order)))
            writes += [(space, "order.event_recorded", f"{path}/events/{e.event_id}", None, e.data)
                       for e in changes.events]
        if changes.inbox is not None:
            inbox = changes.inbox
            writes.append((f"contractors/{inbox.contractor_id}", "message.answered",
                           self._inbox_ref(inbox.contractor_id, inbox.key).path, None,
                           inbox.reply.model_dump(mode="json")))
        for write in changes.deadlines:
            d = write.deadline
            writes.append((f"managers/{d.tenant_id}", "deadline.started" if write.version is None else "deadline.updated",
                           f"managers/{d.tenant_id}/deadlines/{d.deadline_id}", None, d.model_dump(mode="json")))
        for entry in changes.penalties:
            writes.append((f"managers/{entry.tenant_id}", "penalty.accrued",
                           f"managers/{entry.tenant_id}/penalties/{entry.entry_id}", None, entry.model_dump(mode="json")))
        return writes

    # --- outbox -----------------------------------------------------------------------------
    def pending_outbox(self, limit: int, ids: list[str] | None = None) -> list[OutboxMessage]:
        if ids is not None:
            snaps = [s for s in self.db.get_all([self.db.collection("outbox").document(i) for i in ids]) if s.exists]
            snaps = [s for s in snaps if s.get("status") == "pending"]
        else:
            query = (self.db.collection("outbox").where(filter=firestore.FieldFilter("status", "==", "pending"))
                     .order_by("created_at").limit(limit))
            snaps = list(query.stream())
        return [_outbox_message(s.id, s.to_dict()) for s in snaps]

    def mark_sent(self, message_id: str, at: dt.datetime) -> None:
        self.db.collection("outbox").document(message_id).update({"status": "sent", "sent_at": at})

    def deadlines_of_order(self, manager_id: str, order_id: str) -> list[Versioned[Any]]:
        from shared.adapters import deadlines

        return deadlines.deadlines_of_order(self.db, manager_id, order_id)


class FirestoreIdempotencyStore:
    """Powertools-style records: created in progress with a conditional create, then completed."""

    def __init__(self, client: firestore.Client, collection: str = "idempotency"):
        self.db = client
        self.collection = collection

    def begin(self, key: str, request_hash: str, now: dt.datetime) -> IdempotencyOutcome:
        ref = self.db.collection(self.collection).document(key)
        fresh = {"state": "in_progress", "request_hash": request_hash, "locked_until": now + IN_PROGRESS_LEASE,
                 "expires_at": now + IDEMPOTENCY_RETENTION, "created_at": now}
        try:
            ref.create(fresh)
            return IdempotencyOutcome("new")
        except gexc.AlreadyExists:
            pass
        snap = ref.get()
        if not snap.exists:
            return self.begin(key, request_hash, now)
        data = snap.to_dict()
        expired = data["expires_at"] <= now
        stale = data["state"] == "in_progress" and data["locked_until"] <= now
        if expired or stale:
            try:
                ref.update(fresh, option=self.db.write_option(last_update_time=snap.update_time))
                return IdempotencyOutcome("new")
            except (gexc.FailedPrecondition, gexc.NotFound):
                return self.begin(key, request_hash, now)
        if data["request_hash"] != request_hash:
            return IdempotencyOutcome("mismatch")
        if data["state"] == "in_progress":
            return IdempotencyOutcome("in_progress")
        response = data["response"]
        return IdempotencyOutcome("replay", StoredResponse(response["status"], response["body"], response.get("headers", {})))

    def complete(self, key: str, response: StoredResponse, now: dt.datetime) -> None:
        self.db.collection(self.collection).document(key).update({
            "state": "completed", "completed_at": now,
            "response": {"status": response.status, "body": response.body, "headers": response.headers},
        })

    def abandon(self, key: str) -> None:
        self.db.collection(self.collection).document(key).delete()


def _order_doc(order: Order) -> dict[str, Any]:
    data = order.model_dump(mode="json")
    data["total_cents"] = order.total_cents
    return data


def _outbox_doc(message: OutboxMessage) -> dict[str, Any]:
    return {
        "topic": message.topic, "event_type": message.event_type.value, "source": message.source,
        "subject": message.subject, "data": message.data, "ordering_key": message.ordering_key,
        "created_at": message.created_at, "status": "pending",
    }


def _outbox_message(message_id: str, data: dict[str, Any]) -> OutboxMessage:
    return OutboxMessage(
        id=message_id, topic=data["topic"], event_type=EventType(data["event_type"]), source=data["source"],
        data=data["data"], created_at=data["created_at"], ordering_key=data.get("ordering_key"),
        subject=data.get("subject"),
    )
