"""get_invoices — HTTPS GET: the invoices of one order with where each stands in the public invoicing
chain, or one invoice as Factur-X / EN 16931 CII XML (``&invoice_number=…&format=cii``).

Managers and beneficiaries read their own space (``?order_id=``); contractors the orders addressed to
them (``?manager_id=&order_id=``), as get_order. A contractor's answer also holds ``supplier``: the SIRET and
name its registry record holds, which the web app's invoice form prefills.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain import facturx
from shared.domain.errors import ErrorDetail
from shared.edge import http
from shared.service import invoices, order_store


def _read(req: http.Request) -> http.Answer:
    scope = http.order_scope(req)
    number, fmt = req.args.get("invoice_number", ""), req.args.get("format", "json")
    if fmt not in ("json", "cii"):
        raise http.HttpProblem(400, [ErrorDetail.of("query.format", "INVALID_VALUE", detail="json ou cii")])
    if fmt == "cii" and not number:
        raise http.HttpProblem(400, [ErrorDetail.of("query.invoice_number", "REQUIRED")])
    reader = bootstrap.reader()
    try:
        found = invoices.list_invoices(scope.manager_id, scope.order_id, reader,
                                       contractor_id=scope.contractor_id)
    except order_store.NotFound:
        raise http.HttpProblem(404, [ErrorDetail.of("query.order_id", "ORDER_NOT_FOUND",
                                                    order_id=scope.order_id)]) from None
    if number:
        found = [i for i in found if i.invoice_number == number]
        if not found:
            raise http.HttpProblem(404, [ErrorDetail.of("query.invoice_number", "INVOICE_NOT_FOUND",
                                                        invoice_number=number)])
    if fmt == "cii":
        if found[0].buyer is None:
            raise http.HttpProblem(422, [ErrorDetail.of("query.invoice_number", "PUBLIC_INVOICING_MISSING")])
        return http.Answer(200, {}, file=facturx.cii_xml(found[0]), media_type="application/xml; charset=utf-8",
                           filename=f"factur-x-{found[0].invoice_number.replace('/', '-')}.xml")
    # B10: read by its contractor, the SIRET and name its registry record holds (its invoice form prefills them)
    supplier = invoices.known_supplier(reader, scope.contractor_id) if scope.contractor_id else None
    return http.Answer(200, invoices.InvoiceList(order_id=scope.order_id, invoices=[invoices.invoice_view(i) for i in found],
                                                 supplier=supplier).model_dump(mode="json"))


@functions_framework.http
def get_invoices(request):
    return http.serve(request, operation="get_invoices", roles=frozenset({"manager", "contractor", "beneficiary"}),
                      right="orders.read", action=_read, methods=("GET",), idempotent=False)
