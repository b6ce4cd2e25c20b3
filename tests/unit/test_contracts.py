"""The published contracts (A12) match the code: schemas, OpenAPI and AsyncAPI in docs/contracts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared import contracts
from shared.domain.errors import CATALOGUE

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
        f"docs/contracts is out of date ({', '.join(stale)}): run `python -m shared.contracts` and commit the result"
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
                for media in body.get("content", {}).values():
                    name = media["schema"]["$ref"].rsplit("/", 1)[1]
                    model, _mode = contracts.SCHEMAS[name]
                    # When each example is parsed by the model
                    # Then it validates
                    for example_name, example in media.get("examples", {}).items():
                        try:
                            model.model_validate_json(json.dumps(example["value"]))
                        except Exception as exc:  # pragma: no cover - the message names the culprit
                            pytest.fail(f"{method.upper()} {path} example {example_name!r}: {exc}")
                        checked += 1
    assert checked > 20


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


def _operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    paths = _load("openapi.json")["paths"]
    return {op["operationId"]: (path, method, op) for path, item in paths.items()
            for method, op in item.items() if method in HTTP_METHODS}


def test_openapi_describes_exactly_the_public_http_functions_of_emulators_json():
    # Given the public HTTP functions declared for the local stack
    public = set(_public_http_functions())
    # When the OpenAPI operations are listed
    operations = _operations()
    # Then there is one operation per public HTTP function, on the path of its name, except the
    # functions explicitly listed as not described yet (a new function must be described or listed)
    undescribed = public - set(operations) - contracts.NOT_YET_DESCRIBED
    assert not undescribed, (
        f"HTTP functions neither in openapi.json nor in shared.contracts.NOT_YET_DESCRIBED: {sorted(undescribed)}"
    )
    assert set(operations) == public - contracts.NOT_YET_DESCRIBED
    assert contracts.NOT_YET_DESCRIBED <= public, "NOT_YET_DESCRIBED names functions that no longer exist"
    assert all(path == f"/{operation_id}" for operation_id, (path, _, _) in operations.items())


def test_openapi_roles_match_the_roles_of_emulators_json():
    # Given the role(s) emulators.json gives each described function
    public = _public_http_functions()
    for operation_id, (_, _, operation) in _operations().items():
        # When the operation's x-roles are read
        # Then they are the same roles
        assert sorted(operation["x-roles"]) == sorted(public[operation_id]["role"].split("|")), operation_id


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
