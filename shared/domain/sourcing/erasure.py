"""Erasure of a professional on request (GDPR, B15): anonymise, keep what the law requires.

The record keeps its id — missions, orders, proof of service and invoices point at it and
must be kept — and what carries no identity and is needed to read those documents (level,
price-schedule category, service types, region, rates). Everything that identifies the
person or describes them goes: name, SIRET, education, certifications, references,
free text, reviews, availability. The record leaves the pool (inactive, not indexed).
"""

from __future__ import annotations

import hashlib

from shared.domain.sourcing.records import Professional

ERASED_SKILL = "effacé"


def anonymise(professional: Professional) -> Professional:
    tag = hashlib.sha256(professional.professional_id.encode()).hexdigest()[:8]
    return professional.model_copy(update={
        "name": f"Professionnel effacé {tag}",
        "siret": None,
        "education": [],
        "certifications": [],
        "references": [],
        "skills": [ERASED_SKILL],
        "summary": "",
        "reviews": [],
        "availability": [],
        "active": False,
    })


def is_anonymised(professional: Professional) -> bool:
    return professional == anonymise(professional)
