"""An invoice as Factur-X / EN 16931 data: the CII XML of the Factur-X EN 16931 profile, built by the
``factur-x`` library (Akretion, BSD licence) from the EN 16931 business terms, never by hand.

``business_terms`` maps the platform's invoice to the library's dictionary of business terms
(BT-x / BG-x); ``cii_xml`` renders it, and the library checks the result against the profile's XML
schema. The business rules of EN 16931 (the schematron shipped with the library) are checked in the
tests (tests/unit/test_facturx.py). docs/invoicing.md lists which platform field goes where.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shared.domain.invoices import TYPE_CODES, Invoice

LEVEL = "en16931"
SIRET_SCHEME = "0009"  # ISO 6523 ICD of the SIRET (global identifier of a party)
SIREN_SCHEME = "0002"  # ISO 6523 ICD of the SIREN (legal registration)
ADDRESS_SCHEME = "0225"  # the French e-invoicing directory's addressing scheme (SIREN-based electronic address)
SERVICES_INVOICE = "S1"  # BT-23, French invoicing framework: an invoice for services (travaux et prestations)
# The mentions a French invoice must carry (BG-1 notes; the reform's rule BR-FR-05).
LEGAL_NOTES = (
    ("PMT", "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €."),
    ("PMD", "Pénalités de retard : taux d'intérêt appliqué par la BCE à son opération de refinancement la plus "
            "récente majoré de 8 points (article L. 441-10 du code de commerce)."),
    ("AAB", "Pas d'escompte pour paiement anticipé."),
)
UNITS = {"U": "C62", "j": "DAY", "h": "HUR", "m2": "MTK", "m": "MTR", "ml": "MTR", "kg": "KGM", "forfait": "C62"}


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}" if cents >= 0 else "-" + _amount(-cents)


def _quantity(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _party(name: str, siret: str, vat_number: str | None = None) -> dict[str, Any]:
    party: dict[str, Any] = {"name": name, "identifiers": {SIRET_SCHEME: siret}, "legal_identifier": siret[:9],
                             "legal_identifier_schemeid": SIREN_SCHEME, "country_code": "FR",
                             "einvoicing_addr": siret[:9], "einvoicing_addr_schemeid": ADDRESS_SCHEME}
    if vat_number:
        party["vat_identifier"] = vat_number
    return party


def business_terms(invoice: Invoice) -> dict[str, Any]:
    """The EN 16931 business terms of ``invoice`` (the ``factur-x`` library's data dictionary).

    Chorus Pro routing: the buyer's service code is the buyer reference (BT-10) and the engagement
    number the purchase order reference (BT-13); the platform's order id is the order line
    reference of every line (BT-132), the contract the contract reference (BT-12), the receptions
    the receiving advice (BT-15) and their date the actual delivery date (BT-72)."""
    buyer = invoice.buyer
    terms: dict[str, Any] = {
        "BT-1": invoice.invoice_number, "BT-2": invoice.issue_date, "BT-3": TYPE_CODES[invoice.kind], "BT-5": "EUR",
        "BT-23": SERVICES_INVOICE, "BG-1": [{"BT-21": code, "BT-22": text} for code, text in LEGAL_NOTES],
        "BT-12": invoice.contract_id,
        "BG-4": _party(invoice.supplier.name, invoice.supplier.siret, invoice.supplier.vat_number),
        "BG-7": _party(buyer.buyer_name or invoice.manager_id, buyer.buyer_siret) if buyer else None,
        "BG-23": [{"BT-116": _amount(row.base_cents), "BT-117": _amount(row.vat_cents), "BT-118": "S",
                   "BT-119": f"{Decimal(row.vat_rate):.2f}"} for row in invoice.vat_breakdown],
        "BT-106": _amount(sum(line.net_cents for line in invoice.lines)),
        "BT-109": _amount(invoice.total_excl_tax_cents), "BT-110": _amount(invoice.vat_cents),
        "BT-112": _amount(invoice.total_incl_tax_cents), "BT-115": _amount(invoice.total_incl_tax_cents),
        "BG-25": [{"BT-126": str(i), "BT-153": line.label[:200], "BT-155": line.service_code or line.line_id,
                   "BT-146": _amount(line.unit_price_cents), "BT-129": _quantity(line.quantity),
                   "BT-130": UNITS.get(line.unit, "C62"), "BT-151": "S", "BT-152": f"{Decimal(line.vat_rate):.2f}",
                   "BT-131": _amount(line.net_cents), "BT-132": line.line_id}
                  for i, line in enumerate(invoice.lines, start=1)],
    }
    if buyer and buyer.service_code:
        terms["BT-10"] = buyer.service_code
    terms["BT-13"] = buyer.engagement_number if buyer and buyer.engagement_number else invoice.order_id
    if invoice.due_date:
        terms["BT-9"] = invoice.due_date
    if invoice.payment_terms:
        terms["BT-20"] = invoice.payment_terms
    terms["BT-72"] = invoice.delivery_date or invoice.issue_date  # EN 16931 needs a delivery block
    if invoice.reception_ids:
        terms["BT-15"] = invoice.reception_ids[0]
    if invoice.credited_invoice_number:
        terms["BG-3"] = [{"BT-25": invoice.credited_invoice_number,
                          **({"BT-26": invoice.credited_invoice_date} if invoice.credited_invoice_date else {})}]
    return {k: v for k, v in terms.items() if v is not None}


def cii_xml(invoice: Invoice) -> bytes:
    """The Factur-X EN 16931 CII XML of ``invoice``, checked against the profile's XML schema by the
    library (ValueError when the invoice lacks what EN 16931 requires, e.g. the buyer's SIRET)."""
    if invoice.buyer is None:
        raise ValueError("EN 16931 needs the buyer: the order carries no public_invoicing.buyer_siret")
    from facturx import generate_cii_xml  # lxml and the schemas: loaded only when an export is asked

    return generate_cii_xml(business_terms(invoice), level=LEVEL, check_xsd=True, check_schematron=False)
