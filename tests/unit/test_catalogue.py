"""Versioned service-code catalogue (A14 service-code catalogue): French CSV and JSON imports, versions, lines,
review flag, and the import service (a version and its message in one commit)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared.domain import catalogue as cat
from shared.domain.errors import DomainError
from shared.domain.messages import EventType
from shared.service import catalogue
from shared.service.contracts import contract_path
from tests.builders import CONTRACTOR, MANAGER
from tests.fakes import World

CSV = ("code;label;unit;unit_price;vat_rate\n"
       "PLB-010;Recherche de fuite;U;85,00;10\n"
       "PLB-024;Remplacement siphon;U;42;10\n"
       "PLB-030;Débouchage colonne;ML;1 234,50;20\n")


def codes(errors):
    return [(e.field, e.code) for e in errors]


def test_a_french_csv_with_a_bom_and_decimal_commas_imports_in_cents():
    # Given a CSV saved by a spreadsheet: BOM, ';', decimal comma, a thousands space
    items, errors = cat.parse_csv("\ufeff".encode() + CSV.encode())
    # Then every row is read, prices in integer cents
    assert errors == []
    assert [(i.code, i.unit_price_cents) for i in items] == [("PLB-010", 8500), ("PLB-024", 4200), ("PLB-030", 123450)]


def test_every_bad_row_is_reported_with_its_line_number():
    # Given a CSV with a bad price on line 3, a bad VAT rate on line 4 and a duplicate code on line 5
    raw = (CSV.splitlines()[0] + "\n" + CSV.splitlines()[1] + "\n"
           "PLB-011;Fuite;U;douze;10\n"
           "PLB-012;Fuite;U;12,00;7\n"
           "PLB-010;Encore;U;1,00;10\n"
           "PLB-013;Fuite;U;12,005;10\n").encode()
    items, errors = cat.parse_csv(raw)
    # Then each bad row is named by its line, and the good one is still parsed
    assert codes(errors) == [("line 3.unit_price", "INVALID_FORMAT"), ("line 4.vat_rate", "INVALID_VALUE"),
                             ("line 5.code", "DUPLICATE_VALUE"), ("line 6.unit_price", "INVALID_FORMAT")]
    assert [i.code for i in items] == ["PLB-010"]


def test_a_csv_without_the_expected_columns_is_refused_on_its_header():
    items, errors = cat.parse_csv(b"code,label,unit\nA,B,C\n")
    assert items == [] and codes(errors) == [("line 1", "INVALID_FORMAT")]


def test_json_items_are_checked_the_same_way():
    raw = json.dumps([{"code": "PLB-010", "label": "Recherche", "unit": "U", "unit_price": "85,00", "vat_rate": "10"},
                      {"code": "PLB-011", "label": "", "unit": "U", "unit_price": "1", "vat_rate": "20", "x": 1}]).encode()
    items, errors = cat.parse_json_items(raw)
    assert [i.code for i in items] == ["PLB-010"] and codes(errors) == [("line 2.x", "UNKNOWN_FIELD")]


def test_a_new_version_never_rewrites_an_old_one_and_lines_follow_the_version_in_force():
    # Given version 1 from January and version 2 (price rise) from July
    items, _ = cat.parse_csv(CSV.encode())
    v1, _ = cat.next_version([], "AC-1", dt.date(2026, 1, 1), dt.date(2026, 1, 1), items)
    dearer = [i.model_copy(update={"unit_price_cents": i.unit_price_cents + 100}) for i in items]
    v2, _ = cat.next_version([v1], "AC-1", dt.date(2026, 7, 1), dt.date(2026, 6, 20), dearer)
    # A version that would start before the latest one is refused
    _, refused = cat.next_version([v1, v2], "AC-1", dt.date(2026, 3, 1), dt.date(2026, 3, 1), items)
    assert (v1.version, v2.version) == (1, 2) and codes(refused) == [("$.valid_from", "OUT_OF_RANGE")]
    # Then a March order is priced by v1, an August one by v2
    line = {"service_code": "PLB-010", "unit": "U", "unit_price_cents": 8500}
    assert cat.in_force([v1, v2], dt.date(2026, 3, 2)) == v1
    assert cat.line_errors(cat.in_force([v1, v2], dt.date(2026, 3, 2)), [line]) == []
    assert codes(cat.line_errors(cat.in_force([v1, v2], dt.date(2026, 8, 3)), [line])) == [
        ("$.lines[0].unit_price_cents", "INVALID_VALUE")]
    assert codes(cat.line_errors(v1, [{**line, "service_code": "XXX-1"}])) == [("$.lines[0].service_code", "INVALID_VALUE")]
    assert cat.in_force([v1, v2], dt.date(2025, 12, 31)) is None


def test_a_catalogue_not_reviewed_for_six_months_is_flagged():
    items, _ = cat.parse_csv(CSV.encode())
    version, _ = cat.next_version([], "AC-1", dt.date(2026, 1, 1), dt.date(2026, 1, 1), items)
    assert not cat.needs_review(version, dt.date(2026, 6, 30))
    assert cat.needs_review(version, dt.date(2026, 7, 10))
    assert cat.needs_review(None, dt.date(2026, 1, 1))


# --- the import service on the unit of work -------------------------------------------------------

def a_world() -> World:
    world = World("2026-03-02T08:00:00+00:00")
    world.seed(contract_path(MANAGER, "AC-1"), {"contract_id": "AC-1", "contractor_id": CONTRACTOR})
    return world


def import_csv(world: World, text: str, valid_from: dt.date, contract_id: str = "AC-1") -> dict:
    return catalogue.import_catalogue(MANAGER, contract_id, valid_from, valid_from, "csv", text.encode(), world.uow(),
                                      world.clock)


def test_a_catalogue_version_and_its_message_are_one_commit():
    world = a_world()
    written: list[list[str]] = []
    apply = world.db.apply
    world.db.apply = lambda writes: (apply(writes), written.append([w.path for w in writes]))
    # When the manager imports a first version
    answer = import_csv(world, CSV, dt.date(2026, 1, 1))
    # Then version 1 and its catalogue.published message were created by one commit, the message then sent
    [message] = world.outbox()
    assert answer == {"contract_id": "AC-1", "version": 1, "valid_from": "2026-01-01", "items": 3}
    assert {catalogue.version_path(MANAGER, "AC-1", 1), f"outbox/{message.id}"} <= set(written[0])
    assert (message.topic, message.event_type, message.ordering_key) == (
        f"orders-{CONTRACTOR}", EventType.CATALOGUE_PUBLISHED, "AC-1")
    assert message.data["items"]["PLB-030"]["unit_price_cents"] == 123450
    assert [t for t, *_ in world.publisher.published] == [f"orders-{CONTRACTOR}"]
    # And the view reads it back as the version in force, its review not yet due
    view = catalogue.catalogue_view(MANAGER, "AC-1", dt.date(2026, 3, 2), dt.date(2026, 3, 2), world.uow())
    assert (view["in_force"]["version"], view["needs_review"], len(view["versions"])) == (1, False, 1)


def test_a_bad_file_an_unknown_contract_or_an_earlier_version_writes_nothing():
    world = a_world()
    import_csv(world, CSV, dt.date(2026, 1, 1))
    commits = world.db.commits
    with pytest.raises(DomainError) as bad:
        import_csv(world, CSV + "PLB-040;Fuite;U;douze;10\n", dt.date(2026, 7, 1))
    with pytest.raises(DomainError) as unknown:
        import_csv(world, CSV, dt.date(2026, 7, 1), contract_id="AC-9")
    with pytest.raises(DomainError) as earlier:
        import_csv(world, CSV, dt.date(2025, 12, 1))
    assert codes(bad.value.errors) == [("line 5.unit_price", "INVALID_FORMAT")]
    assert codes(unknown.value.errors) == [("$.contract_id", "CONTRACT_NOT_FOUND")]
    assert codes(earlier.value.errors) == [("$.valid_from", "OUT_OF_RANGE")]
    assert world.db.commits == commits and len(world.outbox()) == 1


def test_two_imports_at_once_become_versions_1_and_2():
    world = a_world()
    # Given another import committing between this one's read and its commit
    world.db.before_commit = lambda: import_csv(world, CSV, dt.date(2026, 1, 1))
    # When this one commits
    answer = import_csv(world, CSV.replace("85,00", "90,00"), dt.date(2026, 7, 1))
    # Then it started again on fresh reads and became version 2; each version was announced once
    assert answer["version"] == 2
    assert [m.data["version"] for m in world.outbox()] == [1, 2]
