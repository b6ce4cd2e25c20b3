"""The audit trail's story (B15 audit trail): two chains sealed and witnessed, checked intact at 03:30; a record of
Rhône Habitat's chain edited behind the platform's back, found by the next week's whole reading. The answers come
from the real check (shared/service/audit_check.py) and read (shared/service/audit_view.py), over chains and a
witness in memory: the in-memory platform keeps no chain of its own."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from devtools.contracts.registry import examples
from devtools.contracts.stories_orders import CONTRACTOR_ID, MANAGER_ID
from shared.domain.audit import GENESIS, AuditLink, AuditRecord, CheckPoint, WitnessedHead, seal, verify, witness_errors
from shared.service.audit_check import check_audit_witness
from shared.service.audit_view import last_check

MANAGER_SPACE, CONTRACTOR_SPACE = f"managers/{MANAGER_ID}", f"contractors/{CONTRACTOR_ID}"
CHECKED = dt.datetime(2026, 3, 9, 2, 30, tzinfo=dt.UTC)  # 03:30 in Paris
LATER = CHECKED + dt.timedelta(days=7, hours=12)  # 15:30 in Paris a week later: that space's whole reading is due


class _Clock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at


def _record(space: str, n: int) -> AuditRecord:
    return AuditRecord(record_id=hashlib.sha256(f"{space}/{n}".encode()).hexdigest()[:32], space=space,
                       who="u-story", role=space.split("/")[0].removesuffix("s"), tenant=space.split("/")[1],
                       action="order.updated", target=f"{space}/orders/BC-2026-00{n}",
                       at=dt.datetime(2026, 3, 2, 9, n, tzinfo=dt.UTC), before_digest=None,
                       after_digest=hashlib.sha256(str(n).encode()).hexdigest(), correlation_id=f"corr-{n}")


class _Chains:
    """The chains of shared/ports/audit.py (``AuditChains``) in memory, and the witness of their heads
    (``AuditWitness``: every head witnessed, so that both know the same spaces)."""

    def __init__(self, sizes: dict[str, int]) -> None:
        self.chains: dict[str, tuple[list[AuditLink], dict[str, AuditRecord]]] = {}
        for space, n in sizes.items():
            records = [_record(space, i) for i in range(1, n + 1)]
            self.chains[space] = (seal(GENESIS, 1, records), {r.record_id: r for r in records})
        self.witnessed = {s: [(k.seq, k.hash) for k in links] for s, (links, _) in self.chains.items()}
        self.points: dict[str, CheckPoint] = {}
        self.run: dict[str, Any] | None = None

    def spaces(self) -> list[str]:
        return sorted(self.chains)

    def chain_page(self, space: str, after_seq: int, limit: int):
        links, records = self.chains[space]
        page = [k for k in links if k.seq > after_seq][:limit]
        return page, {k.record_id: records[k.record_id] for k in page}, len(page) == limit

    def chain_head(self, space: str):
        links, _ = self.chains[space]
        return (links[-1].seq, links[-1].hash) if links else None

    def unsealed_records(self, space: str, after_id: str, limit: int, settled_before=None):
        links, records = self.chains[space]
        page = sorted(r for r in records if r > after_id)[:limit]
        sealed = {k.record_id for k in links}
        return [r for r in page if r not in sealed], page[-1] if page else None, len(page) == limit

    def verify_since(self, point: CheckPoint, witnessed) -> list[str]:
        links, records = self.chains[point.space]
        segment = [k for k in links if k.seq >= point.seq]
        after = (segment[0].seq - 1, segment[0].prev_hash) if segment else (point.seq, point.hash)
        return verify(segment, {k.record_id: records[k.record_id] for k in segment}, after=after) + \
            witness_errors(segment, set(witnessed) | {(point.seq, point.hash)})

    def check_point(self, space: str) -> CheckPoint | None:
        return self.points.get(space)

    def save_check_point(self, point: CheckPoint) -> None:
        self.points[point.space] = point

    def save_check_run(self, run: dict[str, Any]) -> None:
        self.run = run

    def last_check_run(self) -> dict[str, Any] | None:
        return self.run

    # as the witness
    def heads(self, space: str, from_seq: int = 0, to_seq: int | None = None) -> list[WitnessedHead]:
        return [WitnessedHead(space=space, seq=s, hash=h, sealed_at=CHECKED) for s, h in self.witnessed.get(space, [])
                if s >= from_seq and (to_seq is None or s <= to_seq)]


class AuditStory:
    def __init__(self) -> None:
        chains = _Chains({MANAGER_SPACE: 4, CONTRACTOR_SPACE: 2})
        witness = chains
        self.never_run = last_check(chains)
        check_audit_witness(chains, witness, _Clock(CHECKED), timer=_Ticks())
        self.intact = last_check(chains)
        links, records = chains.chains[MANAGER_SPACE]
        edited = links[1].record_id
        chains.chains[MANAGER_SPACE] = (links, {**records, edited: records[edited].model_copy(
            update={"who": "u-someone-else"})})
        # the story's own alteration: the check's alert line would read as a real broken chain in the generator's output
        quiet = logging.getLogger("shared.service.audit_check")
        was, quiet.disabled = quiet.disabled, True
        try:
            check_audit_witness(chains, witness, _Clock(LATER), timer=_Ticks())
        finally:
            quiet.disabled = was
        self.altered = last_check(chains)


class _Ticks:
    """A run's monotonic clock: 0.2 s a reading, so that the figures do not depend on the machine."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.2
        return self.now


@examples
def audit_examples(stories: Any) -> dict[str, list[Any]]:
    story = stories.audit
    return {"AuditCheckView": [v.model_dump(mode="json") for v in (story.intact, story.altered, story.never_run)]}
