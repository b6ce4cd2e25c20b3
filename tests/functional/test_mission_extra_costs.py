"""B11 mission follow-up, the frais-annexes line of a mission's order followed by the timesheets' days on site,
over HTTPS on the emulators: a hybrid mission's timesheets say their days on site, the mission view follows the
line and the exact budget, the line is invoiced within the days on site reported; a remote mission takes none."""

from __future__ import annotations

import datetime as dt

import requests

from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.sourcing.records import Beneficiary, Professional
from shared.service.sourcing import missions, pool
from tests.builders import invoice_body
from tests.functional.erp import Erp
from tests.functional.test_reporting import TITULAIRE, History
from tests.sourcing_builders import SIRET_OTHER, a_beneficiary, a_professional

# pro-anne: 650 € a day, frais annexes 30 € + 20 € = 50 € a day on site (tests/sourcing_builders.py)
RATE, EXTRA = 65000, 5000


def two_missions(db, project_id: str) -> History:
    """ben-lyon's hybrid mission (j1 10 days, j2 5 days) and ben-annecy's fully remote one (k1 8 days), both with
    pro-anne, framed into orders to the titulaire by the platform's services."""
    uow = FirestoreUnitOfWork(db)
    for b in (a_beneficiary(), a_beneficiary("ben-annecy", name="Ville d'Annecy", siret=SIRET_OTHER, territory="74",
                                             requires_conflict_declaration=False)):
        pool.register_beneficiary(Beneficiary.model_validate(b, strict=False), uow)
    pool.upsert_professional(Professional.model_validate(a_professional("pro-anne"), strict=False), uow)
    history = History(db, project_id)
    history.search("ben-lyon", "recette-portail", "pro-anne", submitted=0, proposed=1)  # work mode: mixed
    history.search("ben-annecy", "api-mobilite", "pro-anne", submitted=0, proposed=1, work_mode="remote")
    start = (history.t0 + dt.timedelta(days=7)).date()
    history.frame("ben-lyon", "recette-portail", 2, start, [("j1", 10, 20), ("j2", 5, 40)])
    history.frame("ben-annecy", "api-mobilite", 2, start, [("k1", 8, 30)])
    return history


