"""A11 lists, A2.4: an order found by the start of its reference or a word of its title (list_orders?q=) — folding,
parsing, and the service over the in-memory unit of work."""

from __future__ import annotations

from shared.domain import order_search
from shared.domain.order_list import parse_query
from shared.domain.orders import OrderState
from shared.service import order_list as service
from shared.service.order_store import UPDATED_AT, order_doc, order_from, order_path
from tests.builders import MANAGER, NOW, an_order
from tests.unit.test_order_list import Orders, query, row


def ids(page: dict) -> list[str]:
    return [o["order_id"] for o in page["orders"]]


# --- folding and parsing -------------------------------------------------------------------------------------------


def test_a_title_keeps_its_words_folded_without_accents_punctuation_or_one_letter_words():
    assert order_search.words("Fuite d'eau — CUISINE, réparation de l'évier (lot n°2) ; fuite ŒUVRE") == [
        "fuite", "eau", "cuisine", "reparation", "de", "evier", "lot", "oeuvre"]


def test_a_title_keeps_its_whole_words_first_then_each_words_starts_of_3_to_10_characters():
    assert order_search.title_words("Fuite d'eau — CUISINE, lot") == [
        "fuite", "eau", "cuisine", "lot", "fui", "fuit", "cui", "cuis", "cuisi", "cuisin"]
    # a long word keeps its starts up to 10 characters; a start shared by two words is kept once
    assert order_search.title_words("Imperméabilisation impermeable") == [
        "impermeabilisation", "impermeable", "imp", "impe", "imper", "imperm", "imperme", "impermea", "impermeab",
        "impermeabi", "impermeabl"]
    # bounded: a long title (449 characters, 30 words of 14 letters: 270 words and starts) keeps at most 200
    # entries, its whole words all first
    long_title = " ".join(f"{chr(97 + n % 26)}{n:03d}abcdefghij" for n in range(30))
    kept = order_search.title_words(long_title)
    assert len(kept) == order_search.MAX_ENTRIES == 200 and kept[:30] == order_search.words(long_title)


def test_every_order_write_keeps_its_title_words_beside_it_never_read_back_as_a_field_of_the_order():
    order = an_order("BC-1", title="Fuite d'eau cuisine")
    stored = order_doc(order)
    assert stored["order_id_folded"] == "bc-1"
    assert stored["title_words"] == order_search.title_words("Fuite d'eau cuisine")
    assert stored["title_words"][:3] == ["fuite", "eau", "cuisine"] and "fuit" in stored["title_words"]
    assert order_from(stored) == order


def test_what_one_q_searches_a_reference_start_a_title_word_or_both():
    def parsed(q: str) -> tuple:
        search = query(q=q).search
        return search.prefix, search.words, search.word

    assert parsed("  BC-2026-01 ") == ("bc-2026-01", (), None)  # a reference's start, not its pieces as words
    assert parsed("Fuite") == ("fuite", ("fuite",), "fuite")  # could be either: both
    assert parsed("fuite d'eau") == (None, ("fuite", "eau"), "fuite")  # words only, the longest queried
    assert parsed("Réparé") == (None, ("repare",), "repare")


def test_a_search_too_short_too_long_wordless_or_paged_is_refused_field_by_field_in_french():
    for q, code in (("x", "INVALID_LENGTH"), (" a ", "INVALID_LENGTH"), ("a" * 65, "INVALID_LENGTH"),
                    ("!?", "INVALID_FORMAT"), ("é !", "INVALID_FORMAT")):
        parsed, errors = parse_query("manager", MANAGER, {"q": q})
        assert parsed is None and [(e.field, e.code) for e in errors] == [("query.q", code)], q
        assert errors[0].message.startswith(("Longueur invalide", "Format invalide")) and "{" not in errors[0].message
    _, errors = parse_query("manager", MANAGER, {"q": "fuite", "cursor": "abc"})
    assert ("query.cursor", "INVALID_VALUE") in [(e.field, e.code) for e in errors]
    assert query(q="  ").search is None  # blank: no search, the whole list


# --- the service ---------------------------------------------------------------------------------------------------


def searched_orders() -> Orders:
    return Orders([
        row("BC-2026-011", 5, title="Fuite d'eau cuisine"),
        row("BC-2026-012", 1, title="Peinture hall", state=OrderState.IN_PROGRESS),
        row("bc-2026-013", 3, title="Remplacement chaudière"),
        row("BC-2027-001", 2, title="Fuite toiture"),
        row("BC-2026-019", 4, "mgr-other", title="Fuite radiateur"),
        row("BC-2026-014", 6, contractor_id="ctr-other", title="Fuite chaudière"),
    ])


def test_a_manager_finds_by_reference_start_regardless_of_case_newest_activity_first_in_its_space_only():
    orders = searched_orders()
    page = orders.list(query(q="bc-2026-01"))
    assert ids(page) == ["BC-2026-012", "bc-2026-013", "BC-2026-011", "BC-2026-014"]
    assert page["next_cursor"] is None and page["orders"][0]["document_count"] == 2
    # its other filters combine: a contractor's, a state
    assert ids(orders.list(query(q="BC-2026-01", contractor_id="ctr-other"))) == ["BC-2026-014"]
    assert ids(orders.list(query(q="BC-2026-01", state="in_progress"))) == ["BC-2026-012"]


