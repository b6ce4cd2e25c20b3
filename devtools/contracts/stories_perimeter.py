"""The exchange perimeter story (A2.1 contracts, A2.2 billing accounts, A14 catalogue, A7 property tree,
documents): Rhône Habitat, which had orders under an older contract before it imported its property
tree, signs AC-2026-017 with Acme, declares its billing account, imports three catalogue versions and its
tree, issues the example order, and Acme attaches the intervention report — by REST and through a
signed upload. Every answer and message comes from the real services on the in-memory platform; the
quote story goes on on the same platform (stories_quotes.py)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from devtools.contracts.platform import Platform
from devtools.contracts.registry import examples
from devtools.contracts.stories_orders import (
    CONTRACT_ID, CONTRACTOR_ID, CONTRACTOR_UID, ISSUE_ORDER, MANAGER_ID, MANAGER_UID, ORDER_ID, SIGNED_AT,
    UPSERT_CONTRACT,
)
from shared.domain import documents as docs_domain
from shared.domain.contracts import UpsertBillingAccount, UpsertContract
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.messages import EventType, IssueOrder
from shared.domain.property_tree import AttachOrderNode
from shared.domain.validation import parse_json
from shared.service import catalogue, contracts, documents, listings, orders, property_attach, property_tree
from tests.pdfs import a_pdf

UPSERT_BILLING_ACCOUNT: dict[str, Any] = {
    "billing_account_id": "CF-LYON-01", "contract_ids": [CONTRACT_ID],
    "invoicing_address": {"lines": ["Rhône Habitat — Service comptabilité fournisseurs", "12 rue de la République"],
                          "postal_code": "69002", "city": "Lyon"},
    "legal_entity": {"name": "Rhône Habitat OPH", "siret": "27690001200010"},
}
# The contract Acme held before (its orders predate the property tree: they are the coverage's orphans).
OLD_CONTRACT = {**UPSERT_CONTRACT, "contract_id": "AC-2023-004", "title": "Entretien plomberie 2023-2026",
                "signed_on": "2023-02-10", "starts_on": "2023-03-01", "ends_on": "2026-02-28", "penalty_terms": None}
OLD_ORDERS = [
    {**ISSUE_ORDER, "order_id": "BC-2025-0887", "contract_id": "AC-2023-004", "title": "Radiateur froid — bâtiment C",
     "site": {"node_id": "LYON-BAT-C", "label": "Résidence Les Tilleuls — bâtiment C"},
     "issued_at": "2025-11-03T10:00:00+01:00", "requested_start": "2025-11-04", "requested_end": "2025-11-07"},
    {**ISSUE_ORDER, "order_id": "BC-2025-0903", "contract_id": "AC-2023-004", "title": "Porte du local vélos",
     "site": {"node_id": "LYON-LOCAL-VELOS", "label": "Local vélos (ancienne codification)"},
     "issued_at": "2025-11-12T14:00:00+01:00", "requested_start": "2025-11-13", "requested_end": "2025-11-20"},
]
ITEMS = [  # code, label, unit, unit price (euros)
    ("PLB-010", "Recherche de fuite", "U", "85.00"), ("PLB-024", "Remplacement siphon PVC Ø 40", "U", "42.00"),
    ("PLB-090", "Main-d'œuvre plombier", "h", "52.00"),
    ("PLB-COL-01", "Remplacement de colonne (par niveau)", "U", "680.00"), ("PLB-DEP-01", "Déplacement", "U", "45.00"),
]
CATALOGUE_VERSIONS = [("2024-03-01", "2024-02-12"), ("2025-03-01", "2025-02-10"), ("2026-03-01", "2026-02-15")]
IMPORT_CATALOGUE: dict[str, Any] = {
    "contract_id": CONTRACT_ID, "valid_from": "2026-03-01", "reviewed_on": "2026-02-15",
    "items": [{"code": code, "label": label, "unit": unit, "unit_price": price, "vat_rate": "10"}
              for code, label, unit, price in ITEMS]}
CATALOGUE_CSV = "code;label;unit;unit_price;vat_rate\r\n" + "".join(
    f"{code};{label};{unit};{price.replace('.', ',')};10\r\n" for code, label, unit, price in ITEMS)
TREE_BODY: dict[str, Any] = {"nodes": [
    {"node_id": "LYON-TILLEULS", "kind": "site", "parent_id": None, "label": "Résidence Les Tilleuls"},
    {"node_id": "LYON-BAT-A", "kind": "building", "parent_id": "LYON-TILLEULS", "label": "Bâtiment A",
     "commune": "69383"},
    {"node_id": "LYON-BAT-A-ESC-1", "kind": "staircase", "parent_id": "LYON-BAT-A", "label": "Escalier 1"},
    {"node_id": "LYON-BAT-A-LOG-12", "kind": "dwelling", "parent_id": "LYON-BAT-A-ESC-1",
     "label": "Logement 12 (T3, 2e étage)"},
    {"node_id": "LYON-BAT-A-CHAUD", "kind": "equipment", "parent_id": "LYON-BAT-A", "label": "Chaufferie collective"}]}
TREE_CSV = "node_id;kind;parent_id;label;commune\r\n" + "".join(
    f"{n['node_id']};{n['kind']};{n['parent_id'] or ''};{n['label']};{n.get('commune', '')}\r\n"
    for n in TREE_BODY["nodes"])
ATTACH_FIELDS = {"manager_id": MANAGER_ID, "order_id": ORDER_ID, "kind": "intervention_report"}
REQUEST_UPLOAD = {**ATTACH_FIELDS, "filename": "CR-BC-2026-0101-photos.pdf", "size_bytes": 18_734_112}


def refused(step: Any) -> list[ErrorDetail]:
    """The errors a service answers a command it refuses (nothing is written)."""
    try:
        step()
    except DomainError as exc:
        return list(exc.errors)
    raise AssertionError("the step was meant to be refused")


def errors_of(model: type, body: dict[str, Any]) -> list[ErrorDetail]:
    """The errors the handler's own parser finds in a body."""
    found = parse_json(model, json.dumps(body))[1]
    assert found, f"{model.__name__}: the body was meant to be refused"
    return found


