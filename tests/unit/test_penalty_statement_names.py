"""A9 penalties: the statement's CSV names what a person reads — the deadline in French, the order, the message,
the contract, the territory, the decision — never a deadline's hash or a bare territory code."""

from __future__ import annotations

import csv
import datetime as dt
import io

from shared.domain.penalties import (
    CSV_COLUMNS, Cause, DecisionAction, PenaltyEntry, statement, statement_csv, statement_rows,
)

AT = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
POOL = "P1-5f1e0c3a9b7d2e4f6a8c0b1d"
HASHED = "d8-3c9f1a7e5b2d4c6e8f0a1b3c5d7e9f1a"


def an_entry(**over) -> PenaltyEntry:
    data = dict(entry_id=f"{HASHED}-d00001", tenant_id="mgr-test", contractor_id="ctr-test", contract_id="AC-1",
                deadline_id=HASHED, kind="D8", day=1, day_start=AT, local_date="2026-03-03", month="2026-03",
                territory="972", amount_cents=15_000, rule_id="P1", evidence=[], created_at=AT)
    return PenaltyEntry(**{**data, **over})


def a_cause(n: int, order_id: str, kind: str = "D1", day: int = 1) -> Cause:
    return Cause(cause_id=f"c{n}-d{day:05d}", entry_id=f"{POOL}-20260303", tenant_id="mgr-test",
                 contractor_id="ctr-test", contract_id="AC-1", month="2026-03", local_date="2026-03-03",
                 deadline_id=f"c{n}", kind=kind, day=day, day_start=AT, order_id=order_id, ref=f"key{n}",
                 created_at=AT)


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_a_day_of_one_deadline_names_its_order_contract_territory_and_decision_never_its_hash():
    # Given a day of an incident's D8 in Martinique, disputed late on 4 March (Paris) — still the 4th there
    entry = an_entry().decide(DecisionAction.DISPUTE, "Incident mal qualifié", "u1",
                              dt.datetime(2026, 3, 5, 2, 30, tzinfo=dt.UTC))
    s = statement("mgr-test", "ctr-test", None, "2026-03", [entry], orders={HASHED: "BC-2026-0042"},
                  contract_titles={"AC-1": "Entretien des ascenseurs"})
    # Then its row reads as a person reads it
    [header, row, blank, *totals] = statement_rows(s)
    assert header == CSV_COLUMNS
    assert dict(zip(header, row)) == {
        "Date": "03/03/2026", "Délai": "D8 — Première réponse à un incident", "Jour de retard": 1,
        "Commande": "BC-2026-0042", "Messages en cause": "", "Marché": "Entretien des ascenseurs (AC-1)",
        "Territoire": "Martinique (972)", "Montant (EUR)": "150,00", "Statut": "contestée",
        "Motif": "Incident mal qualifié", "Décision du": "04/03/2026"}
    assert blank == () and [t[0] for t in totals] == ["Total dû", "Total contesté", "Total remis", "Total enregistré"]
    assert totals[1][header.index("Montant (EUR)")] == "150,00"
    # And nowhere the deadline's hash, in the rows or the file
    assert HASHED not in repr(statement_rows(s)) and HASHED not in statement_csv(s).decode("utf-8")
    # And the JSON line carries the same names
    [line] = s.lines
    assert (line.order_id, line.contract_title, line.territory_label) == ("BC-2026-0042", "Entretien des ascenseurs",
                                                                          "Martinique")


def test_a_pooled_day_names_each_message_by_its_order_and_the_contractors_own_id():
    # Given the contract's P1 day of 3 March, caused by a late event of BC-1 and a malformed message on BC-2
    entry = an_entry(entry_id=f"{POOL}-20260303", deadline_id=POOL, kind="P1", pooled=True, territory="69")
    causes = [a_cause(1, "BC-1"), a_cause(2, "BC-2", kind="F1", day=2)]
    s = statement("mgr-test", "ctr-test", None, "2026-03", [entry], causes, message_ids={"key1": "evt-0017"})
    [_, row, *_] = rows_of(statement_csv(s))
    # Then the deadline is told by the kinds of its causes, the orders and messages by their references
    assert row[1] == ("D1 — Partage d'un événement d'exécution (15 min) ; "
                      "F1 — Correction d'un message au format non conforme")
    assert row[3] == "BC-1, BC-2"
    assert row[4] == ("BC-1 : message evt-0017 — événement transmis en retard (plus de 15 min), 1er jour ; "
                      "BC-2 : message — message refusé pour son format, pas encore corrigé ce jour-là, 2e jour")
    assert (row[5], row[6], row[8], row[10]) == ("AC-1", "Rhône (69)", "due", "")
    assert POOL not in statement_csv(s).decode("utf-8")


def test_a_message_id_that_looks_like_a_formula_is_neutralised():
    entry = an_entry(entry_id=f"{POOL}-20260303", deadline_id=POOL, kind="P1", pooled=True)
    s = statement("mgr-test", "ctr-test", None, "2026-03", [entry], [a_cause(1, "BC-1")],
                  message_ids={"key1": "x"}, contract_titles={"AC-1": "=HYPERLINK(\"https://evil.example\")"})
    [_, row, *_] = rows_of(statement_csv(s))
    assert row[5].startswith("'=HYPERLINK")


def test_an_upheld_day_is_due_again_and_says_it_was_upheld_not_merely_due():
    # Given a day disputed, then upheld by the manager (« Maintenir »)
    disputed = an_entry().decide(DecisionAction.DISPUTE, "Accès fermé", "u1", AT)
    upheld = disputed.decide(DecisionAction.UPHOLD, "Accès vérifié ouvert", "u1", AT + dt.timedelta(hours=1))
    never = an_entry(entry_id=f"{HASHED}-d00002", day=2)
    s = statement("mgr-test", "ctr-test", None, "2026-03", [upheld, never, disputed.model_copy(
        update={"entry_id": f"{HASHED}-d00003", "day": 3})])
    # Then the upheld line is due, counted as due, and tells its last decision apart from a line never decided
    by_day = {line.day: line for line in s.lines}
    assert by_day[1].status.value == "accrued" and by_day[1].last_decision is DecisionAction.UPHOLD
    assert by_day[2].last_decision is None and by_day[3].last_decision is DecisionAction.DISPUTE
    assert s.accrued_cents == 30_000
    # And the CSV says so
    [header, *rows] = statement_rows(s)
    status = {row[2]: row[header.index("Statut")] for row in rows[:3]}
    assert status == {1: "due (maintenue)", 2: "due", 3: "contestée"}
