"""Every entry point, so that one source tree deploys them all (entry point = function name)."""

from functions.change_order_state import change_order_state
from functions.erase_professional import erase_professional
from functions.export_space import export_space
from functions.get_documents import get_documents
from functions.request_report_upload import request_report_upload
from functions.store_report import store_report
from functions.upsert_billing_account import upsert_billing_account
from functions.upsert_contract import upsert_contract
from functions.import_catalogue import import_catalogue
from functions.get_catalogue import get_catalogue
from functions.import_property_tree import import_property_tree
from functions.get_property_coverage import get_property_coverage
from functions.manage_account import manage_account
from functions.request_account import request_account
from functions.run_export import run_export
from functions.seal_audit import seal_audit
from functions.get_order import get_order
from functions.publish_execution import publish_execution
from functions.receive_order import receive_order
from functions.relay_outbox import relay_outbox
from functions.submit_execution import submit_execution
from functions.accrue_penalties import accrue_penalties
from functions.decide_penalty import decide_penalty
from functions.get_penalty_statement import get_penalty_statement
from functions.decide_proposal import decide_proposal
from functions.frame_mission import frame_mission
from functions.get_sourcing import get_sourcing
from functions.import_professionals import import_professionals
from functions.propose_professionals import propose_professionals
from functions.register_beneficiary import register_beneficiary
from functions.replace_professional import replace_professional
from functions.score_candidates import score_candidates
from functions.submit_need import submit_need
from functions.upsert_professional import upsert_professional

__all__ = [
    "manage_account",
    "export_space",
    "erase_professional",
    "store_report",
    "request_report_upload",
    "get_documents",
    "upsert_contract",
    "upsert_billing_account",
    "import_catalogue",
    "get_catalogue",
    "import_property_tree",
    "get_property_coverage",
    "run_export",
    "request_account",
    "seal_audit",
    "change_order_state",
    "get_order",
    "publish_execution",
    "receive_order",
    "relay_outbox",
    "submit_execution",
    "accrue_penalties",
    "decide_penalty",
    "get_penalty_statement",
    "decide_proposal",
    "frame_mission",
    "get_sourcing",
    "import_professionals",
    "propose_professionals",
    "register_beneficiary",
    "replace_professional",
    "score_candidates",
    "submit_need",
    "upsert_professional",
]
