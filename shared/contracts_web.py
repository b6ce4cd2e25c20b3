"""The published contracts of the web application's reads (list_quotes, list_contracts,
list_account_requests, list_needs, get_professional): their answer schemas, examples and OpenAPI
operations, merged by shared/contracts.py (kept apart so that the generator can move without them).

The examples are computed by the services themselves (shared/service/listings.py) over a small
in-memory unit of work, from the same quote, contract, request and need the other examples use.
"""

from __future__ import annotations

from typing import Any

from shared.domain.identity import Right
from shared.domain.listings import AccountRequestList, ContractList, NeedList, ProfessionalRecord, QuoteList

SCHEMAS = {
    "QuoteList": (QuoteList, "serialization"),
    "ContractList": (ContractList, "serialization"),
    "AccountRequestList": (AccountRequestList, "serialization"),
    "NeedList": (NeedList, "serialization"),
    "ProfessionalRecord": (ProfessionalRecord, "serialization"),
}
DIRECTION = {
    "QuoteList": "Outbound: body of the GET list_quotes answer.",
    "ContractList": "Outbound: body of the GET list_contracts answer.",
    "AccountRequestList": "Outbound: body of the GET list_account_requests answer.",
    "NeedList": "Outbound: body of the GET list_needs answer.",
    "ProfessionalRecord": "Outbound: body of the GET get_professional answer.",
}
DESCRIBED: dict[str, tuple[tuple[str, ...], Right | dict[str, Right]]] = {
    "list_quotes": (("manager", "contractor"), Right.ORDERS_READ),
    "list_contracts": (("manager", "contractor"), Right.ORDERS_READ),
    "list_account_requests": (("operator",), Right.ACCOUNTS_MANAGE),
    "list_needs": (("beneficiary", "operator"), {"beneficiary": Right.NEEDS_READ, "operator": Right.PROFESSIONALS_WRITE}),
    "get_professional": (("beneficiary", "operator"),
                         {"beneficiary": Right.NEEDS_READ, "operator": Right.PROFESSIONALS_WRITE}),
}


def _memory(docs: dict[str, dict[str, Any]]):
    """A unit of work over a few documents (path → data), with the equality and ``in`` filters the
    lists use, collection or collection group."""
    from shared.ports import Document, UnitOfWork

    class _Memory(UnitOfWork):
        def _fetch(self, paths):
            return {p: Document(p, docs[p], 1) for p in paths if p in docs}

        def _run_query(self, query):
            out = []
            for path, data in docs.items():
                parent = path.rsplit("/", 1)[0]
                if not ((parent.rsplit("/", 1)[-1] == query.collection) if query.group else parent == query.collection):
                    continue
                if all(data.get(n) == v if op == "==" else data.get(n) in v for n, op, v in query.where):
                    out.append(Document(path, data, 1))
            return out[:query.limit]

        def _count(self, query):
            return len(self._run_query(query))

        def _apply(self, writes):
            raise NotImplementedError("read only")

        def fork(self):
            return _memory(docs)

    return _Memory()


def examples(quote: dict[str, Any], contract: dict[str, Any], request: dict[str, Any], need: dict[str, Any],
             proposed: dict[str, Any], result: dict[str, Any], professional: dict[str, Any], now) -> dict[str, list[Any]]:
    """Each answer computed by the service from documents shaped as the platform stores them: ``need``
    waits for proposals; ``proposed`` is the same need once the professional was proposed."""
    from shared.service import listings
    from shared.service.sourcing import paths

    m, c, b = quote["manager_id"], contract["contract_id"], need["beneficiary_id"]
    rows = _memory({f"managers/{m}/quotes/{quote['quote_id']}": quote,
                    f"managers/{m}/contracts/{c}": contract,
                    f"managers/{m}/contracts/{c}/catalogue/v0003": {"version": 3},
                    f"account_requests/{request['request_id']}": request,
                    f"beneficiaries/{b}/needs/{need['need_id']}": need})
    docs = _memory({paths.need(b, need["need_id"]): proposed, paths.result(b, need["need_id"], 1): result,
                    paths.professional(professional["professional_id"]): professional})

    class _Clock:
        def now(self):
            return now

    return {
        "QuoteList": [listings.list_quotes("manager", m, {"state": None}, rows)],
        "ContractList": [listings.list_contracts("manager", m, rows)],
        "AccountRequestList": [listings.list_account_requests({"status": "pending"}, rows, _Clock())],
        "NeedList": [listings.list_needs("operator", "platform", {"status": None, "beneficiary_id": None,
                                                                 "waiting": True}, rows)],
        "ProfessionalRecord": [listings.get_professional("beneficiary", b, professional["professional_id"],
                                                         need["need_id"], docs)],
    }


