"""Reports of part B (B6, B17) through HTTPS, over a history built with the platform's services.

The history is dated inside the last half-year that has ended (the services run in-process on
the emulators with an injected clock); the reports, the CSV and the half-year job are then
called over HTTP, as clients and Cloud Scheduler do.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests

from devtools.tokens import emulator_token
from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.adapters.document_files import GcsDocumentFiles
from shared.adapters.report_files import GcsReportFiles
from shared.domain.documents import AttachFields, DocumentKind
from shared.domain.messages import EventType
from shared.domain.sourcing import reporting as rep
from shared.domain.sourcing.messages import DecideProposal, FrameMission, ProposeProfessionals, SubmitNeed
from shared.domain.sourcing.records import Beneficiary, Professional
from shared.ports import InboundMessage
from shared.service import documents as document_service
from shared.service.executions import record_execution
from shared.service.sourcing import missions, needs, paths, pool
from shared.service.transaction import transact
from tests.conftest import register_beneficiary
from tests.fakes import FixedClock
from tests.dates import paris_today
from tests.pdfs import a_pdf
from tests.sourcing_builders import SIRET_CANUT, SIRET_OTHER, a_beneficiary, a_need_content, a_professional

pytestmark = pytest.mark.emulators

TITULAIRE = "ctr-titulaire"


def a_monday_after(day: dt.date) -> dt.datetime:
    while day.weekday() != 0:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC)


class History:
    """ben-lyon: two searches validated (one answered in 2 days, one after 30), a mission whose first
    milestone is done with its proof of service; ben-annecy: one search validated, a mission ordered."""

    def __init__(self, db, project_id: str):
        self.uow = FirestoreUnitOfWork(db)
        self.clock = FixedClock(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        self.files = GcsDocumentFiles(project_id, f"{project_id}-passerelle-documents")
        self.label = rep.last_completed_half_year(rep.paris_date(dt.datetime.now(dt.UTC)))
        self.period = rep.half_year(self.label)
        self.t0 = a_monday_after(self.period.start + dt.timedelta(days=14))

    def at(self, days: float) -> FixedClock:
        self.clock.at = self.t0 + dt.timedelta(days=days)
        return self.clock

    def build(self) -> History:
        for b in (a_beneficiary(), a_beneficiary("ben-annecy", name="Ville d'Annecy", siret=SIRET_OTHER,
                                                 territory="74", requires_conflict_declaration=False)):
            pool.register_beneficiary(Beneficiary.model_validate(b, strict=False), self.uow)
        for p in (a_professional("pro-anne", name="Anne Durand"),
                  a_professional("pro-bruno", name="Bruno Petit", daily_rate_cents=55_000,
                                 profile_category="DEVELOPPEUR")):
            pool.upsert_professional(Professional.model_validate(p, strict=False), self.uow)
        self.search("ben-lyon", "recette-portail", "pro-anne", submitted=0, proposed=2)
        self.search("ben-lyon", "refonte-intranet", "pro-anne", submitted=1, proposed=31)
        self.search("ben-annecy", "api-mobilite", "pro-bruno", submitted=0, proposed=1)
        start = (self.t0 + dt.timedelta(days=7)).date()
        self.frame("ben-lyon", "recette-portail", 3, start, [("j1", 10, 20), ("j2", 5, 60)])
        self.frame("ben-annecy", "api-mobilite", 3, start, [("k1", 8, 30)])
        # The titulaire acknowledges the order, reports milestone j1 done, and attaches the proof of service
        order_id = missions.order_id_for("recette-portail")
        self.execute(order_id, 1, 4, state="acknowledged")
        self.execute(order_id, 2, 30, line_statuses=[{"line_id": "j1", "done": True}])
        document_service.attach_document(TITULAIRE, AttachFields(manager_id="ben-lyon", order_id=order_id,
                                                                 kind=DocumentKind.SERVICE_DONE),
                                         "service-fait-j1.pdf", a_pdf("Service fait"), self.uow.fork(), self.files,
                                         self.at(31), "u-titulaire")
        return self

    def search(self, b: str, need_id: str, professional_id: str, submitted: float, proposed: float,
               **content) -> None:
        needs.submit_need(b, SubmitNeed.model_validate({"need_id": need_id, "content": a_need_content(**content)},
                                                       strict=False),
                          self.uow, self.at(submitted))

        def scored() -> None:  # what score_candidates leaves behind (its own tests cover it): a result, the need scored
            self.uow.create(paths.result(b, need_id, 1), {"need_id": need_id, "version": 1, "candidates": [
                {"professional_id": professional_id, "name": professional_id, "rank": 1, "total": 0.9,
                 "partial": False, "missed": [], "explanation": "Correspond au besoin", "daily_rate_cents": 65_000}]})
            self.uow.get(paths.need(b, need_id))
            self.uow.update(paths.need(b, need_id), {"status": "scored"})

        transact(self.uow, scored)
        needs.propose(ProposeProfessionals.model_validate({
            "beneficiary_id": b, "need_id": need_id, "version": 1,
            "proposals": [{"professional_id": professional_id, "guaranteed_until": "2099-12-31"}]}, strict=False),
            self.uow, self.at(proposed))
        needs.decide(b, DecideProposal.model_validate({"need_id": need_id, "version": 1, "decision": "accept",
                                                       "professional_id": professional_id}, strict=False),
                     self.uow, self.at(proposed + 0.1))

    def frame(self, b: str, need_id: str, day: float, start: dt.date, milestones: list[tuple[str, int, int]]) -> None:
        end = start + dt.timedelta(days=max(due for _, _, due in milestones))
        command = {"need_id": need_id, "start_date": start.isoformat(), "end_date": end.isoformat(),
                   "deliverables": ["Livrable"],
                   "milestones": [{"milestone_id": m, "label": f"Jalon {m}", "days": days,
                                   "due": (start + dt.timedelta(days=due)).isoformat()} for m, days, due in milestones]}
        if b == "ben-lyon":
            command["conflict_declaration"] = {"signed_by": "Anne Durand", "signed_on": start.isoformat(),
                                               "no_conflict": True}
        missions.frame_mission(b, FrameMission.model_validate(command, strict=False), self.uow, self.at(day))

    def execute(self, order_id: str, sequence: int, day: float, **fields) -> None:
        clock = self.at(day)
        report = {"manager_id": "ben-lyon", "order_id": order_id, "sequence": sequence,
                  "occurred_at": (clock.now() - dt.timedelta(minutes=1)).isoformat(),
                  "event": {"label": f"Événement {sequence}"}, **fields}
        reply = record_execution(InboundMessage(
            contractor_id=TITULAIRE, channel="rest", source="//erp.titulaire/", id=f"{order_id}-{sequence}",
            type=EventType.EXECUTION_REPORTED.value, received_at=clock.now(), data=json.dumps(report).encode()),
            self.uow.fork(), clock)
        assert reply.status.value == "accepted", reply


@pytest.fixture
def history(platform, clean_firestore) -> History:
    return History(clean_firestore, platform.project_id).build()


def get(platform, token: str, **params) -> requests.Response:
    return requests.get(platform.url("get_report") + "/", params=params, timeout=60,
                        headers={"Authorization": f"Bearer {token}"})


def token(platform, role: str, tenant: str) -> str:
    return emulator_token(platform.project_id, f"u-{role}-{tenant}", role=role, tenant=tenant)


def test_a_beneficiary_reads_its_own_report_in_json_and_french_csv_and_nobody_elses(platform, history):
    lyon, annecy = token(platform, "beneficiary", "ben-lyon"), token(platform, "beneficiary", "ben-annecy")
    period = {"from": history.period.start.isoformat(), "to": history.period.end.isoformat()}
    # When ben-lyon asks for its report over the half-year
    answer = get(platform, lyon, view="beneficiary", **period)
    # Then it sees its two validated searches, Anne's 10 days at 650 € with one proof of service,
    # two answers (one within D4, one after 30 days: late)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["beneficiary_id"], body["siret"]) == ("ben-lyon", SIRET_CANUT)
    assert sorted(s["need_id"] for s in body["validated_searches"]) == ["recette-portail", "refonte-intranet"]
    assert [(p["professional_id"], p["name"], p["period_cents"], p["proofs_of_service"])
            for p in body["professionals"]] == [("pro-anne", "Anne Durand", 650_000, 1)]
    assert body["revenue_cents"] == 650_000
    assert body["response_delays"]["answered"] == 2 and body["response_delays"]["p90_working_days"] > 10
    assert (body["late_answers"]["due"], body["late_answers"]["late"], body["late_answers"]["late_percent"]) == (2, 1, 50.0)
    # And the same report in French CSV
    csv_answer = get(platform, lyon, view="beneficiary", format="csv", **period)
    assert csv_answer.status_code == 200 and csv_answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_answer.content.startswith("\ufeff".encode())
    rows = csv_answer.content.decode("utf-8-sig").split("\r\n")
    assert f"Rapport bénéficiaire;Métropole de Lyon;SIRET;{SIRET_CANUT}" == rows[0]
    # (its mission by its order's title, its id in parentheses: the beneficiary's own report)
    title = a_need_content()["title"]  # the order's « Mission : <title> », its « Missions » column says it already
    assert f"pro-anne;Anne Durand;{title} (recette-portail-mission);1;6500,00;6500,00" in rows
    # When ben-annecy reads its own report, then only its own search is there
    own = get(platform, annecy, view="beneficiary", **period).json()
    assert [s["need_id"] for s in own["validated_searches"]] == ["api-mobilite"] and own["professionals"] == []
    # When it names ben-lyon, or asks for the purchasing body's view, it is refused
    for params in ({"view": "beneficiary", "beneficiary_id": "ben-lyon"}, {"view": "purchasing_body"}):
        refused = get(platform, annecy, **params, **period)
        assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "FORBIDDEN"
    # And the operator reads any beneficiary's report by naming it
    assert get(platform, token(platform, "operator", "platform"), view="beneficiary", beneficiary_id="ben-lyon",
               **period).json()["revenue_cents"] == 650_000


def test_managers_and_contractors_get_no_report_and_bad_queries_are_named(platform, history):
    for role, tenant in (("manager", "ben-lyon"), ("contractor", TITULAIRE)):
        refused = get(platform, token(platform, role, tenant), view="beneficiary")
        assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "FORBIDDEN"
    bad = get(platform, token(platform, "beneficiary", "ben-lyon"), view="beneficiary", format="xls", **{"from": "hier"})
    assert bad.status_code == 400
    assert {(e["field"], e["code"]) for e in bad.json()["errors"]} == {("query.format", "INVALID_VALUE")}
    bad = get(platform, token(platform, "beneficiary", "ben-lyon"), view="beneficiary", **{"from": "hier"})
    assert [(e["field"], e["code"]) for e in bad.json()["errors"]] == [("query.from", "INVALID_FORMAT")]


def test_the_purchasing_body_reads_aggregates_and_the_half_year_report_is_stored_once(platform, history,
                                                                                   clean_firestore):
    body_token = token(platform, "purchasing_body", "canut")
    period = {"from": history.period.start.isoformat(), "to": history.period.end.isoformat()}
    # When the purchasing body asks for its report over the half-year
    answer = get(platform, body_token, view="purchasing_body", **period)
    # Then it sees both orders: Lyon 15 days at 650 € + 15 days of extra costs at 50 € (10 500 €),
    # Annecy 8 days at 550 € + 8 × 50 € (4 800 €), per SIRET, and the gains against reference rates
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["volume"]["cents"], report["volume"]["orders"]) == (1_530_000, 2)
    assert {(b["siret"], b["cents"]) for b in report["beneficiaries"]} == {(SIRET_CANUT, 1_050_000),
                                                                           (SIRET_OTHER, 480_000)}
    assert {o["order_id"]: o["consumed_cents"] for o in report["orders"]} == {
        "BC-api-mobilite": 0, "BC-recette-portail": 650_000}
    # 15 × (750 − 650) + 8 × (600 − 550) = 1 500 + 400 = 1 900 €
    assert report["gains"]["gain_cents"] == 190_000
    # And nothing of the needs' content reaches it, only aggregates
    content = a_need_content()
    assert content["title"] not in answer.text and content["summary"][:40] not in answer.text
    assert "Livrable" not in answer.text and "Jalon" not in answer.text
    # When Cloud Scheduler calls the half-year job
    first = requests.post(platform.url("publish_half_year_report") + "/", data=b"{}", timeout=120,
                          headers={"Content-Type": "application/json"})
    # Then the report of the half-year just ended is stored and recorded
    assert first.status_code == 201, first.text
    record = first.json()
    assert (record["report_id"], record["volume_cents"], record["created"]) == (
        f"half-year-{history.label}", 1_530_000, True)
    files = GcsReportFiles(platform.project_id, f"{platform.project_id}-passerelle-documents")
    stored = sorted(b.name for b in files.client.list_blobs(files.bucket, prefix=f"reports/half-year/{history.label}/"))
    # When it runs again, then nothing new is written
    second = requests.post(platform.url("publish_half_year_report") + "/", data=b"{}", timeout=120,
                           headers={"Content-Type": "application/json"})
    assert second.status_code == 200 and second.json()["created"] is False
    assert second.json()["json_object"] == record["json_object"]
    assert sorted(b.name for b in files.client.list_blobs(files.bucket, prefix=f"reports/half-year/{history.label}/")) \
        == stored
    assert [d.id for d in clean_firestore.collection("steering").stream()] == [record["report_id"]]
    # And a half-year not yet ended cannot be produced early
    today = paris_today()  # the platform's half-years are Paris's: at 23:30 UTC on 30 June, H1 has ended there
    current = f"{today.year}-H{1 if today.month <= 6 else 2}"
    early = requests.post(platform.url("publish_half_year_report") + "/", data=json.dumps({"half_year": current}),
                          timeout=60, headers={"Content-Type": "application/json"})
    assert early.status_code == 422 and early.json()["errors"][0]["code"] == "HALF_YEAR_NOT_ENDED"
    # And the purchasing body lists it and downloads its French CSV through a signed URL
    listed = get(platform, body_token, view="half_year_reports").json()["reports"]
    assert [r["report_id"] for r in listed] == [record["report_id"]]
    table = requests.get(listed[0]["csv_url"], timeout=30)
    assert table.status_code == 200 and table.content.startswith("\ufeff".encode())
    assert "Total;2;15300,00" in table.content.decode("utf-8-sig").split("\r\n")
    assert json.loads(requests.get(listed[0]["json_url"], timeout=30).content)["volume"]["cents"] == 1_530_000
    # And a beneficiary cannot list them
    assert get(platform, token(platform, "beneficiary", "ben-lyon"), view="half_year_reports").status_code == 403


def test_a_beneficiary_registered_by_its_name_alone_is_reported_its_siret_shown_missing(platform, history,
                                                                                       clean_firestore):
    # Given a beneficiary whose record has only a name (as the registry's tests write it: no SIRET, region, territory),
    # with an order in its space (ben-lyon's, copied under its own id)
    register_beneficiary(clean_firestore, "ben-nom-seul", "Commune sans SIRET")
    order = clean_firestore.document("managers/ben-lyon/orders/BC-recette-portail").get().to_dict()
    clean_firestore.document("managers/ben-nom-seul/orders/BC-nom-seul").set(
        {**order, "manager_id": "ben-nom-seul", "order_id": "BC-nom-seul"})
    period = {"from": history.period.start.isoformat(), "to": history.period.end.isoformat()}
    body_token, operator = token(platform, "purchasing_body", "canut"), token(platform, "operator", "platform")
    # When the purchasing body reads its report (B17), then it is answered, the beneficiary counted, its SIRET null
    answer = get(platform, body_token, view="purchasing_body", **period)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert {b["beneficiary_id"]: (b["name"], b["siret"], b["cents"]) for b in report["beneficiaries"]}[
        "ben-nom-seul"] == ("Commune sans SIRET", None, 1_050_000)
    assert {o["order_id"]: o["siret"] for o in report["orders"]}["BC-nom-seul"] is None
    assert report["volume"]["orders"] == 3
    # And its French CSV says the SIRET is missing
    rows = get(platform, body_token, view="purchasing_body", format="csv", **period).content.decode("utf-8-sig")
    assert "Commune sans SIRET (SIRET manquant);" in rows and "\r\nBC-nom-seul;ben-nom-seul;manquant;" in rows
    # When the operator reads its report (B6), then it is answered on Paris's calendar (its record names no territory)
    own = get(platform, operator, view="beneficiary", beneficiary_id="ben-nom-seul", **period)
    assert own.status_code == 200, own.text
    assert (own.json()["name"], own.json()["siret"], own.json()["territory"]) == ("Commune sans SIRET", None, "75")
    own_csv = get(platform, operator, view="beneficiary", beneficiary_id="ben-nom-seul", format="csv", **period)
    assert own_csv.content.decode("utf-8-sig").split("\r\n")[0] == "Rapport bénéficiaire;Commune sans SIRET;SIRET;manquant"
    # And the beneficiaries' list the purchasing body picks from (B1 parties) shows it, what it lacks null
    listed = requests.get(platform.url("get_sourcing") + "/", params={"view": "beneficiaries"}, timeout=60,
                          headers={"Authorization": f"Bearer {body_token}"})
    assert listed.status_code == 200, listed.text
    row = {b["beneficiary_id"]: b for b in listed.json()["beneficiaries"]}["ben-nom-seul"]
    assert (row["name"], row["siret"], row["region"], row["territory"]) == ("Commune sans SIRET", None, None, None)
    # And the operator's directory (« Annuaire ») lists it too
    directory = requests.get(platform.url("list_parties") + "/", params={"kind": "beneficiary"}, timeout=60,
                             headers={"Authorization": f"Bearer {operator}"})
    assert directory.status_code == 200, directory.text
    assert {p["id"]: p["siret"] for p in directory.json()["parties"]}["ben-nom-seul"] is None
