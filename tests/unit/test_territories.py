"""B18: the territory whose working days count, derived from an INSEE commune, a contract, a manager."""

from __future__ import annotations

import pytest

from shared.domain.errors import DomainError
from shared.domain.territories import territory_of_commune, territory_of_order


@pytest.mark.parametrize(("commune", "territory"), [
    ("57463", "57"),    # Metz: Alsace-Moselle holidays
    ("75056", "75"),    # Paris
    ("69123", "69"),    # Lyon
    ("2A004", "2A"),    # Ajaccio
    ("2B033", "2B"),    # Bastia
    ("97105", "971"),   # Basse-Terre, Guadeloupe
    ("97209", "972"),   # Fort-de-France, Martinique
    ("97302", "973"),   # Cayenne, Guyane
    ("97411", "974"),   # Saint-Denis, La Réunion
    ("97611", "976"),   # Mamoudzou, Mayotte
    ("97502", "PM"),    # Saint-Pierre, Saint-Pierre-et-Miquelon
    ("97701", "BL"),    # Saint-Barthélemy
    ("97801", "MF"),    # Saint-Martin
    ("98613", "WF"),    # Uvea, Wallis-et-Futuna
    ("98735", "PF"),    # Papeete, Polynésie française
    ("98818", "NC"),    # Nouméa, Nouvelle-Calédonie
])
def test_the_territory_of_a_commune_is_its_departement_or_its_collectivite(commune, territory):
    # When the territory of an INSEE commune code is asked
    # Then it is its département (2 characters in metropolitan France, 3 overseas) or its collectivité
    assert territory_of_commune(commune) == territory


@pytest.mark.parametrize("commune", ["20004", "96001", "97901", "98415", "98901", "7505", "ABCDE", ""])
def test_a_code_that_names_no_territory_is_refused_on_the_field_given(commune):
    # When a code that is no commune of a known territory is given (old Corsica, TAAF, Clipperton, garbage)
    with pytest.raises(DomainError) as refused:
        territory_of_commune(commune, field="$.site.commune")
    # Then it is refused, naming the field
    assert [(e.field, e.code) for e in refused.value.errors] == [("$.site.commune", "UNKNOWN_TERRITORY")]


def test_an_order_takes_its_communes_territory_first():
    # Given an order at Saint-Denis de La Réunion under a contract for the Rhône, of a Parisian manager
    contract = {"perimeter": {"departements": ["69"], "communes": []}}
    # Then its territory is La Réunion's, from the commune
    choice = territory_of_order("97411", contract, "75")
    assert (choice.code, choice.source) == ("974", "commune")


def test_without_a_commune_an_order_takes_its_nodes_before_its_contracts_and_its_managers():
    # Given an order naming no commune at a node in Fort-de-France (97209), under a contract for the Rhône alone,
    # of a Parisian manager
    contract = {"perimeter": {"departements": ["69"], "communes": []}}
    choice = territory_of_order(None, contract, "75", node_commune="97209")
    # Then its territory is Martinique's, from its node
    assert (choice.code, choice.source) == ("972", "node")
    # And the commune it names, when it names one, still comes first; an unknown node commune is passed over
    assert territory_of_order("97411", contract, "75", node_commune="97209").source == "commune"
    assert (territory_of_order(None, contract, "75", node_commune="96001").code,
            territory_of_order(None, contract, "75", node_commune="96001").source) == ("69", "contract")


def test_without_a_commune_a_contract_naming_one_territory_gives_it():
    # Given contracts whose perimeter names one territory (départements and communes alike), or two
    one = {"perimeter": {"departements": ["971"], "communes": ["97105"]}}
    two = {"perimeter": {"departements": ["69"], "communes": ["38053"]}}
    # Then the first gives its territory, the second falls back on the manager's
    assert (territory_of_order(None, one, "75").code, territory_of_order(None, one, "75").source) == ("971", "contract")
    assert (territory_of_order(None, two, "57").code, territory_of_order(None, two, "57").source) == ("57", "manager")


def test_paris_is_the_last_resort_only():
    # Given no commune, a contract over the whole territory and a manager that never said where it is
    choice = territory_of_order(None, {"perimeter": {}}, None)
    # Then the deadline is counted in Paris, and says why
    assert (choice.code, choice.source) == ("75", "default")
    assert territory_of_order(None, None, "NC").code == "NC"


def test_every_territory_the_platform_accepts_has_its_french_name_and_nothing_else_does():
    """A list names a territory « Rhône (69) », not « 69 » (get_sourcing?view=beneficiaries' territory_label): one name
    per code ``territory`` accepts — the 96 metropolitan départements (Corsica's two), the five overseas, the six
    collectivités — and none for a code it refuses."""
    from shared.domain.territories import TERRITORY_NAMES, territory_name
    from shared.domain.workdays import territory

    metropolitan = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
    accepted = [*metropolitan, "971", "972", "973", "974", "976", "BL", "MF", "PM", "PF", "NC", "WF"]
    for code in accepted:
        territory(code)  # the platform accepts it
    assert sorted(TERRITORY_NAMES) == sorted(accepted)
    assert (territory_name("69"), territory_name("2A"), territory_name("974")) == ("Rhône", "Corse-du-Sud", "La Réunion")
    assert territory_name("975") is None and territory_name(None) is None
