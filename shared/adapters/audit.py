"""The audit trail in Firestore (B15 traceability): records written with each commit, then sealed
into a hash chain by seal_audit.

  {space}/audit/{record_id}          one record per write (immutable; the unit of work writes them)
  {space}/audit_chain/{seq}          the chain: record digest, previous hash, hash
  {space}/audit_chain/head           last sequence and hash
  audit_pending/{record_id}          records not yet sealed (server only)
  audit_witness_pending/{key}        sealed heads not yet written to the witness bucket (server only)
  audit_checks/{space key}           where the scheduled check of a space stands (``CheckPoint``)
  audit_checks/last-run              the last scheduled check's summary, for the operator

``space`` is ``managers/<id>``, ``contractors/<id>``, ``beneficiaries/<id>``, or
``platform/registry`` for what belongs to no tenant (incidents, accounts, export jobs): the owner
reads its own trail, and the reversibility export carries it. No principal may write any of it
(firestore.rules). ``FirestoreAuditTrail`` is the chain's own bookkeeping, outside any unit of work:
it seals with batches under preconditions of its own (the head's update time).

With a witness (shared/adapters/audit_witness.py), each head the sealer commits is also written once
into the witness bucket: the head goes into ``audit_witness_pending`` in the sealing batch itself (an
outbox), and the same run writes it to the bucket and deletes it; a run that failed in between leaves
it pending, and the next run writes it.
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
from shared.domain.audit import (
    GENESIS, AuditLink, AuditRecord, CheckPoint, WitnessedHead, seal, sha256_json, verify, witness_errors,
)

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


def space_key(space: str) -> str:
    """A space as one document id (``managers/m1`` → ``managers:m1``)."""
    return space.replace("/", ":")


class FirestoreAuditTrail:
    def __init__(self, client, witness=None):
        self.db = client
        self.witness = witness  # an AuditWitness (shared/ports/audit.py), or None: heads are only logged

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
        result = {"pending": len(pending), "sealed": sealed, "conflicts": conflicts}
        if self.witness is not None:
            result["witnessed"] = self.witness_pending()
        return result

    def witness_pending(self) -> int:
        """Write every head waiting in ``audit_witness_pending`` to the witness, once; answer how many
        were created. A head already there with the same hash (a retry) is left as it is; one there with
        another hash is logged as a mismatch (the witness keeps the first)."""
        created = 0
        for snap in self.db.collection("audit_witness_pending").order_by("seq").stream():
            head = WitnessedHead.model_validate(snap.to_dict())
            outcome = self.witness.record(head)
            if outcome == "conflict":
                log.error("audit witness mismatch", extra={"audit_check": "broken", "space": head.space,
                                                           "seq": head.seq, "head_hash": head.hash,
                                                           "problems": [f"maillon {head.seq} : empreinte différente "
                                                                        "de celle consignée au scellement"]})
            created += outcome == "created"
            snap.reference.delete()
        return created

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
            if self.witness is not None:
                witnessed = WitnessedHead(space=space, seq=links[-1].seq, hash=links[-1].hash,
                                          sealed_at=dt.datetime.now(dt.UTC))
                batch.create(self.db.document(f"audit_witness_pending/{space_key(space)}:{witnessed.seq:012d}"),
                             witnessed.model_dump())
        for rid in ids:
            batch.delete(self.db.collection("audit_pending").document(rid))
        batch.commit()
        if links:  # shipped to Cloud Logging: an external witness of each head
            log.info("audit chain sealed", extra={"space": space, "seq": links[-1].seq, "head_hash": links[-1].hash})
        return len(links)

    def chain_page(self, space: str, after_seq: int, limit: int
                   ) -> tuple[list[AuditLink], dict[str, AuditRecord], bool]:
        """Up to ``limit`` links after ``after_seq``, in order, their records (one ``get_all``; a deleted one
        is absent), and whether more may follow. The head document, which has a ``seq`` too, takes a place
        in the page and is left out of it."""
        chain = self.db.collection(f"{space}/audit_chain")
        snaps = list(chain.where(filter=firestore.FieldFilter("seq", ">", after_seq)).order_by("seq")
                     .limit(limit).stream())
        links = [AuditLink.model_validate(s.to_dict()) for s in snaps if s.id != "head"]
        refs = [self.db.document(f"{space}/audit/{k.record_id}") for k in links]
        records = {s.id: AuditRecord.model_validate(s.to_dict()) for s in self.db.get_all(refs) if s.exists} \
            if refs else {}
        return links, records, len(snaps) == limit

    def chain_head(self, space: str) -> tuple[int, str] | None:
        head = self.db.document(f"{space}/audit_chain/head").get()
        return (head.get("seq"), head.get("hash")) if head.exists else None

    def unsealed_records(self, space: str, after_id: str, limit: int, settled_before: dt.datetime | None = None
                         ) -> tuple[list[str], str | None, bool]:
        """Of the ``limit`` records of ``space`` after ``after_id`` in the order of their ids, those no link
        seals; with the last id read, and whether more may follow.

        The links of the page are one range query on ``record_id``. A record without one may be pending
        (the sealer chains it soon): the pending ones are read next, then the links of those that are not
        asked for again — a record and its pending entry are created in one batch, and the sealer deletes
        the entry in the batch that creates the link, so a record neither pending nor linked after that is
        out of the chain. With ``settled_before``, a record written from then on is left to the next
        check, as a margin for writes that do not follow that order."""
        records = self.db.collection(f"{space}/audit")
        query = records.order_by("__name__").select(["at"]).limit(limit)
        if after_id:
            query = query.where(filter=firestore.FieldFilter("__name__", ">", records.document(after_id)))
        page = list(query.stream())
        if not page:
            return [], None, False
        chain = self.db.collection(f"{space}/audit_chain")
        in_range = (chain.where(filter=firestore.FieldFilter("record_id", ">=", page[0].id))
                    .where(filter=firestore.FieldFilter("record_id", "<=", page[-1].id)).select(["record_id"]))
        linked = {s.get("record_id") for s in in_range.stream()}
        candidates = [s for s in page if s.id not in linked]
        if candidates:
            pending_refs = [self.db.collection("audit_pending").document(s.id) for s in candidates]
            pending = {s.id for s in self.db.get_all(pending_refs) if s.exists}
            candidates = [s for s in candidates if s.id not in pending]
        unsealed = {s.id for s in candidates}
        ids = sorted(unsealed)
        for start in range(0, len(ids), 30):  # "in" takes 30 values
            again = chain.where(filter=firestore.FieldFilter("record_id", "in", ids[start:start + 30]))
            unsealed -= {s.get("record_id") for s in again.select(["record_id"]).stream()}
        if settled_before is not None:
            unsealed = {s.id for s in candidates if s.id in unsealed
                        and dt.datetime.fromisoformat(s.get("at")) < settled_before}
        return sorted(unsealed), page[-1].id, len(page) == limit

    def verify_since(self, point: CheckPoint, witnessed: Iterable[tuple[int, str]]) -> list[str]:
        """The links from the check point on, their records, and the witnessed heads among them: what was
        sealed since the last check, anchored to a link whose hash the witness holds (a rewrite of
        anything before it changes that hash). Records out of the chain are left to the whole check."""
        chain = self.db.collection(f"{point.space}/audit_chain")
        links = sorted((AuditLink.model_validate(s.to_dict())
                        for s in chain.where(filter=firestore.FieldFilter("seq", ">=", max(point.seq, 1))).stream()
                        if s.id != "head"), key=lambda k: k.seq)
        refs = [self.db.document(f"{point.space}/audit/{k.record_id}") for k in links]
        records = {s.id: AuditRecord.model_validate(s.to_dict()) for s in self.db.get_all(refs) if s.exists}
        after = (links[0].seq - 1, links[0].prev_hash) if links else (point.seq, point.hash)
        problems = verify(links, records, after=after)
        anchor = {(point.seq, point.hash)} if point.seq else set()
        return problems + self._head_errors(point.space, links) + witness_errors(links, set(witnessed) | anchor)

    def _head_errors(self, space: str, links: list[AuditLink]) -> list[str]:  # the incremental reading
        head = self.db.document(f"{space}/audit_chain/head").get()
        if links and (not head.exists or head.get("hash") != max(links, key=lambda k: k.seq).hash):
            return ["tête de chaîne incohérente"]
        return []

    def check_point(self, space: str) -> CheckPoint | None:
        snap = self.db.document(f"audit_checks/{space_key(space)}").get()
        return CheckPoint.model_validate(snap.to_dict()) if snap.exists else None

    def save_check_point(self, point: CheckPoint) -> None:
        self.db.document(f"audit_checks/{space_key(point.space)}").set(point.model_dump())

    def save_check_run(self, run: dict[str, Any]) -> None:
        self.db.document("audit_checks/last-run").set(run)

    def last_check_run(self) -> dict[str, Any] | None:
        snap = self.db.document("audit_checks/last-run").get()
        return snap.to_dict() if snap.exists else None

    def spaces(self) -> list[str]:
        tenants = [f"{root}/{ref.id}" for root in ("managers", "contractors", "beneficiaries")
                   for ref in self.db.collection(root).list_documents()]
        return tenants + ["platform/registry"]
