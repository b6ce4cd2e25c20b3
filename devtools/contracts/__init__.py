"""Machine-readable contracts for connectors (A12), generated from the pydantic models: a build tool,
never deployed.

    python -m devtools.contracts           # (re)write docs/contracts
    python -m devtools.contracts --check   # exit 1, listing the files that differ

Writes, under ``docs/contracts``:

- ``schemas/<Model>.schema.json``: JSON Schema 2020-12 of every message and HTTP body
  (validation mode for what the platform receives, serialization mode for what it sends),
  each with a ``$id`` and realistic ``examples``;
- ``openapi.json``: OpenAPI 3.1 of the HTTPS functions;
- ``asyncapi.json``: AsyncAPI 3.0 of the per-contractor Pub/Sub topics, with the error-code
  catalogue as ``x-error-codes``.

The models live beside the domain they describe (``shared/domain``). The examples come from
running the real services on an in-memory platform (``platform.py``, ``stories_*.py``), so that a
change of rule, wording or answer shows up here and the contract test (tests/unit/test_contracts.py)
asks for the files to be regenerated.

Modules: ``registry`` (operations and example sources, by area), ``schemas`` (every schema),
``openapi`` / ``openapi_*`` (the HTTPS operations, one module per area), ``asyncapi`` /
``asyncapi_messages``, ``stories_*`` (the stories, one module per area), ``files`` (write / check).
"""

from devtools.contracts.asyncapi import EXPORTS_SOURCE, EXPORTS_TOPIC  # noqa: F401
from devtools.contracts.files import CONTRACTS_DIR, differences, generate, main, write  # noqa: F401
from devtools.contracts.registry import NOT_YET_DESCRIBED, described  # noqa: F401
from devtools.contracts.schemas import SCHEMAS  # noqa: F401
