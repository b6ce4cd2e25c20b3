"""Bad input is answered with every error, each with its JSONPath, a stable code and French."""

from __future__ import annotations

import json

from shared.domain.messages import ReportExecution, IssueOrder
from shared.domain.validation import parse_json
from tests.builders import issue_order_body, report


def errors_of(model, body) -> list[tuple[str, str]]:
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body)
    parsed, errors = parse_json(model, raw)
    assert parsed is None
    assert all(e.message and not e.message.startswith("Input") for e in errors), errors
    return [(e.field, e.code) for e in errors]


def test_a_valid_order_parses():
    order, errors = parse_json(IssueOrder, json.dumps(issue_order_body()))
    assert errors == [] and order.lines[1].quantity == 2.5


def test_every_problem_of_an_order_is_reported_with_its_path():
    body = issue_order_body(title="", extra_field=1)
    body["lines"][0]["quantity"] = 0
    body["lines"][1]["unit_price_cents"] = "42"
    body["lines"].append(dict(body["lines"][0]))
    del body["site"]
    assert errors_of(IssueOrder, body) == [
        ("$.title", "INVALID_LENGTH"),
        ("$.site", "REQUIRED"),
        ("$.lines[0].quantity", "OUT_OF_RANGE"),
        ("$.lines[1].unit_price_cents", "INVALID_TYPE"),
        ("$.lines[2].quantity", "OUT_OF_RANGE"),
        ("$.extra_field", "UNKNOWN_FIELD"),
    ]


def test_duplicate_line_ids_are_refused():
    body = issue_order_body()
    body["lines"][1]["line_id"] = "L1"
    assert errors_of(IssueOrder, body) == [("$.lines", "DUPLICATE_VALUE")]


def test_malformed_json_and_wrong_shapes_are_structured_errors():
    assert errors_of(IssueOrder, b"{not json") == [("$", "MALFORMED_JSON")]
    assert errors_of(IssueOrder, b"[1, 2]") == [("$", "INVALID_TYPE")]
    assert errors_of(IssueOrder, b"\xff\xfe") == [("$", "MALFORMED_JSON")]


def test_dates_need_a_time_zone_and_phones_must_be_french_mobiles():
    body = report(1, "scheduled", occurred_at="2026-03-03T09:00:00",
                  site_lead={"last_name": "Martin", "first_name": "Léa", "mobile": "01 23 45 67 89"})
    assert errors_of(ReportExecution, body) == [
        ("$.occurred_at", "INVALID_FORMAT"),
        ("$.site_lead.mobile", "INVALID_PHONE"),
    ]


def test_unknown_states_and_out_of_range_progress_are_named():
    body = report(0, "done", progress=101)
    assert errors_of(ReportExecution, body) == [
        ("$.sequence", "OUT_OF_RANGE"),
        ("$.state", "INVALID_VALUE"),
        ("$.progress", "OUT_OF_RANGE"),
    ]


def test_messages_are_in_french():
    _, errors = parse_json(ReportExecution, json.dumps(report(1, progress=150)))
    assert errors[0].message == "Valeur hors limites : doit être inférieure ou égale à 100."


def test_each_error_code_has_one_french_message_in_the_catalogue():
    """A code written twice in the catalogue's source keeps only its last message: merges of parallel work did it."""
    import ast
    import collections
    from pathlib import Path

    import shared.domain.errors as errors_module

    tree = ast.parse(Path(errors_module.__file__).read_text(encoding="utf-8"))
    [catalogue] = [node.value for node in ast.walk(tree)
                   if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "CATALOGUE"]
    codes = collections.Counter(key.value for key in catalogue.keys)
    assert [code for code, seen in codes.items() if seen > 1] == []


def test_a_pattern_is_told_in_words_never_as_its_regular_expression():
    """What the web app shows next to a field: an e-mail, an identifier, a territory in French words, and pydantic's
    « or » of a list of values as « ou » (a person reads these messages, not a regex)."""
    from shared.domain.identity import RequestAccount
    from shared.domain.sourcing.messages import SubmitNeed

    _, errors = parse_json(RequestAccount, json.dumps({"email": "pas-un-mail", "display_name": "Paul",
                                                       "territory": "Lyon", "rights": ["tout"]}))
    messages = {e.field: e.message for e in errors}
    assert messages["$.email"] == "Format invalide : adresse e-mail de la forme nom@domaine.fr."
    assert messages["$.territory"].startswith("Format invalide : code de territoire : département (01 à 95, 2A, 2B, ")
    assert messages["$.rights[0]"].startswith("Valeur invalide : valeurs acceptées : 'orders.write', ")
    assert messages["$.rights[0]"].endswith(" ou 'agreements.write'.")
    _, errors = parse_json(SubmitNeed, json.dumps({"need_id": "BES 2027/01", "content": {}}))
    assert [e.message for e in errors if e.field == "$.need_id"] == [
        "Format invalide : identifiant de 1 à 64 caractères (lettres sans accent, chiffres, « . », « _ », « - »), "
        "commençant par une lettre ou un chiffre."]
    assert not [e for e in errors if "motif" in e.message or " or " in e.message]


def test_a_need_ending_before_it_starts_names_both_days_as_a_person_writes_them():
    from shared.domain.sourcing.messages import SubmitNeed

    from tests.sourcing_builders import a_need_content

    content = a_need_content(start_date="2027-03-01", end_date="2027-02-01")
    _, errors = parse_json(SubmitNeed, json.dumps({"need_id": "BES-1", "content": content}))
    assert [e.message for e in errors if e.code == "INVALID_PERIOD"] == [
        "La fin (01/02/2027) précède le début (01/03/2027)."]


def test_a_required_text_left_empty_says_so_in_french_not_a_count_of_characters():
    # the web app's users read it next to the field (a penalty's reason, an incident's resolution, a title)
    _, errors = parse_json(IssueOrder, json.dumps(issue_order_body(title="")))
    assert [(e.field, e.code, e.message) for e in errors] == [
        ("$.title", "INVALID_LENGTH", "Longueur invalide : le champ est vide alors qu'il est obligatoire.")]


def test_lengths_are_counted_as_french_writes_them_never_with_a_bracketed_plural():
    # « au moins 1 élément », « au plus 500 caractères »: the number and its noun agree, no « élément(s) »
    _, errors = parse_json(IssueOrder, json.dumps(issue_order_body(lines=[], title="x" * 501)))
    messages = {e.field: e.message for e in errors if e.code == "INVALID_LENGTH"}
    assert messages["$.lines"] == "Longueur invalide : au moins 1 élément."
    assert messages["$.title"] == "Longueur invalide : au plus 500 caractères."


def test_the_count_helper_agrees_the_noun_with_its_number():
    from decimal import Decimal

    from shared.domain.counts import plural

    assert [plural(n, "jour") for n in (1, 2, 0)] == ["1 jour", "2 jours", "0 jour"]
    assert plural(Decimal("1.5"), "jour", shown="1,5") == "1,5 jour"  # the singular below two
    assert plural(3, "journal altéré", "journaux altérés") == "3 journaux altérés"
    assert plural(0, "ligne", none="aucune ligne") == "aucune ligne"


def test_no_message_a_person_reads_counts_with_a_bracketed_plural():
    import re

    from shared.domain.errors import CATALOGUE
    from shared.domain.validation import _DETAIL_FR

    bracketed = re.compile(r"\w\((?:e?s|x|e)\)")
    assert [t for t in [*CATALOGUE.values(), *_DETAIL_FR.values()] if bracketed.search(t)] == []
