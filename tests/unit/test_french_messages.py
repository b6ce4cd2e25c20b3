"""The French message a person reads names no API field, operation or value; the structured error keeps
its ``field`` and ``code`` for the connectors (A4 structured errors)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from shared.domain import orders
from shared.domain.documents import DocumentKind
from shared.domain.errors import CATALOGUE, ErrorDetail
from devtools.contracts.web_labels import WEB_RIGHTS, rights_module
from shared.domain.identity import RIGHT_LABELS, ROLE_LABELS, Right, Role
from shared.domain.sourcing.deliverables import deliverable_errors
from shared.domain.sourcing.process import Mission, replacement_errors
from shared.domain.sourcing.records import Professional
from tests.sourcing_builders import a_professional

# an identifier as the API spells it: snake_case (lift_reservation, days_on_site) or dotted (public_invoicing.buyer_siret)
API_NAME = re.compile(r"(?<![\w{])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w}])|(?<![\w{])[a-z_]+\.[a-z_]+(?![\w}])")


def _api_names(text: str) -> list[str]:
    return API_NAME.findall(re.sub(r"\{[^}]*\}", "", text))


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_no_catalogue_message_names_an_api_field_or_operation(code):
    assert _api_names(CATALOGUE[code]) == [], CATALOGUE[code]


def test_no_transition_requirement_names_an_api_field_or_operation():
    requirements = [value for value in vars(orders).values() if isinstance(value, orders.Requirement)]
    assert len(requirements) >= 8
    for requirement in requirements:
        assert _api_names(requirement.label) == [] and "(" not in requirement.label, requirement.label


def test_a_refused_closing_keeps_its_field_and_code_and_reads_french_only():
    # Given the requirement of lifting every reservation, when it is not met
    error = ErrorDetail.of(orders.NO_OPEN_RESERVATION.field, "MISSING_FIELD_FOR_TRANSITION", to_label="clôturé",
                           requirement=orders.NO_OPEN_RESERVATION.label)
    # Then the connector still reads the field and the code, the person a sentence without « lift_reservation »
    assert (error.field, error.code) == ("$.reservations", "MISSING_FIELD_FOR_TRANSITION")
    assert error.message == "Le passage à l'état « clôturé » exige la levée de toutes les réserves."


def test_a_replacement_at_another_rate_is_told_in_euros():
    # Given a mission at 680 € a day and a candidate otherwise equivalent at 690 €
    candidate = Professional.model_validate(a_professional("p-2", daily_rate_cents=69000), strict=False)
    mission = Mission(mission_id="m", beneficiary_id="b", need_id="n", need_version=1, professional_id="p-1",
                      profile_category="CHEF-PROJET", level="senior", service_type="AMOA", daily_rate_cents=68000,
                      extra_costs=candidate.extra_costs, start_date=dt.date(2026, 4, 1),
                      end_date=dt.date(2026, 6, 30), deliverables=[], milestones=[], planned_budget_cents=0,
                      order_id="BC-n", framed_at=dt.datetime(2026, 3, 20, tzinfo=dt.UTC))
    # When the replacement rules judge it
    errors = replacement_errors(mission, candidate, dt.date(2026, 5, 4))
    # Then the refusal says both rates in euros, not in cents
    rate = [e for e in errors if e.code == "REPLACEMENT_RATE_MISMATCH"]
    assert [(e.field, e.message) for e in rate] == [("$.professional_id", "Remplaçant refusé : TJM de 690,00 € au "
                                                     "lieu de 680,00 € (mêmes conditions tarifaires exigées).")]


def test_a_deliverable_field_on_another_document_names_its_kind_in_french():
    errors = deliverable_errors(DocumentKind.INTERVENTION_REPORT, "m1", None, None)
    assert [(e.field, e.code) for e in errors] == [("$.milestone_id", "DELIVERABLE_FIELD_UNEXPECTED")]
    assert errors[0].message.endswith("pour un document de type « rapport d'intervention ».")
    assert "intervention_report" not in errors[0].message and "kind" not in errors[0].message


def test_every_role_and_right_has_its_french_label_as_the_web_app_names_rights():
    assert set(ROLE_LABELS) == set(Role) and set(RIGHT_LABELS) == {r.value for r in Right}
    # the web app's labels are generated from these (devtools.contracts): one writing of each
    assert WEB_RIGHTS.read_text(encoding="utf-8") == rights_module()
    assert dict(re.findall(r'"([a-z.]+)": "([^"]+)"', rights_module())) == RIGHT_LABELS
    assert ErrorDetail.of("header.Authorization", "MISSING_RIGHT", right=RIGHT_LABELS["needs.read"]).message == (
        "Il vous manque le droit « lire les besoins » pour cette opération.")


def test_an_orders_state_is_said_a_l_etat_never_la_commande_est_followed_by_the_masculine_label():
    """A6: « la commande est à l'état « terminé » » — a state's label is masculine, the order feminine."""
    said = [(code, text) for code, text in CATALOGUE.items() if re.search(r"commande est «", text, re.IGNORECASE)]
    assert said == []
    assert "la commande est à l'état « terminé »" in ErrorDetail.of("$.lines", "NOTHING_TO_RECEIVE",
                                                                      state_label="terminé").message
