"""French CSV: reading the imports (catalogue A14, property tree A7) and writing every CSV the
platform hands out (penalty statements, B6 and B17 reports).

French conventions: ``;`` separator, UTF-8 with or without BOM; line numbers count the
header as line 1 (a quoted multi-line cell counts as the line where its row ends, as
``csv.reader.line_num`` reports it). Decimal commas are the caller's business.

Every CSV the platform writes goes through ``write``, which neutralises formula injection
(OWASP "CSV Injection"): a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is prefixed with ``'`` so that a spreadsheet shows it as text instead of
running it — free text typed by the other party (a penalty decision's reason, a need's title,
a name) ends up in files a manager or a purchasing body opens. A cell that is only a number
("-150,00", "-3,5") is left as it is: it cannot be a formula, and stays a number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
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


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def neutralised(cell: Any) -> Any:
    """The cell as a spreadsheet may open it safely: text that could start a formula gets a leading ``'``."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not _NUMBER.match(cell):
        return "'" + cell
    return cell


def write(rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with BOM (so that Excel reads it as UTF-8), ';' separator, CRLF line ends, formulas neutralised."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(
        [neutralised(cell) for cell in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def euros(cents: int) -> str:
    """French decimal notation: 15000 → '150,00'."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d}"
