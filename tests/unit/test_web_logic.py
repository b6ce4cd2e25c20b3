"""The web application's pure JavaScript (web/logic.mjs and the web/*_logic.mjs modules), tested by Node's
built-in runner.

No npm dependency: ``node --test tests/web/`` runs tests/web/logic.test.mjs; this test makes
./scripts/test run it and fail with Node's own report when one of them fails.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from shared.domain.identity import Right

ROOT = Path(__file__).resolve().parents[2]
JS_TESTS = ROOT / "tests" / "web"


def test_the_web_logic_passes_its_node_tests():
    # Given Node (the machine image has Node 20, which the Auth emulator needs anyway)
    node = shutil.which("node")
    assert node, "node is required (Node 20, as for the Firebase Auth emulator)"
    # When its built-in test runner runs the web app's logic tests
    run = subprocess.run([node, "--test", str(JS_TESTS)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    # Then every test passed, and there were tests to pass
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-4000:]
    passed = int(re.search(r"^# pass (\d+)$", report, re.M).group(1))
    assert passed >= 10 and re.search(r"^# fail 0$", report, re.M), report[-4000:]


def test_the_territories_the_web_app_reads_times_on_are_the_platforms():
    # Given the territories the phone incident's form offers and reads the call's time on (B18): web/territories.mjs,
    # generated from shared/domain/territories.py by devtools.contracts
    from devtools.contracts.web_labels import WEB_TERRITORIES, territories_module
    from shared.domain.territories import TERRITORY_NAMES, clock_of

    source = WEB_TERRITORIES.read_text(encoding="utf-8")
    assert source == territories_module(), "web/territories.mjs is stale: run python -m devtools.contracts"
    zones = dict(re.findall(r'^  "(\w+)": Object\.freeze\(\{ name: "[^"]*", time_zone: "([^"]+)"', source, re.M))
    # Then each is the platform's, on the platform's clock: Martinique's is America/Martinique, Rhône's Paris's
    assert zones == {code: clock_of(code).time_zone for code in TERRITORY_NAMES}
    assert (zones["972"], zones["69"]) == ("America/Martinique", "Europe/Paris")


def test_the_rights_the_web_app_labels_and_offers_per_role_are_the_platforms():
    # Given the rights the web app labels (machine identities, « Comptes ») and offers per role (« Comptes »,
    # « Utilisateurs »): web/rights.mjs, generated from shared/domain/identity.py by devtools.contracts
    from devtools.contracts.web_labels import WEB_RIGHTS, rights_module
    from shared.domain.identity import ROLE_RIGHTS

    source = WEB_RIGHTS.read_text(encoding="utf-8")
    assert source == rights_module(), "web/rights.mjs is stale: run python -m devtools.contracts"
    labels = re.search(r"export const RIGHT_LABELS = Object\.freeze\(\{(.*?)\}\);", source, re.S).group(1)
    block = re.search(r"export const ROLE_RIGHTS = Object\.freeze\(\{(.*?)\}\);", source, re.S).group(1)
    offered = {role: set(re.findall(r'"([a-z]+\.[a-z]+)"', rights))
               for role, rights in re.findall(r"(\w+): \[(.*?)\]", block, re.S)}
    # Then they are exactly the rights of shared/domain/identity.py, none missing, none invented, role by role
    assert set(re.findall(r'"([a-z]+\.[a-z]+)":', labels)) == {right.value for right in Right}
    assert offered == {role.value: {r.value for r in rights} for role, rights in ROLE_RIGHTS.items()}


def test_the_incident_labels_of_the_web_app_are_the_platforms():
    # Given the follow-up kinds and clocks the incidents screen labels (web/incidents_logic.mjs)
    from shared.domain.incidents import FOLLOW_UP_CLOCK_LABELS, FOLLOW_UP_LABELS

    source = (ROOT / "web" / "incidents_logic.mjs").read_text(encoding="utf-8")

    def labels(name: str) -> dict[str, str]:
        block = re.search(rf"export const {name} = Object\.freeze\(\{{(.*?)\}}\);", source, re.S).group(1)
        return dict(re.findall(r'"?([\w/]+)"?:\s*"([^"]*)"', block))

    # Then they are those of shared/domain/incidents.py, word for word: none missing, none invented
    assert labels("FOLLOW_UP_KIND_LABELS") == {kind.value: label for kind, label in FOLLOW_UP_LABELS.items()}
    assert labels("FOLLOW_UP_CLOCK_LABELS") == FOLLOW_UP_CLOCK_LABELS


def test_the_document_kinds_of_the_web_app_are_the_platforms():
    # Given the document kinds the order screen and its upload form label (web/orders_logic.mjs DOCUMENT_KINDS)
    from shared.domain.documents import KIND_LABELS

    source = (ROOT / "web" / "orders_logic.mjs").read_text(encoding="utf-8")
    block = re.search(r"export const DOCUMENT_KINDS = Object\.freeze\(\{(.*?)\}\);", source, re.S).group(1)
    labelled = dict(re.findall(r'(\w+):\s*"([^"]*)"', block))
    # Then they are shared/domain/documents.py's, « Livrable » (B11) included, each with the platform's label
    assert {kind.value: label.lower() for kind, label in KIND_LABELS.items()} == {
        kind: label.lower() for kind, label in labelled.items()}


def test_the_directory_and_deactivation_kinds_of_the_web_app_are_the_platforms():
    # Given the kinds the « Annuaire » lists and the deactivation form offers (web/parties_logic.mjs,
    # web/onboarding_logic.mjs)
    from shared.domain.parties import ListedKind, PartyKind

    source = "".join((ROOT / "web" / name).read_text(encoding="utf-8")
                     for name in ("parties_logic.mjs", "onboarding_logic.mjs"))

    def keys(name: str) -> set[str]:
        block = re.search(rf"export const {name} = Object\.freeze\(\{{(.*?)\}}\);", source, re.S).group(1)
        return set(re.findall(r"(\w+):\s*\"", block))

    # Then they are those list_parties and deactivate_party take (B1 parties: the purchasing body among them)
    assert keys("LISTED_KIND_LABELS") == keys("NONE_REGISTERED") == {kind.value for kind in ListedKind}
    assert keys("PARTY_KIND_LABELS") == {kind.value for kind in PartyKind}


def test_the_web_app_names_every_deadline_kind_by_the_catalogue_s_french_label():
    # Given the labels the screens name deadline kinds by (web/terms_logic.mjs DEADLINE_KIND_LABELS: penalty terms, A9)
    from shared.domain.deadlines import KINDS

    source = (ROOT / "web" / "terms_logic.mjs").read_text(encoding="utf-8")
    block = re.search(r"export const DEADLINE_KIND_LABELS = Object\.freeze\(\{(.*?)\n\}\);", source, re.S).group(1)
    labels = dict(re.findall(r'^\s*(\w+): "([^"]*)",$', block, re.M))
    # Then they are the catalogue's, every kind of it and no other
    assert labels == {kind_id: kind.label for kind_id, kind in KINDS.items()}


def test_the_agreement_terms_form_offers_the_platforms_deadline_kinds_amount_and_lengths():
    # Given the deadline kinds, the P1 amount and the shorter lengths the purchasing body's form offers
    # (web/terms_logic.mjs, A9 penalties of a beneficiary's agreement)
    from shared.domain.deadlines import KINDS, UNIT_LABELS
    from shared.domain.penalties import RULES, PenaltyTerms

    source = (ROOT / "web" / "terms_logic.mjs").read_text(encoding="utf-8")
    block = re.search(r"export const AGREEMENT_KINDS = Object\.freeze\(\{(.*?)\}\);", source, re.S).group(1)
    offered = {kind: (label, requirement, int(top) if top else None, unit or None) for kind, label, requirement, top, unit
               in re.findall(r'(D\d): \{ label: "([^"]*)", requirement: "(\w+)"'
                             r'(?:,\s*shorter: \{ max: (\d+), unit: "([^"]*)" \})? \}', block)}
    # Then each is a kind of the catalogue in its own words and requirement, unpriced by default (« sans pénalité »
    # is the catalogue's), shortened exactly where an agreement may shorten it, at most to its contractual length
    assert offered and set(offered) == set(re.findall(r"(D\d): \{", block))
    for kind, (label, requirement, top, unit) in offered.items():
        spec = KINDS[kind]
        assert (label, requirement, spec.penalty_rule) == (spec.label, spec.source, None)
        assert (top, unit) == ((spec.length.amount, UNIT_LABELS[spec.length.unit]) if spec.shorter_allowed
                               else (None, None))
    # And the default and greatest amounts per day are the platform's
    assert re.search(r"DEFAULT_DAILY_CENTS = Object\.freeze\(\{ P1: (\d+) \}\)", source).group(1) == str(RULES["P1"])
    top = int(re.search(r"MAX_DAILY_CENTS = ([\d_]+);", source).group(1).replace("_", ""))
    assert PenaltyTerms.model_validate({"daily_amount_cents": {"P1": top}}).amount_for("P1") == top
    with pytest.raises(ValueError):
        PenaltyTerms.model_validate({"daily_amount_cents": {"P1": top + 1}})
