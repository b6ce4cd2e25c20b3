"""A9 penalties on the emulators: the purchasing body sets a version of a beneficiary's agreement terms effective
in the future; the beneficiary (its own, without naming it), the purchasing body and the operator read every version
and the one in force today (get_sourcing?view=agreement); the titulaire receives the new version once on its
orders-<titulaire>-erp subscription as fr.passerelle.agreement.terms_changed.v1, after a same-Idempotency-Key retry;
another beneficiary reads only its own agreement, and a manager or a contractor reads none (403)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared.domain import workdays
from shared.service.sourcing.paths import Settings
from tests.functional.erp import Erp
from tests.functional.test_sourcing import Client, sourcing  # noqa: F401  (the fixture: ben-lyon, ben-other, titulaire)

pytestmark = pytest.mark.emulators

TITULAIRE, AGREEMENT = Settings().titulaire_id, Settings().contract_id


def test_a_version_to_come_is_read_by_the_beneficiary_and_the_purchasing_body_and_announced_to_the_titulaire_once(
        sourcing, platform):  # noqa: F811
    operator, beneficiary = sourcing
    titulaire = Erp(platform, "contractor", TITULAIRE)
    titulaire.pull(f"orders-{TITULAIRE}", wait=0.5)
    purchasing = Client(platform, "purchasing_body", "canut")
    today = dt.datetime.now(dt.UTC).astimezone(workdays.PARIS).date()
    # When the purchasing body sets the agreement's terms from ten days on, and retries with the same key
    later = today + dt.timedelta(days=10)
    body = {"beneficiary_id": "ben-lyon", "effective_from": later.isoformat(), "reason": "Convention, annexe pénalités",
            "terms": {"daily_amount_cents": {"P1": 20_000}, "rules_by_kind": {"D4": "P1", "D5": "P1"}}}
    amended = purchasing.post("set_penalty_terms", body, key="agreement-annexe-1")
    retried = purchasing.post("set_penalty_terms", body, key="agreement-annexe-1")
    assert amended.status_code == 201, amended.text
    assert (retried.status_code, retried.headers.get("Idempotent-Replayed"), retried.json()) == (
        201, "true", amended.json())
    # Then the titulaire receives one agreement.terms_changed, carrying the version to come
    [announced] = titulaire.pull(f"orders-{TITULAIRE}", wait=15, until=1)
    assert (announced.attributes["ce-type"], announced.attributes["ce-subject"], announced.ordering_key) == (
        "fr.passerelle.agreement.terms_changed.v1", "agreements/ben-lyon", "agreements/ben-lyon")
    data = json.loads(announced.data)
    terms = data["penalty_terms_versions"]
    assert (data["beneficiary_id"], data["contract_id"]) == ("ben-lyon", AGREEMENT)
    assert (terms["on"], terms["in_force_version"]) == (today.isoformat(), None)
    [version] = terms["versions"]
    assert (version["version"], version["effective_from"], version["terms"]["daily_amount_cents"], version["reason"],
            version["set_by"]) == (1, later.isoformat(), {"P1": 20_000}, "Convention, annexe pénalités", None)
    # And nothing more: the retry announced nothing
    assert titulaire.pull(f"orders-{TITULAIRE}", wait=3) == []
    # When the beneficiary reads its agreement (naming another beneficiary changes nothing), the purchasing body and
    # the operator name it
    own = beneficiary.get(view="agreement")
    naming_other = beneficiary.get(view="agreement", beneficiary_id="ben-other")
    by_body = purchasing.get(view="agreement", beneficiary_id="ben-lyon")
    by_operator = operator.get(view="agreement", beneficiary_id="ben-lyon")
    # Then all four read the same: the agreement, its version to come, none in force yet; the beneficiary, as the
    # titulaire, without which of the purchasing body's accounts set it
    assert [r.status_code for r in (own, naming_other, by_body, by_operator)] == [200] * 4, own.text
    assert own.json() == naming_other.json() == {"beneficiary_id": "ben-lyon", "contract_id": AGREEMENT,
                                                 "penalty_terms_versions": terms, "titulaire_id": TITULAIRE,
                                                 # B18: the beneficiary's clock, Lyon's
                                                 "territory": "69", "time_zone": "Europe/Paris",
                                                 "time_zone_label": "Heures de Paris"}
    assert by_body.json() == by_operator.json()
    [seen] = by_body.json()["penalty_terms_versions"]["versions"]
    assert seen == {**version, "set_by": "erp-canut"}
    # And the other beneficiary reads its own agreement only: no version
    other = Client(platform, "beneficiary", "ben-other").get(view="agreement", beneficiary_id="ben-lyon")
    assert (other.status_code, other.json()["beneficiary_id"], other.json()["penalty_terms_versions"]["versions"]) == (
        200, "ben-other", [])
    # And a manager or a contractor (the titulaire included) may not read it
    for role, tenant in (("manager", "mgr-test"), ("contractor", TITULAIRE)):
        refused = Client(platform, role, tenant).get(view="agreement", beneficiary_id="ben-lyon")
        assert refused.status_code == 403, refused.text
        assert "Convention" not in refused.text


def test_an_agreement_read_names_a_known_beneficiary(sourcing, platform, clean_firestore):  # noqa: F811
    clean_firestore.document(f"managers/mgr-test/contracts/{AGREEMENT}").set({"contract_id": AGREEMENT,
                                                                               "contractor_id": TITULAIRE})
    purchasing = Client(platform, "purchasing_body", "canut")
    unnamed, unknown = purchasing.get(view="agreement"), purchasing.get(view="agreement", beneficiary_id="ben-nobody")
    assert (unnamed.status_code, [(e["field"], e["code"]) for e in unnamed.json()["errors"]]) == (
        422, [("query.beneficiary_id", "REQUIRED")])
    assert (unknown.status_code, [(e["field"], e["code"]) for e in unknown.json()["errors"]]) == (
        404, [("query.beneficiary_id", "BENEFICIARY_NOT_FOUND")])
    assert unknown.json()["errors"][0]["message"] == "Bénéficiaire « ben-nobody » inconnu de la plateforme."
    # A manager's space is no beneficiary, even with a contract of the framework contract's id
    assert purchasing.get(view="agreement", beneficiary_id="mgr-test").status_code == 404
