"""A count as French writes it, in the texts people read (error messages, reports): « 1 jour », « 3 jours »,
« 1,5 jour » (the singular below two), « aucune ligne » when asked — never « jour(s) ». The web app's twin is
``plural`` in web/logic.mjs."""

from __future__ import annotations

from decimal import Decimal


def plural(n: int | float | Decimal, one: str, many: str | None = None, *, none: str | None = None,
           shown: str | None = None) -> str:
    """``n`` and its noun agreeing with it; ``many`` when the plural is not ``one`` + s (« journaux »), ``none`` for
    zero when given (« aucun élément »), ``shown`` how the number is written (« 2,5 ») when not ``str(n)``."""
    if not n and none is not None:
        return none
    noun = (many if many is not None else f"{one}s") if abs(n) >= 2 else one
    return f"{shown if shown is not None else n} {noun}"
