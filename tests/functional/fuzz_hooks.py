"""Schemathesis hooks of tests/functional/test_fuzz.py (loaded through SCHEMATHESIS_HOOKS)."""

from __future__ import annotations

import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value) -> dict:
    """JSON Lines (import_professionals): one generated value per line; a list is one record per line."""
    if isinstance(value, bytes):
        return {"data": value}
    records = value if isinstance(value, list) else [value]
    return {"data": "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode("utf-8")}
