"""Every entry point, so that one source tree deploys them all (entry point = function name).

Entry points are imported lazily (PEP 562): functions-framework asks this module for one
target, and an instance then imports only that function's module — its cold start does
not pay for the thirty others. ``functions/<name>.py`` defines ``<name>``.
"""

import importlib

ENTRY_POINTS = (
    "accrue_penalties",
    "acknowledge_incident",
    "attach_order_node",
    "change_order_state",
    "change_password",
    "check_audit_witness",
    "check_conformance",
    "confirm_catalogue_review",
    "deactivate_party",
    "decide_deliverable",
    "decide_penalty",
    "decide_proposal",
    "decide_quote",
    "erase_professional",
    "expire_quotes",
    "export_space",
    "follow_up_incident",
    "frame_mission",
    "get_audit_check",
    "get_catalogue",
    "get_contract",
    "get_documents",
    "get_invoices",
    "get_order",
    "get_penalty_statement",
    "get_professional",
    "get_property_coverage",
    "get_quote",
    "get_report",
    "get_sourcing",
    "import_catalogue",
    "import_price_schedule",
    "import_professionals",
    "import_property_tree",
    "lift_reservation",
    "list_account_requests",
    "list_accounts",
    "list_parties",
    "list_billing_accounts",
    "list_contracts",
    "list_incidents",
    "list_message_log",
    "list_messages",
    "list_needs",
    "list_orders",
    "list_property_nodes",
    "list_quotes",
    "manage_account",
    "propose_professionals",
    "publish_execution",
    "publish_half_year_report",
    "raise_quote",
    "receive_order",
    "record_reception",
    "redeliver_messages",
    "register_beneficiary",
    "register_contractor",
    "register_machine_identity",
    "register_manager",
    "register_purchasing_body",
    "relay_outbox",
    "remind_catalogue_reviews",
    "replace_professional",
    "report_incident",
    "request_account",
    "request_mission_quote",
    "request_quote",
    "request_report_upload",
    "resolve_incident",
    "run_export",
    "score_candidates",
    "seal_audit",
    "set_penalty_terms",
    "start_conformance",
    "store_report",
    "submit_execution",
    "submit_invoice",
    "submit_need",
    "submit_quote",
    "submit_timesheet",
    "sync_chorus_pro",
    "upsert_billing_account",
    "upsert_contract",
    "upsert_professional",
    "watch_orders",
)

__all__ = list(ENTRY_POINTS)


def __getattr__(name: str):
    if name in ENTRY_POINTS:
        return getattr(importlib.import_module(f"functions.{name}"), name)
    raise AttributeError(f"module 'main' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(ENTRY_POINTS))
