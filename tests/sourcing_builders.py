"""Builders of sourcing records for tests and the benchmark (valid unless told otherwise)."""

from __future__ import annotations

import datetime as dt
from typing import Any

# Luhn-valid SIRETs (the CANUT's own, and two made-up ones checked by tests).
SIRET_CANUT = "92443595100018"
SIRET_OTHER = "21690123100011"


def a_beneficiary(beneficiary_id: str = "ben-lyon", **overrides: Any) -> dict[str, Any]:
    data = {
        "beneficiary_id": beneficiary_id, "name": "Métropole de Lyon", "siret": SIRET_CANUT, "region": "84",
        "territory": "69", "requires_conflict_declaration": True,
        "contacts": [{"last_name": "Martin", "first_name": "Claire", "email": "claire.martin@example.fr",
                      "role": "DSI"}],
    }
    data.update(overrides)
    return data


def a_professional(professional_id: str, **overrides: Any) -> dict[str, Any]:
    data = {
        "professional_id": professional_id, "name": f"Prof {professional_id}", "level": "senior",
        "years_of_experience": 12, "public_sector_knowledge": True, "certifications": ["ISTQB Foundation"],
        "references": ["Recette du portail citoyen, Ville de Grenoble"],
        "skills": ["recette fonctionnelle", "accessibilité RGAA", "pilotage de projet"],
        "summary": "Consultante AMOA : stratégie de recette, cahiers de recette, conformité RGAA.",
        "availability": [{"start": "2026-01-01", "end": "2026-12-31"}],
        "daily_rate_cents": 65000, "extra_costs": {"travel_cents": 3000, "lodging_cents": 0, "meals_cents": 2000},
        "reviews": [{"mission_ref": "M-1", "rating": 5, "on": "2025-11-02"}],
        "profile_category": "CHEF-PROJET", "service_types": ["AMOA"], "region": "84",
    }
    data.update(overrides)
    return data


def a_need_content(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Recette fonctionnelle du nouveau portail usagers",
        "nature": "AMOA",
        "summary": "Définir la stratégie de recette, rédiger le cahier de recette et conduire la recette "
                   "fonctionnelle ; vérifier l'accessibilité RGAA.",
        "skills": ["recette", "RGAA"],
        "min_years_of_experience": 5, "level": "confirme", "certifications": [],
        "start_date": "2026-04-01", "duration_days": 40, "end_date": "2026-06-30",
        "region": "84", "work_mode": "mixed", "deliverables": ["Cahier de recette", "PV de recette"],
        "daily_rate_ceiling_cents": 70000,
    }
    data.update(overrides)
    return data


def date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
