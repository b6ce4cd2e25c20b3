"""The public invoicing chain as data: Chorus Pro's invoice statuses, the e-invoicing reform's
lifecycle statuses, and what each one does to the invoice and its order (docs/invoicing.md) — pure.

An invoice the platform accepted is deposited on Chorus Pro (``DEPOSEE``); Chorus Pro then reports
where it stands, up to ``MISE_EN_PAIEMENT`` (final), or its refusal (``REJETEE``, ``A_RECYCLER``).
``STATUSES`` is the one table: each row's French label, the lifecycle status the reform exchanges
between platforms for it, its rank (statuses only move forward, except a suspended invoice that is
completed), and its effect on the order. Check the AIFE's and the reform's official specifications
before relying on a detail: the codes here are those of public material (SPEC "Public invoicing
chain").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class ChorusStatus(StrEnum):
    DEPOSEE = "DEPOSEE"
    EN_COURS_ACHEMINEMENT = "EN_COURS_ACHEMINEMENT"
    MISE_A_DISPOSITION = "MISE_A_DISPOSITION"
    SUSPENDUE = "SUSPENDUE"
    COMPLETEE = "COMPLETEE"
    SERVICE_FAIT = "SERVICE_FAIT"
    MANDATEE = "MANDATEE"
    MISE_A_DISPOSITION_COMPTABLE = "MISE_A_DISPOSITION_COMPTABLE"
    MISE_EN_PAIEMENT = "MISE_EN_PAIEMENT"
    REJETEE = "REJETEE"
    A_RECYCLER = "A_RECYCLER"


# The reform's lifecycle statuses (statuts du cycle de vie), by code.
LIFECYCLE_LABELS: dict[str, str] = {
    "200": "Déposée", "201": "Émise par la plateforme", "202": "Reçue par la plateforme",
    "203": "Mise à disposition", "204": "Prise en charge", "205": "Approuvée", "206": "Approuvée partiellement",
    "207": "En litige", "208": "Suspendue", "209": "Complétée", "210": "Refusée", "211": "Paiement transmis",
    "212": "Encaissée", "213": "Rejetée",
}

OrderEffect = Literal["none", "withdraw", "settle"]


@dataclass(frozen=True)
class StatusRow:
    status: ChorusStatus
    label: str  # French, as a person reads it
    lifecycle: str  # code in LIFECYCLE_LABELS
    rank: int  # statuses move forward only (a suspended invoice comes back as completed)
    effect: OrderEffect = "none"  # withdraw: the invoice no longer counts; settle: it is paid
    final: bool = False


C = ChorusStatus
STATUSES: dict[ChorusStatus, StatusRow] = {row.status: row for row in (
    StatusRow(C.DEPOSEE, "déposée", "200", 10),
    StatusRow(C.EN_COURS_ACHEMINEMENT, "en cours d'acheminement", "201", 20),
    StatusRow(C.MISE_A_DISPOSITION, "mise à disposition du destinataire", "203", 30),
    StatusRow(C.SUSPENDUE, "suspendue (pièce à compléter)", "208", 40),
    StatusRow(C.COMPLETEE, "complétée", "209", 35),
    StatusRow(C.SERVICE_FAIT, "service fait constaté", "205", 50),
    StatusRow(C.MANDATEE, "mandatée", "205", 60),
    StatusRow(C.MISE_A_DISPOSITION_COMPTABLE, "mise à disposition du comptable", "205", 70),
    StatusRow(C.MISE_EN_PAIEMENT, "mise en paiement", "211", 80, effect="settle", final=True),
    StatusRow(C.REJETEE, "rejetée par le destinataire", "210", 90, effect="withdraw", final=True),
    StatusRow(C.A_RECYCLER, "à recycler (destinataire à corriger)", "213", 90, effect="withdraw", final=True),
)}

ACCEPTED_LABEL = "acceptée par la plateforme, à déposer sur Chorus Pro"


def may_follow(current: str | None, new: ChorusStatus) -> bool:
    """True when ``new`` is news after ``current``: a later status, or a suspended invoice completed.
    Nothing follows a final status; the same status again is not news."""
    if current is None:
        return True
    row = STATUSES[ChorusStatus(current)]
    if row.final or new.value == current:
        return False
    if row.status is C.SUSPENDUE and new is C.COMPLETEE:
        return True
    return STATUSES[new].rank > row.rank


def withdrawn(status: str | None) -> bool:
    return status is not None and STATUSES[ChorusStatus(status)].effect == "withdraw"


def settled(status: str | None) -> bool:
    return status is not None and STATUSES[ChorusStatus(status)].effect == "settle"


def lifecycle_of(status: str | None) -> str | None:
    return STATUSES[ChorusStatus(status)].lifecycle if status else None
