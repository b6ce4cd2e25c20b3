import pytest

from shared.domain.phone import normalise_mobile


@pytest.mark.parametrize(("raw", "expected"), [
    ("06 12 34 56 78", "+33612345678"),
    ("07.12.34.56.78", "+33712345678"),
    ("+33 6 12 34 56 78", "+33612345678"),
    ("0033612345678", "+33612345678"),
    ("0690 12 34 56", "+590690123456"),  # Guadeloupe
    ("0696 12 34 56", "+596696123456"),  # Martinique
    ("0694 12 34 56", "+594694123456"),  # Guyane
    ("0692 12 34 56", "+262692123456"),  # La Réunion
    ("0639 12 34 56", "+262639123456"),  # Mayotte
    ("+262 692 12 34 56", "+262692123456"),
])
def test_french_mobiles_are_normalised_to_e164(raw, expected):
    assert normalise_mobile(raw) == expected


@pytest.mark.parametrize("raw", [
    "01 23 45 67 89",  # landline
    "06 12 34 56",  # too short
    "+44 7700 900123",  # British mobile
    "+33 1 23 45 67 89",  # French landline
    "06 12 34 56 7a",
    "",
])
def test_anything_else_is_no_french_mobile(raw):
    assert normalise_mobile(raw) is None
