"""A beneficiary's agreement under the framework contract (A9 penalties): its penalty terms versions, as
get_sourcing?view=agreement answers them. The purchasing body sets them (set_penalty_terms, ``beneficiary_id``),
so it reads them, as does the beneficiary (its own only: its id is its account's tenant) and the operator.

The agreement is stored as ``managers/<beneficiary>/contracts/<framework contract id>`` (``paths.contract``);
its versions are those of ``shared.service.penalty_terms``. A new version is announced to the titulaire there
(``agreement_terms_changed``).
"""

from __future__ import annotations

from typing import Any

from shared.domain.contract_terms import AgreementView
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.territories import clock_fields
from shared.ports import Clock, UnitOfWork
from shared.service import penalty_terms
from shared.service.sourcing import paths
from shared.service.sourcing.paths import Settings


def read_agreement(beneficiary_id: str, uow: UnitOfWork, clock: Clock, settings: Settings = Settings(), *,
                   accounts: bool = True, reader: tuple[str, str] | None = None) -> dict[str, Any]:
    """Every version of the beneficiary's agreement terms and the one in force today in the beneficiary's territory
    (B18), and its titulaire (the contractor whose penalties the beneficiary reads). A manager's space holding a
    contract of the same id is not an agreement: only a registered beneficiary has one.
    ``accounts=False`` (the beneficiary) leaves out which of the purchasing body's accounts set each version;
    ``reader`` (role, tenant: the purchasing body, the operator) names them (``penalty_terms.read_versions``)."""
    path = paths.contract(beneficiary_id, settings)
    found = uow.get_all([paths.beneficiary(beneficiary_id), path])
    if paths.beneficiary(beneficiary_id) not in found or path not in found:
        raise DomainError([ErrorDetail.of("query.beneficiary_id", "BENEFICIARY_NOT_FOUND",
                                          beneficiary_id=beneficiary_id)])
    territory = found[paths.beneficiary(beneficiary_id)].get("territory")  # B18: the beneficiary's (read above)
    versions = penalty_terms.read_versions(uow, beneficiary_id, settings.contract_id, found[path],
                                           penalty_terms.today(clock, territory), accounts=accounts,
                                           reader=reader)
    return AgreementView(beneficiary_id=beneficiary_id, contract_id=settings.contract_id,
                         penalty_terms_versions=versions, titulaire_id=found[path].get("contractor_id"),
                         **clock_fields(territory)).model_dump(mode="json")
