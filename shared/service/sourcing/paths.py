"""Where the sourcing space lives (one place, shared by services and tests): document paths,
how a record is read from and written to its document, and where it meets part A.

  beneficiaries/{b}                              the beneficiary (operator-managed)
  beneficiaries/{b}/needs/{n}                    a need: current version, status, D4, proposals
  beneficiaries/{b}/needs/{n}/versions/{v}       every version's content (never changed)
  beneficiaries/{b}/needs/{n}/results/{v}        every version's ranked result (score_candidates)
  beneficiaries/{b}/missions/{m}                 missions, replacements (D5/D6)
  beneficiaries/{b}/missions/{m}/timesheets/{t}  the titulaire's timesheets (B11)
  managers/{b}                                   the beneficiary as a manager-like tenant of part A
  managers/{b}/contracts/{contract}              the framework contract its mission orders are issued under
  managers/{b}/orders/{o}                        the mission's order, on part A's machinery
  managers/{b}/deadlines/{d}                     D4–D6 (shared/service/deadlines.py)
  professionals/{p}                              the pool (source of truth for the index)
  search_index/professionals                     pool revision and the current index object

Records are stored as their JSON dump (``dump``) and read back leniently (``load``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.workdays import PARIS
from shared.ports import Clock, UnitOfWork

INDEX_META = "search_index/professionals"
NEEDS_TOPIC = "needs-submitted"
SOURCE = "//passerelle.fr/sourcing"


@dataclass(frozen=True)
class Settings:
    """Where the sourcing space meets part A: the titulaire is the contractor of every mission order,
    under the framework contract (whose ``penalty_terms``, if any, price D4–D6)."""

    titulaire_id: str = "ctr-titulaire"
    contract_id: str = "AC-2024-AOO-PFI"


def beneficiary(b: str) -> str:
    return f"beneficiaries/{b}"


def need(b: str, n: str) -> str:
    return f"beneficiaries/{b}/needs/{n}"


def need_version(b: str, n: str, v: int) -> str:
    return f"{need(b, n)}/versions/{v}"


def result(b: str, n: str, v: int) -> str:
    return f"{need(b, n)}/results/{v}"


def mission(b: str, m: str) -> str:
    return f"beneficiaries/{b}/missions/{m}"


def mission_order_id(n: str) -> str:
    """The id of the order a need's mission is framed into (one mission per need): « BC-<need id> »."""
    return f"BC-{n}"[:64]


def mission_order(b: str, n: str) -> str:
    """The order of need ``n``'s mission, in the beneficiary's part-A space."""
    return f"managers/{b}/orders/{mission_order_id(n)}"


def timesheets(b: str, m: str) -> str:
    """The timesheets the titulaire declared on a mission (B11), one document each."""
    return f"{mission(b, m)}/timesheets"


def professional(p: str) -> str:
    return f"professionals/{p}"


def contract(b: str, settings: Settings) -> str:
    """The framework contract in the beneficiary's space (A13: mission orders are issued under it)."""
    return f"managers/{b}/contracts/{settings.contract_id}"


def dump(model) -> dict[str, Any]:
    return model.model_dump(mode="json")


def load(uow: UnitOfWork, path: str, model, code: str, field: str, **ctx):
    """The record at ``path`` read through ``uow``, or a DomainError ``code`` on ``field``."""
    found = uow.get(path)
    if found is None:
        raise DomainError([ErrorDetail.of(field, code, **ctx)])
    return model.model_validate(found, strict=False)


# What the registry keeps on a beneficiary's record beside its registration (A10 onboarding, B1 parties: deactivate_party
# marks it inactive; shared/service/registry.py refuses its people's tokens then): not part of the Beneficiary model.
REGISTRY_FIELDS = frozenset({"status", "deactivated_at", "updated_at", "registered_at"})


def registration_of(record: dict[str, Any]) -> dict[str, Any]:
    """A stored beneficiary record without the registry's own fields: what register_beneficiary wrote."""
    return {k: v for k, v in record.items() if k not in REGISTRY_FIELDS}


def load_beneficiary(uow: UnitOfWork, b: str):
    """The beneficiary's registration (B1), or BENEFICIARY_NOT_FOUND; read whether or not it was deactivated (the
    operator still closes what it had under way)."""
    from shared.domain.sourcing.records import Beneficiary

    found = uow.get(beneficiary(b))
    if found is None:
        raise DomainError([ErrorDetail.of("$", "BENEFICIARY_NOT_FOUND", beneficiary_id=b)])
    return Beneficiary.model_validate(registration_of(found), strict=False)


def today(clock: Clock) -> dt.date:
    return clock.now().astimezone(PARIS).date()