class PerimeterStory:
    def __init__(self) -> None:
        p = self.platform = Platform("rhone-habitat", "2023-02-10T09:00:00Z")
        p.seed(f"contractors/{CONTRACTOR_ID}", {"name": "Acme Maintenance", "managers": [MANAGER_ID]})
        p.seed(f"managers/{MANAGER_ID}", {"name": "Rhône Habitat"})  # list_contracts names both parties
        with p.as_(MANAGER_UID, "manager", MANAGER_ID):
            self._upsert_contract(OLD_CONTRACT)
            for body in OLD_ORDERS:
                p.at(dt.datetime.fromisoformat(body["issued_at"]) + dt.timedelta(seconds=4))
                orders.receive_order(MANAGER_ID, IssueOrder.model_validate_json(json.dumps(body)), p.uow(), p.clock)
            self._tree()
            p.at(SIGNED_AT)
            self.contract_saved = self._upsert_contract(UPSERT_CONTRACT)
            self.contract_changed = p.last(EventType.CONTRACT_CHANGED.value)
            self.contract_unchanged = self._upsert_contract(UPSERT_CONTRACT)
            self.billing_saved = contracts.upsert_billing_account(
                MANAGER_ID, UpsertBillingAccount.model_validate_json(json.dumps(UPSERT_BILLING_ACCOUNT)), p.uow(),
                p.clock).answer()
            self.billing_unchanged = contracts.upsert_billing_account(
                MANAGER_ID, UpsertBillingAccount.model_validate_json(json.dumps(UPSERT_BILLING_ACCOUNT)), p.uow(),
                p.clock).answer()
            self.billing_changed = p.last(EventType.BILLING_ACCOUNT_CHANGED.value)
            self._catalogue()
            p.at("2026-02-27T16:45:10.602Z")  # a third lot: version 2 of the contract
            self.contract_updated = self._upsert_contract({**UPSERT_CONTRACT, "lots": [
                *UPSERT_CONTRACT["lots"], {"code": "SAN", "label": "Appareils sanitaires"}]})
            p.at("2026-03-02T07:00:03.120Z")
            orders.receive_order(MANAGER_ID, IssueOrder.model_validate_json(json.dumps(ISSUE_ORDER)), p.uow(), p.clock)
        with p.as_(CONTRACTOR_UID, "contractor", CONTRACTOR_ID):
            self._documents()
        with p.as_(MANAGER_UID, "manager", MANAGER_ID):
            p.at("2026-03-05T15:10:00Z")
            self.catalogue_view = catalogue.catalogue_view(MANAGER_ID, CONTRACT_ID, dt.date(2026, 3, 16),
                                                           dt.date(2026, 3, 5), p.uow())
            self.coverage = property_tree.coverage(MANAGER_ID, p.uow())
            self._attach_orphan()
            self.contract_list = listings.list_contracts("manager", MANAGER_ID, p.uow())
            self._attach_orphans()
        self.contract_invalid = errors_of(UpsertContract, {**UPSERT_CONTRACT, "ends_on": "2026-01-31",
                                                            "perimeter": {"departements": ["99"]}})
        self.billing_invalid = errors_of(UpsertBillingAccount, {**UPSERT_BILLING_ACCOUNT, "invoicing_address": {
            **UPSERT_BILLING_ACCOUNT["invoicing_address"], "postal_code": "6900"}})

    def _upsert_contract(self, body: dict[str, Any]) -> dict[str, Any]:
        command = UpsertContract.model_validate_json(json.dumps({k: v for k, v in body.items() if v is not None}))
        return contracts.upsert_contract(MANAGER_ID, command, self.platform.uow(), self.platform.clock).answer()

    def _tree(self) -> None:
        """The tree, imported once the old orders exist (JSON), then the same file again (CSV: nothing new)."""
        p = self.platform.at("2026-02-18T09:00:00.120Z")
        raw = json.dumps(TREE_BODY["nodes"]).encode()
        self.tree_imported = property_tree.import_tree(MANAGER_ID, "json", raw, p.uow(), p.clock)
        p.at("2026-02-18T09:12:40.517Z")
        self.tree_unchanged = property_tree.import_tree(MANAGER_ID, "json", raw, p.uow(), p.clock)
        bad = json.dumps([*TREE_BODY["nodes"], {"node_id": "LYON-BAT-B-LOG-3", "kind": "dwelling",
                                                 "parent_id": "LYON-BAT-B", "label": "Logement 3"}]).encode()
        self.tree_errors = refused(lambda: property_tree.import_tree(MANAGER_ID, "json", bad, p.uow(), p.clock))

    def _attach_orphan(self) -> None:
        """The radiator order of building C (not in the tree) attached to its residence, then the same again;
        a node the tree does not hold is refused."""
        p = self.platform.at("2026-03-05T15:12:30.204Z")
        attach = AttachOrderNode(order_id=OLD_ORDERS[0]["order_id"], node_id=TREE_BODY["nodes"][0]["node_id"])
        self.node_attached = property_tree.attach_order_node(MANAGER_ID, attach, p.uow(), p.clock)
        self.node_changed = p.last(EventType.ORDER_NODE_CHANGED.value)
        p.at("2026-03-05T15:12:41.870Z")
        self.node_unchanged = property_tree.attach_order_node(MANAGER_ID, attach, p.uow(), p.clock)
        self.node_refused = refused(lambda: property_tree.attach_order_node(
            MANAGER_ID, AttachOrderNode(order_id=OLD_ORDERS[1]["order_id"], node_id="LYON-BAT-C"), p.uow(), p.clock))

    def _attach_orphans(self) -> None:
        """Many orders at once: the bike shed's order attached to the residence, the radiator's already there, and
        an order the manager does not hold refused."""
        p = self.platform.at("2026-03-05T15:20:02.318Z")
        self.nodes_attach_body = {"order_ids": [OLD_ORDERS[1]["order_id"], OLD_ORDERS[0]["order_id"], "BC-2025-0999"],
                                  "node_id": TREE_BODY["nodes"][0]["node_id"]}
        self.nodes_attached = property_attach.attach_orders_node(
            MANAGER_ID, AttachOrderNode.model_validate(self.nodes_attach_body), p.uow(), p.clock)

    def _catalogue(self) -> None:
        """Versions 1 and 2 (history) then 3, in force from 1 March 2026; a CSV with bad rows is refused whole."""
        p = self.platform
        for minute, (valid_from, reviewed_on) in zip((38, 39, 40), CATALOGUE_VERSIONS, strict=True):
            p.at(f"2026-02-25T13:{minute}:00.118Z")
            self.catalogue_imported = catalogue.import_catalogue(
                MANAGER_ID, CONTRACT_ID, dt.date.fromisoformat(valid_from), dt.date.fromisoformat(reviewed_on), "json",
                json.dumps(IMPORT_CATALOGUE["items"]).encode(), p.uow(), p.clock)
        self.catalogue_published = p.last(EventType.CATALOGUE_PUBLISHED.value)
        bad_csv = (CATALOGUE_CSV.replace("680,00;10", "680,00;7").replace(";45,00;", ";45,5x;")).encode()
        self.catalogue_csv_errors = refused(lambda: catalogue.import_catalogue(
            MANAGER_ID, CONTRACT_ID, dt.date(2026, 9, 1), dt.date(2026, 8, 20), "csv", bad_csv, p.uow(), p.clock))

    def _documents(self) -> None:
        """The intervention report over REST (then the same file again), and a large one through a signed URL."""
        p = self.platform.at("2026-03-05T14:41:12.905Z")
        files, fields = p.documents, docs_domain.AttachFields.model_validate_json(json.dumps(ATTACH_FIELDS))
        report = a_pdf("Compte rendu d'intervention BC-2026-0101", pages=3)
        attached = documents.attach_document(CONTRACTOR_ID, fields, "CR-BC-2026-0101.pdf", report, p.uow(), files,
                                             p.clock, CONTRACTOR_UID)
        self.document_stored = docs_domain.DocumentStored(created=attached.created, document=attached.record)
        again = documents.attach_document(CONTRACTOR_ID, fields, "CR-BC-2026-0101.pdf", report, p.uow(), files,
                                          p.clock, CONTRACTOR_UID)
        self.document_again = docs_domain.DocumentStored(created=again.created, document=again.record)
        self.not_pdf = refused(lambda: documents.attach_document(
            CONTRACTOR_ID, fields, "rapport.pdf", b"PK\x03\x04 rapport.docx", p.uow(), files, p.clock, CONTRACTOR_UID))
        p.at("2026-03-05T14:48:00Z")
        command = docs_domain.RequestUpload.model_validate_json(json.dumps(REQUEST_UPLOAD))
        self.upload_ticket = documents.request_upload(CONTRACTOR_ID, command, p.uow(), files, p.clock, CONTRACTOR_UID,
                                                      new_id=p.ids)
        self.too_large = refused(lambda: documents.request_upload(
            CONTRACTOR_ID, command.model_copy(update={"size_bytes": 62_914_560}), p.uow(), files, p.clock,
            CONTRACTOR_UID, new_id=p.ids))
        upload_id = self.upload_ticket["upload_id"]
        self.register_upload = {"manager_id": MANAGER_ID, "order_id": ORDER_ID, "upload_id": upload_id}
        # the contractor PUTs the file on the signed URL, then registers it
        files.put(docs_domain.staging_name(MANAGER_ID, ORDER_ID, upload_id),
                  a_pdf("Compte rendu avec photos BC-2026-0101", pages=12))
        p.at("2026-03-05T14:58:30Z")
        documents.register_upload(CONTRACTOR_ID, docs_domain.RegisterUpload.model_validate_json(json.dumps(self.register_upload)),
                                  p.uow(), files, p.clock, CONTRACTOR_UID)
        self.document_list = {"manager_id": MANAGER_ID, "order_id": ORDER_ID, "documents": documents.list_documents(
            MANAGER_ID, ORDER_ID, p.uow(), files, contractor_id=CONTRACTOR_ID)}


