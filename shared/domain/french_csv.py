"""French CSV reading shared by the imports (catalogue A14, property tree A7).

French conventions: ``;`` separator, UTF-8 with or without BOM; line numbers count the
header as line 1 (a quoted multi-line cell counts as the line where its row ends, as
``csv.reader.line_num`` reports it). Decimal commas are the caller's business.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from shared.domain.errors import ErrorDetail


def read_rows(raw: bytes, required: tuple[str, ...]) -> tuple[Iterator[tuple[int, dict[str, Any]]], list[ErrorDetail]]:
    """``(line, row)`` pairs of a French CSV, or the errors that prevent reading it at all."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return iter(()), [ErrorDetail.of("$", "INVALID_FORMAT", detail=f"encodage UTF-8 attendu (octet {exc.start})")]
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        return iter(()), [ErrorDetail.of("line 1", "INVALID_FORMAT", detail="colonnes manquantes : " + ", ".join(missing))]
    return ((reader.line_num, row) for row in reader), []
