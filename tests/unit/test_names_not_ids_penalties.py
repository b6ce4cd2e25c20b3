"""Names, not ids, where people read them (A9 penalties, B5 accounts, B11 missions): who set each penalty terms
version by name (for the party whose accounts they are), the orders behind a statement's lines by their titles, the
need's mission by its title — each read in a batch, never one read per row."""

from __future__ import annotations

import datetime as dt

from shared.domain.contract_terms import SetPenaltyTerms
from shared.domain.penalties import PenaltyTerms, statement, statement_rows
from shared.domain.sourcing.views import NeedView
from shared.service import deadlines, penalty_terms, perimeter_reads
from shared.service.sourcing import agreements, missions, needs
from tests.builders import MANAGER, an_order
from tests.quote_builders import CONTRACT_ID
from tests.unit.test_agreement_terms import AGREEMENT, registered
from tests.unit.test_penalty_statement_names import HASHED, POOL, a_cause, an_entry
from tests.unit.test_penalty_terms_versions import a_world
from tests.unit.test_quote_mission_titles import Counting
from tests.unit.test_sourcing_services import B, accepted, framing
from tests.unit.test_sourcing_services import a_world as a_sourcing_world


class Forking(Counting):
    """Counting, its forks too (read_need reads through a fork: one snapshot)."""

    def fork(self):
        forked = Forking(self.uow.fork())
        forked.gets, forked.batches = self.gets, self.batches
        return forked


def an_account(world, uid: str, role: str, tenant: str, name: str | None, email: str = "") -> None:
    world.seed(f"accounts/{uid}", {"uid": uid, "email": email or f"{uid}@exemple.fr", "display_name": name,
                                   "claims": {"role": role, "tenant": tenant}})


def set_by(world, uid: str, day: dt.date, role: str = "manager", tenant: str = MANAGER, **target) -> None:
    command = SetPenaltyTerms(effective_from=day, terms=PenaltyTerms(daily_amount_cents={"P1": 20_000}),
                              reason="Avenant", **(target or {"contract_id": CONTRACT_ID}))
    penalty_terms.set_penalty_terms(role, tenant, uid, command, AGREEMENT, world.uow(), world.clock)


# --- 1. « Fixée par » --------------------------------------------------------------------------------------------


def test_the_manager_reads_who_set_each_version_by_name_in_one_batch_the_uid_without_an_account_record():
    # Given versions set by two of the manager's accounts (one without a display name), a machine identity, and an
    # account of another party (a uid reused by no one the manager knows)
    world = a_world()
    an_account(world, "u-lea", "manager", MANAGER, "Léa Martin")
    an_account(world, "u-noname", "manager", MANAGER, None, email="achats@bailleur.fr")
    an_account(world, "u-other", "manager", "mgr-other", "Paul Autre")
    for i, uid in enumerate(("u-lea", "u-noname", "erp-sans-compte", "u-other", "u-lea")):
        set_by(world, uid, dt.date(2026, 4, 1 + i))
    uow = Counting(world.uow())
    # When the manager reads its contract
    read = perimeter_reads.get_contract("manager", MANAGER, "", CONTRACT_ID, uow, world.clock)
    # Then the versions' accounts are named: their display name, else their e-mail; a uid with no account record of
    # the manager's own (a machine identity, another party's account) is left out — the screen shows the uid
    terms = read["penalty_terms_versions"]
    assert terms["set_by_names"] == {"u-lea": "Léa Martin", "u-noname": "achats@bailleur.fr"}
    assert [v["set_by"] for v in terms["versions"]] == ["u-lea", "u-noname", "erp-sans-compte", "u-other", "u-lea"]
    # And the accounts were read in ONE batch, not one read per version
    assert [b for b in uow.batches if any(p.startswith("accounts/") for p in b)] == [
        ["accounts/erp-sans-compte", "accounts/u-lea", "accounts/u-noname", "accounts/u-other"]]
    assert not [p for p in uow.gets if p.startswith("accounts/")]


def test_the_contractor_learns_neither_the_manager_s_account_ids_nor_their_names():
    world = a_world()
    an_account(world, "u-lea", "manager", MANAGER, "Léa Martin")
    set_by(world, "u-lea", dt.date(2026, 4, 1))
    read = perimeter_reads.get_contract("contractor", "ctr-test", MANAGER, CONTRACT_ID, world.uow(), world.clock)
    terms = read["penalty_terms_versions"]
    assert [v["set_by"] for v in terms["versions"]] == [None]
    assert terms["set_by_names"] == {}
    assert "Léa Martin" not in repr(read)


def test_an_agreement_names_the_purchasing_body_s_accounts_for_it_and_the_operator_never_for_the_beneficiary():
    world = registered("ben-lyon")
    an_account(world, "u-canut", "purchasing_body", "canut", "Camille Canut")
    set_by(world, "u-canut", dt.date(2026, 3, 3), role="purchasing_body", tenant="canut", beneficiary_id="ben-lyon")

    def names(**reading):
        return agreements.read_agreement("ben-lyon", world.uow(), world.clock, **reading)[
            "penalty_terms_versions"]["set_by_names"]

    assert names(reader=("purchasing_body", "canut")) == {"u-canut": "Camille Canut"}
    assert names(reader=("operator", "platform")) == {"u-canut": "Camille Canut"}
    # another purchasing body would not learn them, nor the beneficiary (no account ids at all)
    assert names(reader=("purchasing_body", "autre")) == {}
    assert names(accounts=False, reader=("beneficiary", "ben-lyon")) == {}