@examples
def perimeter_examples(stories: Any) -> dict[str, list[Any]]:
    s = stories.perimeter
    return {
        "UpsertContract": [UPSERT_CONTRACT, {k: v for k, v in UPSERT_CONTRACT.items() if k != "penalty_terms"}],
        "ContractSaved": [s.contract_saved, s.contract_updated],
        "ContractChanged": [s.contract_changed[1], stories.terms.terms_announced[1]],
        "UpsertBillingAccount": [UPSERT_BILLING_ACCOUNT],
        "BillingAccountSaved": [s.billing_saved],
        "BillingAccountChanged": [s.billing_changed[1]],
        "CataloguePublished": [s.catalogue_published[1]],
        "ImportCatalogue": [IMPORT_CATALOGUE],
        "CatalogueImported": [s.catalogue_imported],
        "CatalogueView": [s.catalogue_view],
        "ImportPropertyTree": [TREE_BODY],
        "PropertyTreeImported": [s.tree_imported, s.tree_unchanged],
        "PropertyCoverage": [s.coverage],
        "AttachOrderNode": [{"order_id": OLD_ORDERS[0]["order_id"], "node_id": TREE_BODY["nodes"][0]["node_id"]},
                            s.nodes_attach_body],
        "OrderNodeAttached": [s.node_attached, s.node_unchanged],
        "OrdersNodeAttached": [s.nodes_attached],
        "OrderRefused": s.nodes_attached["refused"],
        "OrderNodeChanged": [s.node_changed[1]],
        "AttachFields": [ATTACH_FIELDS],
        "RegisterUpload": [s.register_upload],
        "RequestUpload": [REQUEST_UPLOAD],
        "DocumentStored": [s.document_stored.model_dump(mode="json")],
        "UploadTicket": [s.upload_ticket],
        "DocumentList": [s.document_list],
    }
