"""Sourcing from need to order, through HTTPS and the Pub/Sub push into score_candidates."""

from __future__ import annotations

import json
import time

import pytest
import requests

import datetime as dt

from devtools.stack import Stack
from devtools.tokens import emulator_token
from shared.domain import workdays
from tests.functional.erp import Erp
from tests.sourcing_builders import a_beneficiary, a_need_content, a_professional

# A proposal's availability is guaranteed until a date to come (a past one is GUARANTEE_IN_PAST)
GUARANTEED_UNTIL = (dt.date.today() + dt.timedelta(days=60)).isoformat()


class Client(Erp):
    def get(self, **params) -> requests.Response:
        return requests.get(self.stack.url("get_sourcing") + "/", params=params,
                            headers={"Authorization": f"Bearer {self.token}"}, timeout=30)

    def wait_result(self, need_id: str, version: int, wait: float = 30.0) -> dict:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            body = self.get(view="need", need_id=need_id).json()
            # read_need reads the record before the results: wait for both to show the scoring
            if (len(body["versions"]) >= version and body["versions"][version - 1]["result"]
                    and not (body["version"] == version and body["status"] == "acknowledged")):
                return body
            time.sleep(0.2)
        raise TimeoutError(f"no result for {need_id} v{version}")


@pytest.fixture
def sourcing(platform: Stack, clean_firestore):
    platform.provision_sourcing()
    platform.provision_contractor("ctr-titulaire")
    operator = Client(platform, "operator", "platform")
    beneficiary = Client(platform, "beneficiary", "ben-lyon")
    assert operator.post("register_beneficiary", a_beneficiary()).status_code == 201
    assert operator.post("register_beneficiary", a_beneficiary("ben-other", name="Ville d'Annecy")).status_code == 201
    return operator, beneficiary


def deadline_doc(db, deadline_id: str) -> dict:
    snap = db.collection("managers").document("ben-lyon").collection("deadlines").document(deadline_id).get()
    assert snap.exists, f"deadline {deadline_id} was not started"
    return snap.to_dict()


def jsonl(*records) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records).encode()