# --- 2. the orders behind a statement's lines ----------------------------------------------------------------------


def test_a_statement_names_its_orders_by_title_with_their_ids_in_the_csv():
    one = an_entry()
    pooled = an_entry(entry_id=f"{POOL}-20260303", deadline_id=POOL, kind="P1", pooled=True, territory="69")
    s = statement("mgr-test", "ctr-test", None, "2026-03", [one, pooled], [a_cause(1, "BC-1"), a_cause(2, "BC-2")],
                  orders={HASHED: "BC-42"}, order_titles={"BC-42": "Ascenseur bloqué", "BC-1": "Réfection toiture"})
    assert s.order_titles == {"BC-42": "Ascenseur bloqué", "BC-1": "Réfection toiture"}
    [header, *rows] = statement_rows(s)
    by_kind = {row[header.index("Délai")][:2]: row for row in rows[:2]}
    assert by_kind["D8"][header.index("Commande")] == "Ascenseur bloqué (BC-42)"
    # a pooled day: each order by its title and id; one whose title is unknown by its id alone
    assert by_kind["D1"][header.index("Commande")] == "Réfection toiture (BC-1), BC-2"
    assert by_kind["D1"][header.index("Messages en cause")].startswith("Réfection toiture (BC-1) : message — ")
    assert " ; BC-2 : message — " in by_kind["D1"][header.index("Messages en cause")]


def test_the_monthly_statement_reads_its_orders_titles_in_at_most_two_batches_whatever_the_month():
    # Given a month with many pooled days' causes on 6 orders and the days of one deadline on order BC-9
    world = a_world()
    for i in range(1, 10):
        world.seed_order(an_order(f"BC-{i}", contract_id=CONTRACT_ID, contractor_id="ctr-test", title=f"Chantier {i}"))
    world.seed(f"managers/{MANAGER}/deadlines/{HASHED}", {"deadline_id": HASHED, "order_id": "BC-9"})
    entries = [an_entry(tenant_id=MANAGER, contractor_id="ctr-test", contract_id=CONTRACT_ID,
                        entry_id=f"{HASHED}-d0000{d}", day=d) for d in (1, 2)]
    causes = [a_cause(n, f"BC-{1 + n % 6}") for n in range(30)]
    uow = Counting(world.uow())
    names = deadlines.statement_names(uow, MANAGER, "ctr-test", entries, causes)
    # Then every order is named by its title
    assert names["order_titles"] == {f"BC-{i}": f"Chantier {i}" for i in (1, 2, 3, 4, 5, 6, 9)}
    assert names["orders"] == {HASHED: "BC-9"}
    # And read in two batches (the causes' orders with the deadlines; the deadlines' orders after), no single read
    order_batches = [sorted(p for p in b if "/orders/" in p) for b in uow.batches]
    assert [b for b in order_batches if b] == [[f"managers/{MANAGER}/orders/BC-{i}" for i in range(1, 7)],
                                               [f"managers/{MANAGER}/orders/BC-9"]]
    assert not [p for p in uow.gets if "/orders/" in p]


def test_an_order_already_read_for_a_cause_is_not_read_again_and_a_month_without_orders_reads_none():
    world = a_world()
    world.seed_order(an_order("BC-1", contract_id=CONTRACT_ID, contractor_id="ctr-test", title="Chantier 1"))
    world.seed(f"managers/{MANAGER}/deadlines/{HASHED}", {"deadline_id": HASHED, "order_id": "BC-1"})
    uow = Counting(world.uow())
    names = deadlines.statement_names(uow, MANAGER, "ctr-test", [an_entry(tenant_id=MANAGER)], [a_cause(1, "BC-1")])
    assert names["order_titles"] == {"BC-1": "Chantier 1"} and len(uow.batches) == 1
    assert deadlines.statement_names(Counting(world.uow()), MANAGER, "ctr-test", [], []) == {}


# --- 3. the need's mission ----------------------------------------------------------------------------------------


def test_a_need_names_its_mission_by_its_order_s_title_read_in_the_need_s_batch():
    world = a_sourcing_world()
    accepted(world)
    # Before its mission is framed, it names none (and reads no order)
    before = Forking(world.uow())
    assert needs.read_need(B, "n1", before)["mission_title"] is None
    assert not [p for b in before.batches for p in b if "/orders/" in p]
    mission = missions.frame_mission(B, framing(), world.uow(), world.clock)
    uow = Forking(world.uow())
    read = needs.read_need(B, "n1", uow)
    title = world.order(B, missions.order_id_for("n1")).title
    assert (read["mission_id"], read["mission_title"]) == (mission.mission_id, title)
    assert title.startswith("Mission : ")
    assert NeedView.model_validate(read, strict=False).mission_title == title
    # in the batch of the need's own records, never a read of its own
    assert not [p for p in uow.gets if "/orders/" in p]
    assert sum(1 for b in uow.batches for p in b if "/orders/" in p) == 1


def test_a_need_whose_mission_order_is_not_that_mission_s_names_no_title():
    assert needs._mission_title({"title": "Mission : X", "mission_id": "autre"}, "n1-mission") is None
    assert needs._mission_title(None, "n1-mission") is None
    assert needs._mission_title({"title": "  ", "mission_id": "m"}, "m") is None
    assert needs._mission_title({"title": "Mission : X", "mission_id": "m"}, "m") == "Mission : X"
    # an order stored before orders kept their mission_id is the mission's all the same (its id is the need's)
    assert needs._mission_title({"title": "Mission : X"}, "m") == "Mission : X"
    assert needs._mission_title({"title": "Mission : X"}, None) is None