def test_a_word_of_the_title_finds_the_orders_accents_case_and_every_word_typed_and_merges_with_the_prefix():
    orders = searched_orders()
    assert ids(orders.list(query(q="FUITE"))) == ["BC-2027-001", "BC-2026-011", "BC-2026-014"]
    assert ids(orders.list(query(q="chaudiere"))) == ["bc-2026-013", "BC-2026-014"]
    assert ids(orders.list(query(q="fuite cuisine"))) == ["BC-2026-011"]
    assert ids(orders.list(query(q="fuit"))) == ["BC-2027-001", "BC-2026-011", "BC-2026-014"]  # a word's start
    assert ids(orders.list(query(q="Chaud cuis"))) == []  # every word typed starts a word of the title
    assert ids(orders.list(query(q="Rempl chaud"))) == ["bc-2026-013"]
    assert ids(orders.list(query(q="uite"))) == []  # the start of a word, not any piece of it
    # one word that could start a reference: both queries, their rows merged, each order once, newest first
    both = Orders([row("FUITE-7", 3, title="Peinture"), row("X-1", 1, title="Fuite"), row("FUITE-8", 2, title="Fuite")])
    assert ids(both.list(query(q="fuite"))) == ["X-1", "FUITE-8", "FUITE-7"]
    # the prefix query reads the first references in their order (limit + 1), shown newest activity first
    assert ids(orders.list(query(q="bc", limit="2"))) == ["BC-2026-012", "bc-2026-013"]


def test_a_start_of_2_letters_finds_a_whole_word_or_a_references_start_only():
    orders = Orders([row("BC-1", 1, title="Fuite eau"), row("BC-2", 2, title="Eaux usées"),
                     row("FU-3", 3, title="Lot")])
    assert ids(orders.list(query(q="fu"))) == ["FU-3"]  # not « Fuite »: a start of 2 letters finds no word
    assert ids(orders.list(query(q="eau"))) == ["BC-1", "BC-2"]  # 3 letters: the word and the start of « eaux »
    assert ids(orders.list(query(q="us eau"))) == []  # « us » must be a whole word of the title


def test_a_start_longer_than_10_characters_is_queried_by_its_first_10_then_checked():
    orders = Orders([row("BC-1", 1, title="Imperméabilisation toiture"), row("BC-2", 2, title="Imperméable")])
    assert ids(orders.list(query(q="imperméabilis"))) == ["BC-1"]
    assert ids(orders.list(query(q="impermeabilisation"))) == ["BC-1"]
    search = query(q="impermeabilis").search
    assert (search.word, search.exact) == ("impermeabi", False)


def test_a_contractor_searches_its_orders_in_every_space_and_never_finds_anothers():
    orders = searched_orders()
    mine = orders.list(query("contractor", "ctr-test", q="BC-2026-01"))
    assert [(o["manager_id"], o["order_id"]) for o in mine["orders"]] == [
        (MANAGER, "BC-2026-012"), (MANAGER, "bc-2026-013"), ("mgr-other", "BC-2026-019"), (MANAGER, "BC-2026-011")]
    assert "BC-2026-014" not in ids(orders.list(query("contractor", "ctr-test", q="chaudiere")))
    assert ids(orders.list(query("contractor", "ctr-test", manager_id="mgr-other", q="fuite"))) == ["BC-2026-019"]
    assert ids(orders.list(query("contractor", "ctr-other", q="fuite"))) == ["BC-2026-014"]
    # a word's start as well: « chau » finds the contractor's own « chaudière », never ctr-other's
    assert ids(orders.list(query("contractor", "ctr-test", q="chau"))) == ["bc-2026-013"]


def test_a_search_reads_bounded_queries_on_the_indexed_fields_only():
    orders = searched_orders()
    asked = []
    db_query = orders.world.db.query
    orders.world.db.query = lambda q: asked.append(q) or db_query(q)
    orders.list(query(q="fuite", limit="2"))
    searched = [q for q in asked if q.collection.endswith("orders")]
    assert [[(name, op) for name, op, _ in q.where] for q in searched] == [
        [("order_id_folded", ">="), ("order_id_folded", "<")], [("title_words", "array_contains")]]
    assert [q.limit for q in searched] == [3, 3]
    asked.clear()
    orders.list(query(q="fuite", state="in_progress"))
    assert [q.limit for q in asked if q.collection.endswith("orders")] == [service.SEARCH_SCAN] * 2


def test_a_searched_lists_row_is_read_again_with_the_search_and_an_order_it_does_not_find_is_no_row():
    orders = searched_orders()
    assert ids(orders.list(query(q="fuite", order_id="bc-2026-011"))) == ["BC-2026-011"]
    assert ids(orders.list(query(q="fuite", order_id="BC-2026-012"))) == []


def test_an_order_stored_before_it_kept_its_title_words_is_found_by_its_reference_start_only():
    orders = Orders([])
    stored = {k: v for k, v in {**order_doc(an_order("BC-9", title="Fuite ancienne")), UPDATED_AT: NOW}.items()
              if k != "title_words"}
    orders.world.seed(order_path(MANAGER, "BC-9"), stored)
    assert ids(orders.list(query(q="bc-9"))) == ["BC-9"]
    assert ids(orders.list(query(q="ancienne"))) == []
