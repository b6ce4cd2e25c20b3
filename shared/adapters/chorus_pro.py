"""Chorus Pro as the platform reaches it — here, the local stand-in (the real portal cannot be
reached from the development machines; see docs/invoicing.md for what the production adapter must do).

``RecordingChorusPro`` keeps every deposit in Firestore (``chorus_pro_fake/<chorus_id>``, with the
Factur-X XML it received) and every call (``chorus_pro_fake_calls``), and answers each invoice's
status from its document: tests and ``./scripts/dev`` move an invoice along the chain with
``set_status`` as the buyer and its accountant would. Deposits are idempotent on (supplier SIRET,
invoice number), as Chorus Pro refuses a number twice for one supplier.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from shared.ports import ChorusDeposit, ChorusReport

DEPOSITS = "chorus_pro_fake"
CALLS = "chorus_pro_fake_calls"


def chorus_id_of(supplier_siret: str, invoice_number: str) -> str:
    return "CPP-" + hashlib.sha256(f"{supplier_siret}\x1f{invoice_number}".encode()).hexdigest()[:16].upper()


class RecordingChorusPro:
    def __init__(self, client: Any):
        self._db = client

    def deposit(self, deposit: ChorusDeposit) -> ChorusReport:
        chorus_id, now = chorus_id_of(deposit.supplier_siret, deposit.invoice_number), dt.datetime.now(dt.UTC)
        self._record("deposit", chorus_id, {"invoice_number": deposit.invoice_number})
        ref = self._db.collection(DEPOSITS).document(chorus_id)
        snapshot = ref.get()
        if snapshot.exists:
            return self._report(chorus_id, snapshot.to_dict())
        data = {"supplier_siret": deposit.supplier_siret, "buyer_siret": deposit.buyer_siret,
                "service_code": deposit.service_code, "engagement_number": deposit.engagement_number,
                "invoice_number": deposit.invoice_number, "kind": deposit.kind,
                "total_incl_tax_cents": deposit.total_incl_tax_cents, "cii_xml": deposit.cii_xml.decode("utf-8"),
                "status": "DEPOSEE", "reason": None, "status_at": now, "deposited_at": now}
        try:
            ref.create(data)
        except Exception:  # a concurrent deposit of the same invoice won: answer as it did
            return self._report(chorus_id, ref.get().to_dict())
        return self._report(chorus_id, data)

    def status(self, chorus_id: str) -> ChorusReport:
        self._record("status", chorus_id, {})
        snapshot = self._db.collection(DEPOSITS).document(chorus_id).get()
        if not snapshot.exists:
            raise LookupError(f"unknown Chorus Pro invoice {chorus_id}")
        return self._report(chorus_id, snapshot.to_dict())

    def set_status(self, chorus_id: str, status: str, reason: str | None = None) -> None:
        """What the buyer's side does on the real portal (tests and demo only)."""
        self._db.collection(DEPOSITS).document(chorus_id).update(
            {"status": status, "reason": reason, "status_at": dt.datetime.now(dt.UTC)})

    def _record(self, call: str, chorus_id: str, data: dict[str, Any]) -> None:
        self._db.collection(CALLS).add({"call": call, "chorus_id": chorus_id, "at": dt.datetime.now(dt.UTC), **data})

    @staticmethod
    def _report(chorus_id: str, data: dict[str, Any]) -> ChorusReport:
        return ChorusReport(chorus_id=chorus_id, status=data["status"], at=data["status_at"], reason=data.get("reason"))
