"""Lists read by activity, newest first (A11 lists: list_orders, list_quotes). Their cursor: where the previous page
stopped — the last row's activity time and its document path —, opaque to the caller (URL-safe base64 of a small
JSON); a token that is not one, has a naive time, or names a path the list does not hold decodes to None. And the
query's identifiers (a party, an order, a node), each checked as the platform's ids are, and its page size. And the
search by reference (``order_id`` of list_orders, ``quote_id`` of list_quotes) as people type a reference read on
paper: spaces around it trimmed, matched regardless of case (``folded``: the form each order and quote also keeps)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass
from collections.abc import Mapping
from typing import ClassVar, Self

from shared.domain.errors import ErrorDetail

IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")


@dataclass(frozen=True)
class ActivityCursor:
    """Where the previous page stopped. A list names the documents it holds with ``PATH``."""

    updated_at: dt.datetime
    path: str

    PATH: ClassVar[re.Pattern[str]] = re.compile(r"[^/]+(/[^/]+)+")

    def encode(self) -> str:
        raw = json.dumps({"t": self.updated_at.isoformat(), "p": self.path}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    @classmethod
    def decode(cls, token: str) -> Self | None:
        try:
            data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            at = dt.datetime.fromisoformat(data["t"])
            path = data["p"]
        except (binascii.Error, ValueError, KeyError, TypeError, AttributeError):
            return None
        if at.tzinfo is None or not isinstance(path, str) or not cls.PATH.fullmatch(path):
            return None
        return cls(at, path)


def identifier(args: Mapping[str, str], name: str, errors: list[ErrorDetail]) -> str | None:
    """The query's ``name`` if it is an identifier; none given, None; else None and its error added to ``errors``."""
    value = args.get(name) or None
    if value is not None and not IDENTIFIER.match(value):
        errors.append(ErrorDetail.of(f"query.{name}", "INVALID_FORMAT", detail="identifiant attendu"))
        return None
    return value


def reference(args: Mapping[str, str], name: str, errors: list[ErrorDetail]) -> str | None:
    """The query's ``name`` as a reference typed by a person: the spaces around it trimmed, then checked as an
    identifier (``identifier``); blank, None."""
    return identifier({name: (args.get(name) or "").strip()}, name, errors)


def folded(reference: str) -> str:
    """A reference as the search by reference compares it, regardless of case: « bc-2026-014 » finds « BC-2026-014 »
    (the platform's ids are ASCII letters, digits and ``._-``). Kept on each order and quote when written
    (``order_id_folded``, ``quote_id_folded``) for the query; Firestore's ids themselves are case-sensitive."""
    return reference.casefold()


def limit(args: Mapping[str, str], default: int, maximum: int, errors: list[ErrorDetail]) -> int:
    """The query's page size: ``default`` when none is given; out of 1–``maximum``, ``default`` and its error added."""
    raw = args.get("limit")
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        errors.append(ErrorDetail.of("query.limit", "OUT_OF_RANGE", detail=f"entre 1 et {maximum}"))
        return default
    return int(raw)