def test_a_hybrid_mission_follows_its_frais_annexes_line_by_the_days_on_site_and_a_remote_one_takes_none(
        platform, clean_firestore):
    platform.provision_contractor(TITULAIRE)
    history = two_missions(clean_firestore, platform.project_id)
    mission_id, order_id = missions.mission_id_for("recette-portail"), missions.order_id_for("recette-portail")
    titulaire, beneficiary = Erp(platform, "contractor", TITULAIRE), Erp(platform, "beneficiary", "ben-lyon")
    start = (history.t0 + dt.timedelta(days=7)).date()  # both missions' first day (two_missions)
    first_days = (start, start + dt.timedelta(days=11))  # a timesheet's period lies within its mission (B11)

    def timesheet(timesheet_id: str, milestone_id: str, days: str, b: str = "ben-lyon", m: str = mission_id,
                  **on_site) -> requests.Response:
        return titulaire.post("submit_timesheet", {
            "beneficiary_id": b, "mission_id": m, "timesheet_id": timesheet_id, "milestone_id": milestone_id,
            "period_start": first_days[0].isoformat(), "period_end": first_days[1].isoformat(), "days": days, **on_site})

    def mission_view() -> dict:
        answer = requests.get(platform.url("get_sourcing") + "/", params={"view": "mission", "mission_id": mission_id},
                              headers={"Authorization": f"Bearer {beneficiary.token}"}, timeout=30)
        assert answer.status_code == 200, answer.text
        return answer.json()

    # The hybrid mission's order holds a frais-annexes line of its 15 days at 50 €
    view = mission_view()
    assert view["work_mode"] == "mixed" and view["planned_budget_cents"] == 15 * (RATE + EXTRA)
    assert {k: view["extra_costs_follow_up"][k] for k in ("unit_price_cents", "days_planned", "remaining_cents")} == {
        "unit_price_cents": EXTRA, "days_planned": "15", "remaining_cents": 15 * EXTRA}
    # When the titulaire reports days without saying how many were on site, or more on site than worked
    for body, expected in (({}, "DAYS_ON_SITE_REQUIRED"), ({"days_on_site": "6.5"}, "DAYS_ON_SITE_ABOVE_DAYS")):
        refused = timesheet("TS-1", "j1", "6", **body)
        # Then it is refused with a structured error in French, and nothing is recorded
        assert refused.status_code == 422, refused.text
        [error] = refused.json()["errors"]
        assert (error["field"], error["code"]) == ("$.days_on_site", expected) and "sur site" in error["message"]
    # When it reports 6 days of which 2 on site on j1, then 3.5 of which 1.5 on j2, and the first again
    first = timesheet("TS-1", "j1", "6", days_on_site="2")
    assert first.status_code == 200, first.text
    assert first.json() == {"mission_id": mission_id, "timesheet_days": {"j1": "6"}, "timesheet_days_on_site": {"j1": "2"}}
    assert timesheet("TS-2", "j2", "3.5", days_on_site="1.5").status_code == 200
    again = timesheet("TS-1", "j1", "6", days_on_site="2")
    assert again.status_code == 200 and again.json()["timesheet_days_on_site"] == {"j1": "2", "j2": "1.5"}
    # And a timesheet beyond j2's 5 days is refused with what is left
    over = timesheet("TS-3", "j2", "2", days_on_site="2")
    assert [e["code"] for e in over.json()["errors"]] == ["TIMESHEET_DAYS_EXCEEDED"]
    # And the titulaire reads on its order each milestone's days planned, declared, on site and left, and its timesheets
    seen = titulaire.get_order(order_id, "ben-lyon").json()["mission"]
    assert [(m["milestone_id"], m["days_planned"], m["days_reported"], m["days_on_site_reported"], m["days_remaining"])
            for m in seen["milestones"]] == [("j1", 10, "6", "2", "4"), ("j2", 5, "3.5", "1.5", "1.5")]
    assert [(t["timesheet_id"], t["milestone_id"], t["period_start"], t["days"], t["days_on_site"])
            for t in seen["timesheets"]] == [("TS-1", "j1", first_days[0].isoformat(), "6", "2"),
                                             ("TS-2", "j2", first_days[0].isoformat(), "3.5", "1.5")]
    # Then the mission view counts the budget exactly and follows the frais-annexes line
    view = mission_view()
    assert view["budget"]["timesheet_cents"] == int(9.5 * RATE + 3.5 * EXTRA) == 635000
    assert [(m["days_reported"], m["days_on_site_reported"]) for m in view["milestones_follow_up"]] == [
        ("6", "2"), ("3.5", "1.5")]
    assert view["extra_costs_follow_up"] == {
        "line_id": "frais-annexes", "unit_price_cents": EXTRA, "days_planned": "15", "days_on_site_reported": "3.5",
        "amount_cents": 17500, "remaining_days": "11.5", "remaining_cents": 57500, "received": False,
        "days_invoiced": "0"}

    # When the titulaire reports j1 and the frais annexes done, and the beneficiary receives both like any line
    history.execute(order_id, 1, 4, state="acknowledged")
    history.execute(order_id, 2, 30, line_statuses=[{"line_id": "j1", "done": True},
                                                    {"line_id": "frais-annexes", "done": True}])
    received = beneficiary.post("record_reception", {
        "order_id": order_id, "occurred_at": (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat(),
        "lines": [{"line_id": "j1"}, {"line_id": "frais-annexes"}]})
    assert received.status_code == 200, received.text
    # Then an invoice billing 4 days of frais annexes with 3.5 days on site reported is refused with what is left
    refused = titulaire.post("submit_invoice", invoice_body("FA-1", order_id=order_id, manager_id="ben-lyon",
                                                            lines=[("frais-annexes", "4", EXTRA)], vat_rate="20"))
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["errors"]
    assert (error["field"], error["code"]) == ("$.lines[0].quantity", "INVOICE_EXTRA_COSTS_DAYS_EXCEEDED")
    assert "3,5 jours sur site déclarés, il en reste 3,5 à facturer" in error["message"]
    # And the 3.5 days are invoiced, beside j1's 6 days
    accepted = titulaire.post("submit_invoice", invoice_body("FA-2", order_id=order_id, manager_id="ben-lyon", lines=[
        ("j1", "6", RATE), ("frais-annexes", "3.5", EXTRA)], vat_rate="20"))
    assert accepted.status_code == 200, accepted.text
    follow_up = mission_view()["extra_costs_follow_up"]
    assert (follow_up["received"], follow_up["days_invoiced"]) == (True, "3.5")

    # On the fully remote mission: no frais-annexes line, no day on site
    remote = missions.mission_id_for("api-mobilite")
    on_site = timesheet("TS-R1", "k1", "3", b="ben-annecy", m=remote, days_on_site="1")
    assert on_site.status_code == 422, on_site.text
    assert [(e["field"], e["code"]) for e in on_site.json()["errors"]] == [
        ("$.days_on_site", "DAYS_ON_SITE_ON_REMOTE_MISSION")]
    plain = timesheet("TS-R1", "k1", "3", b="ben-annecy", m=remote)
    assert plain.status_code == 200 and plain.json()["timesheet_days_on_site"] == {"k1": "0"}
    annecy = Erp(platform, "beneficiary", "ben-annecy")
    remote_view = requests.get(platform.url("get_sourcing") + "/", params={"view": "mission", "mission_id": remote},
                               headers={"Authorization": f"Bearer {annecy.token}"}, timeout=30).json()
    assert remote_view["extra_costs_follow_up"] is None and remote_view["budget"]["timesheet_cents"] == 3 * RATE