def test_a_need_goes_from_submission_to_scored_proposals_to_a_mission_and_its_order(sourcing, platform,
                                                                                   clean_firestore):
    operator, beneficiary = sourcing
    # Given a pool imported in bulk (one bad line) and one professional updated over HTTPS
    pool = jsonl(a_professional("pro-anne"), a_professional("pro-bruno", level="confirme", daily_rate_cents=55000),
                 a_professional("pro-chloe", skills=["développement Java"], summary="Développeuse backend",
                                service_types=["AMOE"]),
                 a_professional("pro-bad", siret="12345678901234"), "{not json")
    imported = operator.post("import_professionals", None, raw=pool, headers={"Content-Type": "application/x-ndjson"})
    assert imported.status_code == 200, imported.text
    report = imported.json()
    assert (report["accepted"], report["rejected"]) == (3, 2)
    assert [e["code"] for e in report["lines"][3]["errors"]] == ["INVALID_SIRET"]
    assert report["lines"][3]["errors"][0]["field"] == "$[4].siret"
    assert report["lines"][4]["errors"][0]["code"] == "MALFORMED_JSON"
    updated = operator.post("upsert_professional", a_professional("pro-anne", daily_rate_cents=68000))
    assert updated.status_code == 200 and updated.json()["outcome"] == "updated"

    # When the beneficiary submits a need
    submitted = beneficiary.post("submit_need", {"need_id": "recette-portail", "content": a_need_content()})
    # Then it is acknowledged at once with D4 running, and score_candidates ranks the pool
    assert submitted.status_code == 201, submitted.text
    assert submitted.json()["status"] == "acknowledged" and submitted.json()["d4"]["code"] == "D4"
    # and the deadline service runs that D4 in the beneficiary's space, due when the need says
    d4 = submitted.json()["d4"]
    started = deadline_doc(clean_firestore, d4["deadline_id"])
    assert (started["kind"], started["state"], started["tenant_id"]) == ("D4", "running", "ben-lyon")
    assert started["due_at"].isoformat().replace("+00:00", "Z") == d4["due_at"].replace("+00:00", "Z")
    need = beneficiary.wait_result("recette-portail", 1)
    result = need["versions"][0]["result"]
    assert need["status"] == "scored" and result["partial"] is False
    ranked = [c["professional_id"] for c in result["candidates"]]
    assert ranked[:2] == ["pro-anne", "pro-bruno"] or ranked[:2] == ["pro-bruno", "pro-anne"]
    assert "pro-chloe" not in ranked[:2]
    first = result["candidates"][0]
    assert set(first["criteria"]) >= {"text", "availability", "rate", "level"} and first["explanation"]

    # When the operator proposes, the beneficiary refuses and relaunches with a lower ceiling
    proposed = operator.post("propose_professionals", {
        "beneficiary_id": "ben-lyon", "need_id": "recette-portail", "version": 1,
        "proposals": [{"professional_id": "pro-anne", "guaranteed_until": GUARANTEED_UNTIL}]})
    assert proposed.status_code == 200, proposed.text
    assert proposed.json()["d4"]["stopped_at"] is not None
    # Then D4 is met in the deadline service too, with the proposal as evidence
    met = deadline_doc(clean_firestore, d4["deadline_id"])
    assert met["state"] == "met" and proposed.json()["d4"]["met"] is True
    assert met["evidence"][-1]["ref"] == "needs/recette-portail/versions/1/proposals"
    relaunched = beneficiary.post("decide_proposal", {
        "need_id": "recette-portail", "version": 1, "decision": "relaunch", "reason": "Trop cher",
        "content": a_need_content(daily_rate_ceiling_cents=60000)})
    assert relaunched.status_code == 200, relaunched.text
    assert relaunched.json()["version"] == 2
    assert deadline_doc(clean_firestore, relaunched.json()["d4"]["deadline_id"])["state"] == "running"
    need = beneficiary.wait_result("recette-portail", 2)
    # Then both versions and both results are kept, and the new ranking honours the new ceiling
    assert [v["version"] for v in need["versions"]] == [1, 2]
    assert need["versions"][0]["content"]["daily_rate_ceiling_cents"] == 70000
    assert need["versions"][1]["result"]["candidates"][0]["professional_id"] == "pro-bruno"

    # When the operator proposes pro-bruno and the beneficiary accepts
    assert operator.post("propose_professionals", {
        "beneficiary_id": "ben-lyon", "need_id": "recette-portail", "version": 2,
        "proposals": [{"professional_id": "pro-bruno", "guaranteed_until": GUARANTEED_UNTIL}]}).status_code == 200
    accepted = beneficiary.post("decide_proposal", {"need_id": "recette-portail", "version": 2, "decision": "accept",
                                                    "professional_id": "pro-bruno"})
    assert accepted.json()["status"] == "accepted"

    # Then framing without the required conflict declaration is refused, with it the order is issued
    framing = {"need_id": "recette-portail", "start_date": "2026-04-01", "end_date": "2026-06-30",
               "deliverables": ["Cahier de recette"],
               "milestones": [{"milestone_id": "j1", "label": "Stratégie de recette", "days": 10, "due": "2026-04-30"},
                              {"milestone_id": "j2", "label": "Recette", "days": 30, "due": "2026-06-30"}]}
    refused = beneficiary.post("frame_mission", framing)
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "CONFLICT_DECLARATION_REQUIRED"
    framing["conflict_declaration"] = {"signed_by": "Bruno", "signed_on": "2026-03-20", "no_conflict": True}
    framed = beneficiary.post("frame_mission", framing)
    assert framed.status_code == 201, framed.text
    mission = beneficiary.get(view="mission", mission_id=framed.json()["mission_id"]).json()
    assert mission["order"]["state"] == "to_acknowledge"
    # the mission is named by its order's title, the need's (B11: the screen's heading, never its id)
    assert mission["order"]["title"] == "Mission : Recette fonctionnelle du nouveau portail usagers"
    assert mission["budget"]["planned_cents"] == 40 * (55000 + 5000) == mission["budget"]["ordered_cents"]
    assert mission["budget"]["consumed_cents"] == 0
    # And the beneficiary follows that order and its documents like any manager (B7, A11)
    order_id = mission["order"]["order_id"]
    assert beneficiary.get_order(order_id).json()["order"]["manager_id"] == "ben-lyon"
    documents = requests.get(platform.url("get_documents") + "/", params={"order_id": order_id}, timeout=30,
                             headers={"Authorization": f"Bearer {beneficiary.token}"})
    assert documents.status_code == 200 and documents.json()["documents"] == []

    # And a replacement must be equivalent: same category and level, same rates
    requested = beneficiary.post("replace_professional", {"action": "request", "mission_id": mission["mission_id"],
                                                          "reason": "insufficiency"}).json()
    d6 = requested["replacements"][0]["deadline"]
    assert d6["code"] == "D6" and deadline_doc(clean_firestore, d6["deadline_id"])["state"] == "running"
    operator.post("upsert_professional", a_professional("pro-dora", level="confirme", daily_rate_cents=55000))
    operator.post("upsert_professional", a_professional("pro-eric", level="senior", daily_rate_cents=55000))
    wrong = operator.post("replace_professional", {"action": "propose", "beneficiary_id": "ben-lyon",
                                                   "mission_id": mission["mission_id"], "professional_id": "pro-eric"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["code"] == "REPLACEMENT_NOT_EQUIVALENT"
    right = operator.post("replace_professional", {"action": "propose", "beneficiary_id": "ben-lyon",
                                                   "mission_id": mission["mission_id"], "professional_id": "pro-dora"})
    assert right.status_code == 200 and right.json()["professional_id"] == "pro-dora"
    assert deadline_doc(clean_firestore, d6["deadline_id"])["state"] == "met"

    # And another beneficiary sees none of it; pool statistics count per service type and region
    other = Client(platform, "beneficiary", "ben-other")
    assert other.get(view="need", need_id="recette-portail").status_code == 404
    stats = operator.get(view="pool_statistics").json()
    assert stats["per_service_type"] == {"AMOA": 4, "AMOE": 1} and stats["per_region"]["84"]["count"] == 5


def test_d4_is_the_shorter_delay_the_agreement_states_and_priced_as_it_says(sourcing, platform, clean_firestore):
    operator, beneficiary = sourcing
    # Given the purchasing body records, from today, an offer presenting professionals within 5 working days
    # (003 §5.3: "dans le délai précisé dans son offre, qui ne peut être supérieur à 10 jours ouvrés"), priced P1
    purchasing = Client(platform, "purchasing_body", "canut")
    today = dt.datetime.now(dt.UTC).astimezone(workdays.PARIS).date()
    amended = purchasing.post("set_penalty_terms", {"beneficiary_id": "ben-lyon", "effective_from": today.isoformat(),
                                                    "reason": "Offre : propositions sous 5 jours ouvrés",
                                                    "terms": {"lengths": {"D4": 5}, "rules_by_kind": {"D4": "P1"}}})
    assert amended.status_code == 201, amended.text
    # When the beneficiary submits a need
    submitted = beneficiary.post("submit_need", {"need_id": "offre-courte", "content": a_need_content()})
    assert submitted.status_code == 201, submitted.text
    # Then its D4 runs 5 working days of the beneficiary's territory, not 10, priced P1 at 150 EUR a day
    d4 = deadline_doc(clean_firestore, submitted.json()["d4"]["deadline_id"])
    assert (d4["length_amount"], d4["length_unit"], d4["penalty_rule"], d4["daily_amount_cents"]) == (
        5, "working_days", "P1", 15_000)
    start = workdays.local_date(d4["started_at"], d4["territory"])
    assert d4["due_at"] == workdays.end_of_day(workdays.add_working_days(start, 5, d4["territory"]), d4["territory"])
    # And an offer may not lengthen it: more than 10 working days is refused
    longer = purchasing.post("set_penalty_terms", {"beneficiary_id": "ben-lyon", "effective_from": today.isoformat(),
                                                   "reason": "r", "terms": {"lengths": {"D4": 11}}})
    assert longer.status_code == 422 and longer.json()["errors"][0]["code"] == "DEADLINE_LENGTH_EXCEEDED"


def test_bad_sourcing_inputs_get_structured_errors(sourcing, platform):
    operator, beneficiary = sourcing
    # Given bad records and commands
    bad_beneficiary = operator.post("register_beneficiary", a_beneficiary("ben-x", siret="92443595100019", region="99"))
    bad_need = beneficiary.post("submit_need", {"need_id": "n1", "content": a_need_content(end_date="2026-01-01")})
    wrong_role = beneficiary.post("upsert_professional", a_professional("pro-z"))
    unknown = beneficiary.post("decide_proposal", {"need_id": "nope", "version": 1, "decision": "abandon"})
    missing = beneficiary.post("decide_proposal", {"need_id": "nope", "version": 1, "decision": "accept"})
    # Then every one is answered with problem+json: field, stable code, French message
    assert bad_beneficiary.status_code == 422
    assert {(e["field"], e["code"]) for e in bad_beneficiary.json()["errors"]} == {
        ("$.siret", "INVALID_SIRET"), ("$.region", "INVALID_VALUE")}
    assert bad_need.status_code == 422 and bad_need.json()["errors"][0]["code"] == "INVALID_PERIOD"
    assert wrong_role.status_code == 403
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["code"] == "NEED_NOT_FOUND"
    assert missing.status_code == 422 and missing.json()["errors"][0]["code"] == "REQUIRED_FOR_DECISION"
    assert all(e["message"] for r in (bad_beneficiary, bad_need, missing) for e in r.json()["errors"])


def test_the_purchasing_body_reads_the_pool_statistics_and_no_need_or_mission(sourcing, platform):
    operator, beneficiary = sourcing
    # Given a pool of two professionals and a need of the beneficiary
    imported = operator.post("import_professionals", None, raw=jsonl(
        a_professional("pro-anne"), a_professional("pro-chloe", service_types=["AMOE"])),
        headers={"Content-Type": "application/x-ndjson"})
    assert imported.status_code == 200 and imported.json()["accepted"] == 2, imported.text
    submitted = beneficiary.post("submit_need", {"need_id": "recette-portail", "content": a_need_content()})
    assert submitted.status_code == 201, submitted.text
    purchasing_body = Client(platform, "purchasing_body", "centrale-achats")
    # When the purchasing body reads the pool statistics (B14), then the need and a mission
    stats = purchasing_body.get(view="pool_statistics")
    need = purchasing_body.get(view="need", need_id="recette-portail", beneficiary_id="ben-lyon")
    mission = purchasing_body.get(view="mission", mission_id="M-1", beneficiary_id="ben-lyon")
    # Then the statistics are the operator's, and both other views are refused on the view asked for
    assert stats.status_code == 200, stats.text
    assert stats.json()["total"] == 2 and stats.json()["per_service_type"] == {"AMOA": 1, "AMOE": 1}
    assert stats.json() == operator.get(view="pool_statistics").json()
    for refused in (need, mission):
        assert refused.status_code == 403, refused.text
        assert refused.headers["Content-Type"] == "application/problem+json"
        assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [("query.view", "FORBIDDEN")]
        assert refused.json()["errors"][0]["message"] == "Vos droits ne permettent pas cette opération."
        assert "recette-portail" not in refused.text
    # and an account of the purchasing body without reports.read is refused the statistics too
    narrowed = emulator_token(platform.project_id, "u-centrale", role="purchasing_body", tenant="centrale-achats",
                              rights=["incidents.report"])
    no_right = requests.get(platform.url("get_sourcing") + "/", params={"view": "pool_statistics"},
                            headers={"Authorization": f"Bearer {narrowed}"}, timeout=30)
    assert no_right.status_code == 403 and no_right.json()["errors"][0]["code"] == "MISSING_RIGHT"


def test_the_purchasing_body_and_the_operator_list_the_beneficiaries_and_nobody_else_does(sourcing, platform):
    operator, beneficiary = sourcing
    purchasing_body = Client(platform, "purchasing_body", "centrale-achats")
    # When the purchasing body and the operator list the registered beneficiaries (B1 parties)
    listed = purchasing_body.get(view="beneficiaries")
    # Then both read the two of the fixture, by id, with what names them and never their contacts
    assert listed.status_code == 200, listed.text
    assert listed.json() == {"beneficiaries": [
        {"beneficiary_id": "ben-lyon", "name": "Métropole de Lyon", "siret": a_beneficiary()["siret"], "region": "84",
         "region_label": "Auvergne-Rhône-Alpes", "territory": "69", "territory_label": "Rhône"},
        {"beneficiary_id": "ben-other", "name": "Ville d'Annecy", "siret": a_beneficiary()["siret"], "region": "84",
         "region_label": "Auvergne-Rhône-Alpes", "territory": "69", "territory_label": "Rhône"}], "count": 2,
        "next_cursor": None}
    assert "claire.martin" not in listed.text
    assert operator.get(view="beneficiaries").json() == listed.json()
    # and a page after the first names only those that follow; a cursor that is no id is a structured 422
    assert [b["beneficiary_id"] for b in purchasing_body.get(view="beneficiaries", after="ben-lyon")
            .json()["beneficiaries"]] == ["ben-other"]
    bad = purchasing_body.get(view="beneficiaries", after="../managers")
    assert bad.status_code == 422 and [(e["field"], e["code"]) for e in bad.json()["errors"]] == [
        ("query.after", "INVALID_FORMAT")]
    # When a beneficiary asks for the list: 403 on the view, naming none of the others
    own = beneficiary.get(view="beneficiaries")
    assert own.status_code == 403, own.text
    assert own.headers["Content-Type"] == "application/problem+json"
    assert [(e["field"], e["code"]) for e in own.json()["errors"]] == [("query.view", "FORBIDDEN")]
    assert "ben-other" not in own.text and "Annecy" not in own.text
    # and a manager or a contractor is refused get_sourcing altogether, with the structured 403
    for role, tenant in (("manager", "mgr-test"), ("contractor", "ctr-titulaire")):
        refused = Client(platform, role, tenant).get(view="beneficiaries")
        assert refused.status_code == 403, refused.text
        assert refused.headers["Content-Type"] == "application/problem+json"
        assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [("header.Authorization", "FORBIDDEN")]
        assert "ben-lyon" not in refused.text
