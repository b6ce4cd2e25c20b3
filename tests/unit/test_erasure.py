"""Erasing a professional removes what identifies them and keeps what contracts need."""

from __future__ import annotations

from shared.domain.sourcing.erasure import anonymise, is_anonymised
from shared.domain.sourcing.records import Professional
from tests.sourcing_builders import a_professional


def test_identity_goes_and_contractual_facts_stay():
    original = Professional.model_validate(a_professional("pro-42"), strict=False)
    erased = anonymise(original)
    # Given nothing that names or describes the person is left
    assert original.name not in erased.model_dump_json()
    assert (erased.siret, erased.education, erased.references, erased.reviews, erased.summary) == (None, [], [], [], "")
    assert erased.active is False
    # Then what orders, invoices and proof of service rely on is kept
    for kept in ("professional_id", "level", "profile_category", "service_types", "region", "daily_rate_cents",
                 "extra_costs"):
        assert getattr(erased, kept) == getattr(original, kept)
    # And erasing again changes nothing
    assert is_anonymised(erased) and anonymise(erased) == erased and not is_anonymised(original)
