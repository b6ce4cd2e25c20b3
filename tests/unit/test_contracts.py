"""The published contracts (A12) match the code: schemas, OpenAPI and AsyncAPI in docs/contracts."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools import contracts
from devtools.contracts.stories_sourcing import PROFESSIONAL
from shared.domain.errors import CATALOGUE
from shared.domain.exports import ExportJob, ExportRequested
from shared.domain.identity import AccountCreated
from shared.domain.sourcing.records import ImportReport, Professional

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTRACTS_DIR = REPO_ROOT / "docs" / "contracts"
EMULATORS_FILE = REPO_ROOT / "emulators.json"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    return contracts.generate()


def _load(name: str) -> dict[str, Any]:
    return json.loads((CONTRACTS_DIR / name).read_text(encoding="utf-8"))


def _refs(node: Any, where: str = "#") -> Iterator[tuple[str, str]]:
    """Every ($ref value, location) in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value, where
            else:
                yield from _refs(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _refs(value, f"{where}/{i}")


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"{ref} points outside the document"
    node: Any = document
    for token in ref[2:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


# --- (a) the committed files are the generated ones --------------------------------------------


def test_the_committed_contract_files_are_exactly_what_the_models_generate(generated):
    # Given the files committed under docs/contracts
    on_disk = {p.relative_to(CONTRACTS_DIR).as_posix(): p.read_text(encoding="utf-8")
               for p in CONTRACTS_DIR.rglob("*") if p.is_file()}
    # When the generator runs on the current models
    # Then every file is present and identical, and none is left over
    stale = sorted(path for path in set(generated) | set(on_disk) if generated.get(path) != on_disk.get(path))
    assert not stale, (
        f"docs/contracts is out of date ({', '.join(stale)}): run `python -m devtools.contracts` and commit the result"
    )


def test_generating_twice_gives_byte_identical_files(generated):
    # Given one generation
    # When the generator runs again
    again = contracts.generate()
    # Then nothing differs (sorted keys, fixed examples, no clock)
    assert again == generated


def test_every_generated_json_file_is_sorted_indented_and_ends_with_a_newline(generated):
    # Given every generated JSON file
    for path, text in generated.items():
        if not path.endswith(".json"):
            continue
        # When it is parsed and dumped again the canonical way
        canonical = json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        # Then the text is already canonical
        assert text == canonical, path


# --- (b) every example is accepted by the model it illustrates ----------------------------------


@pytest.mark.parametrize("name", sorted(contracts.SCHEMAS))
def test_every_schema_example_is_accepted_by_its_pydantic_model(name):
    # Given a schema file and the model it was generated from
    model, _mode = contracts.SCHEMAS[name]
    schema = _load(f"schemas/{name}.schema.json")
    # When each of its examples is parsed as JSON by the model
    # Then it validates, and the schema names itself
    assert schema["examples"], f"{name} has no example"
    assert schema["$id"].endswith(f"/schemas/{name}.schema.json")
    for example in schema["examples"]:
        model.model_validate_json(json.dumps(example))


def _sse_events(text: str) -> list[tuple[str, dict]]:
    """(event, data) of each Server-Sent Event of a stream; comments and the retry hint are skipped."""
    events = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if line and not line.startswith(":")
                      and ": " in line)
        if "event" in fields:
            events.append((fields["event"], json.loads(fields["data"])))
    return events


def test_every_openapi_body_example_is_accepted_by_its_pydantic_model():
    # Given the OpenAPI document and the component each body refers to
    openapi = _load("openapi.json")
    checked = 0
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            bodies = [operation.get("requestBody", {})] + list(operation["responses"].values())
            for body in bodies:
                for media_type, media in body.get("content", {}).items():
                    if media_type == "application/xml":  # get_invoices?format=cii: the Factur-X XML (test_facturx.py)
                        assert media["example"].startswith("<?xml"), path
                        continue
                    if media_type == "text/csv":  # get_penalty_statement?format=csv: checked below
                        assert all(isinstance(e["value"], str) for e in media["examples"].values()), path
                        continue
                    if media_type == "text/event-stream":  # watch_orders: each event's data is one JSON object
                        for example in media["examples"].values():
                            events = _sse_events(example["value"])
                            assert [e for e, _ in events][-1] == "end", path
                            for event, data in events:
                                if event == "order":  # no more than what identifies the change (A11)
                                    assert set(data) == {"manager_id", "order_id", "state", "state_label",
                                                         "updated_at"}, path
                                    checked += 1
                        continue
                    if media_type == "multipart/form-data":  # store_report: the text fields, then the file part
                        model, _mode = contracts.SCHEMAS["AttachFields"]
                        assert set(media["schema"]["properties"]) == {*model.model_fields, "file"}, path
                        for example in media["examples"].values():
                            model.model_validate_json(json.dumps(example["value"]))
                            checked += 1
                        continue
                    # one schema, or one of several (attach_order_node answers one order or many)
                    refs = [s["$ref"] for s in media["schema"].get("oneOf", [media["schema"]])]
                    models = [contracts.SCHEMAS[ref.rsplit("/", 1)[1]][0] for ref in refs]
                    # When each example is parsed by the model (each line, for a JSON Lines body)
                    # Then it validates (against exactly one model, when there are several)
                    for example_name, example in media.get("examples", {}).items():
                        values = ([json.loads(line) for line in example["value"].splitlines() if line.strip()]
                                  if media.get("x-json-lines") else [example["value"]])
                        assert values, (path, example_name)
                        for value in values:
                            failures = []
                            for model in models:
                                try:
                                    model.model_validate_json(json.dumps(value))
                                except Exception as exc:  # pragma: no cover - the message names the culprit
                                    failures.append(exc)
                            if len(failures) != len(models) - 1:  # pragma: no cover
                                pytest.fail(f"{method.upper()} {path} example {example_name!r}: {failures}")
                            checked += 1
    assert checked > 60


def test_every_asyncapi_message_example_is_accepted_by_its_pydantic_model():
    # Given the AsyncAPI messages and their payload components
    asyncapi = _load("asyncapi.json")
    for message in asyncapi["components"]["messages"].values():
        name = message["payload"]["$ref"].rsplit("/", 1)[1]
        model, _mode = contracts.SCHEMAS[name]
        headers = _resolve(asyncapi, message["headers"]["$ref"])
        assert message["examples"], message["name"]
        for example in message["examples"]:
            # When its payload is parsed by the model
            model.model_validate_json(json.dumps(example["payload"]))
            # Then its headers carry every required CloudEvents attribute, with the message's own type
            assert set(headers["required"]) <= set(example["headers"]), example["name"]
            assert example["headers"]["ce-type"] == headers["properties"]["ce-type"]["const"]


# --- (c) every $ref resolves inside its document ----------------------------------------------


@pytest.mark.parametrize("name", ["openapi.json", "asyncapi.json"])
def test_every_ref_in_the_api_documents_resolves_inside_the_document(name):
    # Given an API document
    document = _load(name)
    refs = list(_refs(document))
    assert refs
    # When every $ref is followed
    # Then it lands on an existing node of the same document
    for ref, where in refs:
        try:
            _resolve(document, ref)
        except (KeyError, IndexError, ValueError, AssertionError) as exc:
            pytest.fail(f"{name}: {ref} (at {where}) does not resolve: {exc!r}")


def test_schema_files_only_refer_to_their_own_definitions():
    # Given each standalone schema file
    for path in sorted((CONTRACTS_DIR / "schemas").glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        # When its $refs are followed
        # Then each resolves to one of its own $defs
        for ref, where in _refs(schema):
            assert ref.startswith("#/$defs/"), f"{path.name}: {ref} at {where}"
            _resolve(schema, ref)


# --- (d) the error-code catalogue is published ------------------------------------------------


def test_every_error_code_of_the_catalogue_is_published_with_its_french_message():
    # Given the AsyncAPI document
    published = _load("asyncapi.json")["x-error-codes"]
    # When it is compared with the catalogue in the code
    # Then every code is there, with the same French template, and nothing else
    missing = sorted(set(CATALOGUE) - set(published))
    assert not missing, f"error codes missing from x-error-codes: {missing}"
    assert set(published) == set(CATALOGUE)
    for code, template in CATALOGUE.items():
        assert published[code]["message"] == template, code


# --- (e) OpenAPI covers exactly the public HTTP functions -------------------------------------


def _public_http_functions() -> dict[str, dict[str, Any]]:
    """HTTP functions a client calls: trigger http, except relay_outbox and the other role-less
    (scheduler, Cloud Tasks) ones."""
    functions = json.loads(EMULATORS_FILE.read_text(encoding="utf-8"))["functions"]
    return {name: spec for name, spec in functions.items()
            if spec.get("trigger") == "http" and name != "relay_outbox" and spec.get("role")}


def _operations() -> list[tuple[str, str, str, dict[str, Any]]]:
    """(function, path, method, operation) for every OpenAPI operation; a function answering two
    methods (export_space: POST and GET) has two operations with distinct operationIds."""
    paths = _load("openapi.json")["paths"]
    return [(op["x-function"], path, method, op) for path, item in paths.items()
            for method, op in item.items() if method in HTTP_METHODS]


def test_openapi_describes_exactly_the_public_http_functions_of_emulators_json():
    # Given the public HTTP functions declared for the local stack
    public = set(_public_http_functions())
    # When the OpenAPI operations are listed
    operations = _operations()
    described = {function for function, _, _, _ in operations}
    # Then there is an operation per public HTTP function, on the path of its name, except the
    # functions explicitly listed as not described yet (a new function must be described or listed)
    undescribed = public - described - contracts.NOT_YET_DESCRIBED
    assert not undescribed, (
        f"HTTP functions neither in openapi.json nor in devtools.contracts.registry.NOT_YET_DESCRIBED: {sorted(undescribed)}"
    )
    assert described == public - contracts.NOT_YET_DESCRIBED
    assert not described & contracts.NOT_YET_DESCRIBED, "a described function is still listed in NOT_YET_DESCRIBED"
    assert contracts.NOT_YET_DESCRIBED <= public, "NOT_YET_DESCRIBED names functions that no longer exist"
    assert all(path == f"/{function}" for function, path, _, _ in operations)
    operation_ids = [op["operationId"] for _, _, _, op in operations]
    assert len(operation_ids) == len(set(operation_ids)), "operationIds must be unique"


def test_openapi_roles_match_the_roles_of_emulators_json():
    # Given the role(s) emulators.json gives each described function
    public = _public_http_functions()
    for function, _, _, operation in _operations():
        # When the operation's x-roles are read
        # Then they are the same roles
        assert sorted(operation["x-roles"]) == sorted(public[function]["role"].split("|")), function


def _serve_call(function: str) -> dict[str, Any]:
    """The literal roles=, right= and methods= of the http.serve(...) call in functions/<name>.py."""
    tree = ast.parse((REPO_ROOT / "functions" / f"{function}.py").read_text(encoding="utf-8"))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and node.func.attr == "serve"]
    assert len(calls) == 1, f"functions/{function}.py: expected one http.serve(...) call"
    found: dict[str, Any] = {}
    for keyword in calls[0].keywords:
        if keyword.arg in ("right", "methods"):
            found[keyword.arg] = ast.literal_eval(keyword.value)
        elif keyword.arg == "roles":
            value = keyword.value
            if isinstance(value, ast.Name):  # BENEFICIARY / OPERATOR from functions/_sourcing.py
                value = next(node.value for node in ast.walk(ast.parse(
                    (REPO_ROOT / "functions" / "_sourcing.py").read_text(encoding="utf-8")))
                    if isinstance(node, ast.Assign) and node.targets[0].id == value.id)
            found["roles"] = set(ast.literal_eval(value.args[0]))
    return found


def test_openapi_roles_and_rights_are_the_ones_each_handler_passes_to_serve():
    # Given the described operations
    for function, _, method, operation in _operations():
        # When the handler's http.serve(...) call is read
        serve = _serve_call(function)
        # Then the roles, the right (one, or one per role) and the method are the ones it passes
        assert set(operation["x-roles"]) == serve["roles"], function
        assert operation["x-right"] == serve.get("right"), function  # none: change_password
        assert method.upper() in serve.get("methods", ("POST",)), (function, method)


def test_the_right_that_offers_order_moves_is_the_one_the_moving_handlers_require():
    # Given the right the domain asks of each role before offering it moves (next_states)
    from shared.domain.order_moves import MOVE_RIGHTS

    # Then it is the right change_order_state (manager, beneficiary) and submit_execution (contractor) require
    assert MOVE_RIGHTS == {"manager": _serve_call("change_order_state")["right"],
                           "beneficiary": _serve_call("change_order_state")["right"],
                           "contractor": _serve_call("submit_execution")["right"]}


def test_every_post_operation_requires_an_idempotency_key_and_answers_problems_as_json():
    # Given the OpenAPI document
    openapi = _load("openapi.json")
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            # When an operation's parameters and error answers are read
            params = [_resolve(openapi, p["$ref"]) if "$ref" in p else p for p in operation.get("parameters", [])]
            keys = [p for p in params if p["in"] == "header" and p["name"] == "Idempotency-Key"]
            # Then POSTs require the key, and every 4xx/5xx is application/problem+json
            if method == "post":
                assert keys and keys[0]["required"] is True, path
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (path, status)


# --- (f) the answers built as plain dicts match the models that describe them ------------------
# Every example comes from running the services (devtools/contracts/stories_*.py) and is validated above;
# these check a few more answers of the services that still build dicts.


def _export_archive():
    """An in-memory ExportArchive: two documents, one stored file."""
    from tests.fakes import MemoryExportArchive

    space = "managers/mgr-rhone-habitat"
    return MemoryExportArchive({space: [(space, {"name": "Rhône Habitat"}),
                                        (f"{space}/orders/BC-2026-0101", {"state": "completed"})]},
                               {f"{space}/documents/rapport.pdf": b"%PDF-1.7\n%%EOF\n"})


def test_the_export_job_answers_of_export_space_match_the_export_job_model():
    # Given the real export service over an in-memory archive and database
    from shared.service import exports
    from tests.fakes import World

    archive, world = _export_archive(), World("2026-06-30T16:02:11+00:00")
    # When an export is requested, run, and read back by its owner
    pending = exports.request_export("manager", "mgr-rhone-habitat", "uid-1", world.uow(), world.clock)
    [message] = world.outbox()
    exports.run_export(pending["job_id"], world.uow(), archive, world.clock)
    completed = exports.export_status(pending["job_id"], "mgr-rhone-habitat", world.uow(), archive)
    # Then every answer is an ExportJob, and the message is an ExportRequested from the documented source
    for job in (pending, completed):
        ExportJob.model_validate_json(json.dumps(job))
    assert completed["status"] == "completed" and completed["download_url"]
    ExportRequested.model_validate_json(json.dumps(message.data))
    assert (message.topic, message.source) == (contracts.EXPORTS_TOPIC, contracts.EXPORTS_SOURCE)


def test_the_manage_account_answer_matches_the_account_created_model():
    # Given the account story the generator tells with the real account service
    from devtools.contracts.stories_platform import AccountStory

    story = AccountStory()
    # When its create_account answer is parsed by the describing model
    created = AccountCreated.model_validate_json(json.dumps(story.created))
    # Then it validates, with the fulfilled request
    assert created.request is not None and created.request.status == "fulfilled"


def test_the_import_professionals_report_matches_the_import_report_model():
    # Given the real import service, a pool where the valid line is already stored, and two bad lines
    from shared.service.sourcing import paths, pool_import
    from tests.fakes import World

    professional = Professional.model_validate_json(json.dumps(PROFESSIONAL))
    world = World()
    world.seed(paths.professional(professional.professional_id), professional.model_dump(mode="json"))
    body = (json.dumps(PROFESSIONAL) + "\n{not json\n\n" + json.dumps({**PROFESSIONAL, "level": "expert"}) + "\n").encode()
    # When the body is imported
    report = pool_import.import_professionals(body, world.uow(), blobs=None, clock=None)
    # Then the report is an ImportReport: one accepted line, two rejected, nothing changed or written
    parsed = ImportReport.model_validate_json(json.dumps(report))
    assert (parsed.accepted, parsed.rejected, parsed.changed, parsed.index_revision) == (1, 2, 0, None)
    assert [line.line for line in parsed.lines] == [1, 2, 4]
    assert world.db.commits == 0


def test_the_csv_statement_example_is_the_json_statement_example_as_csv():
    # Given the get_penalty_statement answer examples
    operation = _load("openapi.json")["paths"]["/get_penalty_statement"]["get"]
    content = operation["responses"]["200"]["content"]
    as_json = content["application/json"]["examples"]["april"]["value"]
    as_csv = content["text/csv"]["examples"]["april"]["value"]
    # When the JSON statement is written as CSV by the domain code
    from shared.domain.penalties import Statement, statement_csv

    # Then it is the CSV example
    assert statement_csv(Statement.model_validate_json(json.dumps(as_json))).decode("utf-8") == as_csv
