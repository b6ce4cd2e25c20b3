"""How a quote is stored and read back (A2.4 quotes, A2.5 supplementary quotes): apart from the
commands of ``quotes.py``, so that reading one (get_quote) does not load what requesting, deciding or
expiring one needs (orders, deadlines, catalogue and contract rules, penalty terms).

  managers/{manager}/quotes/{quote}   the quote, in its manager's private space (A1)

``updated_at`` (the server's commit time of the quote's last write) is kept beside the quote, not in it:
``list_quotes`` pages on it (A11 lists: most recent activity first).
"""

from __future__ import annotations

from typing import Any

from shared.domain.list_cursor import folded
from shared.domain.quotes import BUYERS, Quote, QuoteView
from shared.ports import SERVER_TIME, UnitOfWork

UPDATED_AT = "updated_at"
QUOTE_ID_FOLDED = "quote_id_folded"  # the reference regardless of case, which list_quotes' search by reference queries


class QuoteNotFound(Exception):
    """No such quote in the caller's reach (another contractor cannot tell it exists)."""


# --- storage ------------------------------------------------------------------------------------


def quote_path(manager_id: str, quote_id: str) -> str:
    return f"managers/{manager_id}/quotes/{quote_id}"


def quote_doc(quote: Quote) -> dict[str, Any]:
    """As stored: the model in JSON (``valid_until`` at top level, ISO date, for the expiry sweep) and the commit
    time of this write (``updated_at``, the list's order), and the reference regardless of case (``quote_id_folded``, which
    ``list_quotes?quote_id=`` queries)."""
    return {**quote.model_dump(mode="json"), QUOTE_ID_FOLDED: folded(quote.quote_id), UPDATED_AT: SERVER_TIME}


def quote_from(data: dict[str, Any]) -> Quote:
    return Quote.model_validate({k: v for k, v in data.items() if k not in (UPDATED_AT, QUOTE_ID_FOLDED)}, strict=False)


def load_quote(uow: UnitOfWork, manager_id: str, quote_id: str, contractor_id: str | None = None) -> Quote:
    """The quote, read in ``uow``; QuoteNotFound when absent or, for ``contractor_id``, asked of another."""
    data = uow.get(quote_path(manager_id, quote_id)) if manager_id else None
    quote = quote_from(data) if data is not None else None
    if quote is None or (contractor_id is not None and quote.contractor_id != contractor_id):
        raise QuoteNotFound(quote_id)
    return quote


def save_quote(uow: UnitOfWork, quote: Quote, *, created: bool = False) -> None:
    path = quote_path(quote.manager_id, quote.quote_id)
    uow.create(path, quote_doc(quote)) if created else uow.update(path, quote_doc(quote))


def get_quote(role: str, tenant: str, manager_id: str | None, quote_id: str, uow: UnitOfWork) -> Quote:
    """One quote, for the buyer of its space (manager or beneficiary) or its contractor (QuoteNotFound
    otherwise)."""
    if role in BUYERS:
        return load_quote(uow, tenant, quote_id)
    if not manager_id:
        raise QuoteNotFound(quote_id)
    return load_quote(uow, manager_id, quote_id, tenant)


def view(quote: Quote, uow: UnitOfWork | None = None) -> dict[str, Any]:
    """What the quote functions answer (QuoteView). With ``uow`` (get_quote), whose space the quote is in, read
    from the space itself (``managers/<m>.kind``): a quote the titulaire raised in a beneficiary's space names no
    mission, yet its client is the beneficiary."""
    if uow is None:
        return QuoteView.of(quote).model_dump(mode="json")
    titles = mission_titles(uow, [quote])
    return QuoteView.of(quote, client_kind(uow, quote.manager_id),
                        titles.get((quote.manager_id, quote.quote_id))).model_dump(mode="json")


def mission_titles(uow: UnitOfWork, quotes: list[Quote]) -> dict[tuple[str, str], str]:
    """B16: the title of the mission each quote of a mission concerns — its mission's order's title (« Mission :
    <the need's title> »), the order the quote completes — in ONE batch read of those orders, whatever the number of
    quotes; (manager_id, quote_id) → title. A quote of no mission, or whose order is not found, is left out."""
    wanted = {(q.manager_id, q.quote_id): f"managers/{q.manager_id}/orders/{q.order_id}"
              for q in quotes if q.mission_id and q.order_id}
    if not wanted:
        return {}
    found = uow.get_all(sorted(set(wanted.values())))
    return {key: title.strip() for key, path in wanted.items()
            if isinstance(title := (found.get(path) or {}).get("title"), str) and title.strip()}


def client_kind(uow: UnitOfWork, manager_id: str) -> str:
    """« beneficiary » for a beneficiary's space (registered with its kind, shared/service/sourcing/pool.py),
    « manager » otherwise."""
    return "beneficiary" if (uow.get(f"managers/{manager_id}") or {}).get("kind") == "beneficiary" else "manager"
