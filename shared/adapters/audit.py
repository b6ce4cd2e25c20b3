"""The audit trail in Firestore (B15 traceability): records written with each commit, then sealed
into a hash chain by seal_audit.

  {space}/audit/{record_id}          one record per write (immutable; the unit of work writes them)
  {space}/audit_chain/{seq}          the chain: record digest, previous hash, hash
  {space}/audit_chain/head           last sequence and hash
  audit_pending/{record_id}          records not yet sealed (server only)

``space`` is ``managers/<id>``, ``contractors/<id>``, ``beneficiaries/<id>``, or
``platform/registry`` for what belongs to no tenant (incidents, accounts, export jobs): the owner
reads its own trail, and the reversibility export carries it. No principal may write any of it
(firestore.rules). ``FirestoreAuditTrail`` is the chain's own bookkeeping, outside any unit of work:
it seals with batches under preconditions of its own (the head's update time).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared import context
from shared.domain.audit import GENESIS, AuditLink, AuditRecord, seal, sha256_json, verify, witness_errors

log = logging.getLogger(__name__)


def add_records(db, batch, writes: list[tuple[str, str, str, str | None, Any]], at: dt.datetime) -> None:
    """Append one record per ``(space, action, target path, before digest, after data)`` to ``batch``.

    Transitional: only the older stores use it (legacy_store, the deadline and document stores); the
    unit of work writes its own records (shared/ports/unit_of_work.py)."""
    who = context.actor.get()
    for space, action, target, before, after in writes:
        record = AuditRecord(
            record_id=uuid.uuid4().hex, space=space, who=who.who, role=who.role, tenant=who.tenant, action=action,
            target=target, at=at, before_digest=before, after_digest=sha256_json(after) if after is not None else None,
            correlation_id=context.correlation_id.get(),
        )
        batch.create(db.document(f"{space}/audit/{record.record_id}"), record.model_dump(mode="json"))
        batch.create(db.collection("audit_pending").document(record.record_id), {"space": space, "at": at})


class FirestoreAuditTrail:
    def __init__(self, client):
        self.db = client

    def seal_pending(self, limit: int = 400) -> dict[str, int]:
        """Chain every pending record, oldest first, space by space."""
        pending = list(self.db.collection("audit_pending").order_by("at").limit(limit).stream())
        spaces: dict[str, list[str]] = {}
        for snap in pending:
            spaces.setdefault(snap.get("space"), []).append(snap.id)
        sealed = conflicts = 0
        for space, ids in spaces.items():
            try:
                sealed += self._seal_space(space, ids)
            except (gexc.FailedPrecondition, gexc.AlreadyExists, gexc.Aborted):
                conflicts += 1  # another sealer got there first; the next run picks up the rest
        return {"pending": len(pending), "sealed": sealed, "conflicts": conflicts}

    def _seal_space(self, space: str, ids: list[str]) -> int:
        head_ref = self.db.document(f"{space}/audit_chain/head")
        head = head_ref.get()
        seq, prev = (head.get("seq"), head.get("hash")) if head.exists else (0, GENESIS)
        refs = [self.db.document(f"{space}/audit/{rid}") for rid in ids]
        records = sorted((AuditRecord.model_validate(s.to_dict()) for s in self.db.get_all(refs) if s.exists),
                         key=lambda r: (r.at, r.record_id))
        links = seal(prev, seq + 1, records)
        batch = self.db.batch()
        for new in links:
            batch.create(self.db.document(f"{space}/audit_chain/{new.seq:012d}"), new.model_dump())
        if links:
            state = {"seq": links[-1].seq, "hash": links[-1].hash}
            if head.exists:
                batch.update(head_ref, state, option=self.db.write_option(last_update_time=head.update_time))
            else:
                batch.create(head_ref, state)
        for rid in ids:
            batch.delete(self.db.collection("audit_pending").document(rid))
        batch.commit()
        if links:  # shipped to Cloud Logging: an external witness of each head
            log.info("audit chain sealed", extra={"space": space, "seq": links[-1].seq, "head_hash": links[-1].hash})
        return len(links)

    def verify_space(self, space: str, witnessed: Iterable[tuple[int, str]] = ()) -> list[str]:
        """Every break of ``space``'s chain; with ``witnessed``, the heads the sealer logged for it
        (``(seq, head hash)``), every link that differs from them too (``witness_errors``)."""
        links = [AuditLink.model_validate(s.to_dict()) for s in self.db.collection(f"{space}/audit_chain").stream()
                 if s.id != "head"]
        records = {s.id: AuditRecord.model_validate(s.to_dict()) for s in self.db.collection(f"{space}/audit").stream()}
        pending = {s.id for s in self.db.collection("audit_pending")
                   .where(filter=firestore.FieldFilter("space", "==", space)).stream()}
        problems = verify(links, {rid: r for rid, r in records.items() if rid not in pending})
        head = self.db.document(f"{space}/audit_chain/head").get()
        if links and (not head.exists or head.get("hash") != max(links, key=lambda k: k.seq).hash):
            problems.append("tête de chaîne incohérente")
        return problems + witness_errors(links, witnessed)

    def spaces(self) -> list[str]:
        tenants = [f"{root}/{ref.id}" for root in ("managers", "contractors", "beneficiaries")
                   for ref in self.db.collection(root).list_documents()]
        return tenants + ["platform/registry"]
