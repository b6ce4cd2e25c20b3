"""The cursor of a list read by activity, newest first (A11 lists: list_orders, list_quotes): where the previous
page stopped — the last row's activity time and its document path —, opaque to the caller (URL-safe base64 of a
small JSON). A token that is not one, has a naive time, or names a path the list does not hold decodes to None."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import ClassVar, Self


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
