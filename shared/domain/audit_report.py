"""What the operator reads of the audit trail's scheduled check (B15 audit trail): whether every chain was
intact at the last check, when it ran, what it read, and for a chain found altered which links and records
the check names and since when it has been found so.

The check (shared/service/audit_check.py) keeps one summary, ``audit_checks/last-run``, overwritten by every
run: a retried run writes the same document again. A broken chain keeps its check point and is reported again
at every run until repaired, so "since when" is carried from one summary to the next (``broken_since``) rather
than kept in a history of its own: the first run that found the chain broken, for as long as every run since
has found it broken.

The problems are the French sentences of shared/domain/audit.py (``verify``, ``witness_errors``…), which name
the link (« maillon 7 ») and, when it is known, the record (« enregistrement 3f2a… »): ``named_links`` and
``named_records`` read them back from those sentences, written in this same package.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import ConfigDict, Field

from shared.domain.base import Model
from shared.domain.errors import ErrorDetail

_LINK = re.compile(r"\bmaillon (\d+)")
_RECORD = re.compile(r"\benregistrement ([A-Za-z0-9_-]+)")

SpaceKind = Literal["manager", "contractor", "beneficiary", "platform", "other"]
_KINDS: dict[str, SpaceKind] = {"managers": "manager", "contractors": "contractor", "beneficiaries": "beneficiary",
                                "platform": "platform"}


def named_links(problems: Iterable[str]) -> list[int]:
    """The links (positions in the chain) the problems name, in order, once each."""
    return sorted({int(m) for p in problems for m in _LINK.findall(p)})


def named_records(problems: Iterable[str]) -> list[str]:
    """The audit records the problems name (edited, deleted, out of the chain), once each, in their order."""
    return list(dict.fromkeys(m for p in problems for m in _RECORD.findall(p)))


def broken_since(previous: Mapping[str, Any] | None, space: str, now: dt.datetime) -> dt.datetime:
    """When ``space`` was first found broken: the previous summary's date for it if that run found it broken
    too (a retried run finds its own first attempt), else ``now``."""
    previous = previous or {}
    for entry in previous.get("broken") or []:
        if entry.get("space") == space:
            return entry.get("since") or previous.get("checked_at") or now  # a summary kept before ``since`` was
    return now


def space_kind(space: str) -> tuple[SpaceKind, str]:
    """``managers/mgr-1`` → ("manager", "mgr-1"); ``platform/registry`` → ("platform", "registry")."""
    root, _, rest = space.partition("/")
    return _KINDS.get(root, "other"), rest or root


class ChainVerdict(Model):
    """One chain (the audit trail of one space) as the last check found it."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="AuditChainVerdict")

    space: str = Field(description="The space whose chain it is: managers/<id>, contractors/<id>, "
                                   "beneficiaries/<id> or platform/registry.")
    kind: SpaceKind = Field(description="What the space belongs to (platform: what belongs to no tenant).")
    party_id: str = Field(description="The id of the party of the space (registry for the platform's).")
    verdict: Literal["intact", "altered", "not_checked"] = Field(
        description="altered: the check found an edit, a deletion or a gap; not_checked: left for the next run "
                    "(its whole reading did not fit in the run's time).")
    mode: Literal["full", "incremental"] | None = Field(
        default=None, description="Altered: whether the whole chain or only what was sealed since its check point "
                                  "was read when the alteration was found.")
    altered_since: dt.datetime | None = Field(
        default=None, description="Altered: the first check that found the chain altered, every check since having "
                                  "found it altered too.")
    links: list[int] = Field(default_factory=list, description="Altered: the links (positions in the chain) named.")
    records: list[str] = Field(default_factory=list, description="Altered: the audit records named (edited, deleted, "
                                                                 "out of the chain).")
    problems: list[str] = Field(default_factory=list, description="Altered: what the check found, in French (the "
                                                                  "first 20).")
    problem_count: int = Field(default=0, ge=0, description="Altered: how many problems were found in all.")


class AuditCheckView(Model):
    """What get_audit_check answers: the last scheduled check of every audit chain (B15 audit trail).
    ``status`` "never_run" before the first check (every other field empty)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="AuditCheckView")

    status: Literal["never_run", "intact", "altered"]
    checked_at: dt.datetime | None = Field(description="When the last check ran; null before the first.")
    seconds: float | None = Field(description="How long it took.")
    spaces: int = Field(ge=0, description="Chains the check knew of: every registered space and every space "
                                          "with a witnessed head.")
    full: int = Field(ge=0, description="Chains read whole (every link, record and witnessed head).")
    incremental: int = Field(ge=0, description="Chains read from their check point (what was sealed since).")
    deferred: int = Field(ge=0, description="Whole readings left for the next run (the run's time was spent).")
    heads_compared: int = Field(ge=0, description="Witnessed heads compared with the chains.")
    altered: int = Field(ge=0, description="Chains found altered.")
    chains: list[ChainVerdict] = Field(description="Every chain, the altered ones first, then by space.")


def audit_check_view(run: Mapping[str, Any] | None) -> AuditCheckView:
    """The operator's view of a check's summary (None: no check ran yet)."""
    if not run:
        return AuditCheckView(status="never_run", checked_at=None, seconds=None, spaces=0, full=0, incremental=0,
                              deferred=0, heads_compared=0, altered=0, chains=[])
    broken = {b["space"]: b for b in run.get("broken") or []}
    chains = [_altered(entry, run) for entry in broken.values()]
    for verdict, key in (("intact", "intact_spaces"), ("not_checked", "deferred_spaces")):
        chains += [ChainVerdict(space=s, kind=space_kind(s)[0], party_id=space_kind(s)[1], verdict=verdict)
                   for s in run.get(key) or [] if s not in broken]
    chains.sort(key=lambda c: (c.verdict != "altered", c.space))
    return AuditCheckView(
        status="altered" if broken else "intact", checked_at=run.get("checked_at"), seconds=run.get("seconds"),
        spaces=int(run.get("spaces") or 0), full=int(run.get("full") or 0),
        incremental=int(run.get("incremental") or 0),
        deferred=int(run.get("full_deferred") or 0), heads_compared=int(run.get("heads_compared") or 0),
        altered=len(broken), chains=chains)


def _altered(entry: Mapping[str, Any], run: Mapping[str, Any]) -> ChainVerdict:
    problems = list(entry.get("problems") or [])
    kind, party = space_kind(entry["space"])
    return ChainVerdict(space=entry["space"], kind=kind, party_id=party, verdict="altered", mode=entry.get("mode"),
                        altered_since=entry.get("since") or run.get("checked_at"),
                        links=entry.get("links") or named_links(problems),
                        records=entry.get("records") or named_records(problems), problems=problems,
                        problem_count=int(entry.get("problem_count") or len(problems)))


def audit_check_query_errors(args: Mapping[str, str]) -> list[ErrorDetail]:
    """get_audit_check takes no query parameter: each one given is named."""
    return [ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD") for name in sorted(args)]