def operations(refs: dict[str, str], path_item, examples_: dict[str, list[Any]], ids: dict[str, str], c) -> None:
    """The five GET operations (docs/web-app.md, "Reads of the web application"). ``c`` carries the
    generator's helpers (``_common_problems``, ``_problem_response``, ``_problem``, ``_json_response``,
    ``_query``, ``CORRELATION_IDS``): passed in, so that this module does not import the generator."""
    from shared.domain.errors import ErrorDetail

    cid0 = c.CORRELATION_IDS[0]

    def read(name: str, summary: str, description: str, tags: list[str], parameters: list[dict[str, Any]],
             answer: str, example: tuple[str, str], bad: dict[str, list[ErrorDetail]], extra: dict | None = None):
        problems = c._common_problems(name, post=False)
        problems["400"] = c._problem_response("A query parameter is unknown, missing or not one of its values.", {
            key: c._problem(400, errors, cid0, instance=f"/{name}") for key, errors in bad.items()})
        problems.update(extra or {})
        path_item(name, {
            "summary": summary, "description": description, "tags": tags,
            "parameters": [*parameters, {"$ref": "#/components/parameters/X-Correlation-Id"}],
            "responses": {"200": c._json_response(example[1], refs[answer], {example[0]: (example[1], examples_[answer][0])}),
                          **problems},
        }, "get")

    unknown = lambda name: [ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD")]  # noqa: E731
    read("list_quotes", "List the quotes of a space, or those asked of a contractor",
         "A manager lists the quotes of its own space; a contractor the quotes asked of it by every manager. "
         "Newest request first, at most 200 (`truncated` says when more matched), each with its state, current "
         "version and total. `get_quote` reads one with its versions.",
         ["manager", "contractor"], [c._query("state", "Optional: requested, submitted, accepted, refused, expired or "
                                              "withdrawn.", "submitted")],
         "QuoteList", ("submitted", "One submitted quote"),
         {"bad_state": [ErrorDetail.of("query.state", "INVALID_VALUE", detail="requested, submitted, accepted, "
                                       "refused, expired, withdrawn attendu")], "tenant_named": unknown("manager_id")})
    read("list_contracts", "List the contracts of a space, or those a contractor holds",
         "A manager lists its contracts; a contractor the contracts it holds with every manager. Each comes with "
         "its status, dates, lots, perimeter and the versions of its catalogue (`get_catalogue` reads one).",
         ["manager", "contractor"], [], "ContractList", ("one", "One contract with three catalogue versions"),
         {"tenant_named": unknown("manager_id")})
    read("list_account_requests", "List account requests with the time left on D7 (operator)",
         "Pending account requests (`?status=fulfilled` for the fulfilled ones), the one due soonest first, each "
         "with D7's due time (72 working hours in the requester's territory) and `seconds_left` at the time of "
         "the answer (negative once overdue). `manage_account` with the `request_id` fulfils one.",
         ["operator"], [c._query("status", "Optional: pending (default) or fulfilled.", "pending")],
         "AccountRequestList", ("pending", "One pending request"),
         {"bad_status": [ErrorDetail.of("query.status", "INVALID_VALUE", detail="pending, fulfilled attendu")]})
    read("list_needs", "List needs: a beneficiary's own, or those waiting for proposals (operator)",
         "A beneficiary lists its own needs. The operator lists the needs of every beneficiary waiting for "
         "proposals (acknowledged or scored), D4 due soonest first, or all the needs of one beneficiary with "
         "`beneficiary_id`. `get_sourcing?view=need` reads one with its versions and results.",
         ["beneficiary", "operator"],
         [c._query("status", "Optional: one need status.", "scored"),
          c._query("beneficiary_id", "Operator only: one beneficiary's needs.", ids["beneficiary_id"])],
         "NeedList", ("waiting", "One need waiting for proposals"),
         {"beneficiary_names_another": unknown("beneficiary_id")})
    read("get_professional", "Read a professional's full record (B4)",
         "Education, certifications, references, daily rate, extra costs, reviews and the rest of the record. "
         "A beneficiary names one of its needs whose results or proposals list the professional; any other "
         "professional, or a need of another beneficiary, answers 404 as for an unknown one. The operator reads "
         "any record.",
         ["beneficiary", "operator"],
         [c._query("professional_id", "The professional.", ids["professional_id"], required=True),
          c._query("need_id", "Beneficiaries: required, the need whose results name the professional.",
                   ids["need_id"])],
         "ProfessionalRecord", ("record", "A ranked professional's record"),
         {"missing": [ErrorDetail.of("query.need_id", "REQUIRED")]},
         extra={"404": c._problem_response(
             "No such professional within the caller's reach (or no such need for this beneficiary).", {
                 "not_found": c._problem(404, [ErrorDetail.of("query.professional_id", "PROFESSIONAL_NOT_FOUND",
                                                              professional_id=ids["professional_id"])], cid0,
                                         instance="/get_professional")})})
