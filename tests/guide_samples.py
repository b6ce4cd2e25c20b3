"""The code blocks of the connector guides (A12 technical documentation), as the tests read them.

Every fenced block of docs/connector-guide.en.md and docs/connector-guide.fr.md is announced by an HTML
comment on the line before it, invisible once rendered:

- ``<!-- sample: program receive_orders.py -->``: a program a contractor's developer copies and runs;
  tests/functional/test_connector_guide.py runs each one against the emulators;
- ``<!-- sample: message fr.passerelle.order.state_changed.v1 -->``: the JSON body of a message of that
  CloudEvents type; tests/unit/test_connector_guide.py validates it with the platform's own model;
- ``<!-- sample: fragment -->``: an excerpt to read, not to run (an abbreviated answer, ``./scripts/dev``).

A block without a marker is an error (``kind`` ``unmarked``): a new sample must say what it is, so that
no program reaches the guides without being run.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
GUIDES = {"en": REPO_ROOT / "docs" / "connector-guide.en.md", "fr": REPO_ROOT / "docs" / "connector-guide.fr.md"}
KINDS = ("program", "message", "fragment")
_MARKER = re.compile(r"^<!-- sample: (?P<kind>\S+)(?: (?P<name>\S+))? -->$")


@dataclass(frozen=True)
class Sample:
    guide: str
    line: int  # of the opening fence, from 1
    kind: str  # program, message, fragment, or unmarked
    name: str | None  # the program's file name, or the message's ce-type
    language: str  # the fence's info string: python, sh, json
    code: str

    def __str__(self) -> str:
        return f"{Path(self.guide).name}:{self.line} ({self.kind} {self.name or ''})".rstrip()


def samples(path: Path) -> list[Sample]:
    """Every fenced block of a guide, in order, with the marker on the line before it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found, index = [], 0
    while index < len(lines):
        if not lines[index].startswith("```"):
            index += 1
            continue
        opening, language = index, lines[index][3:].strip()
        index += 1
        body = []
        while not lines[index].startswith("```"):
            body.append(lines[index])
            index += 1
        index += 1
        marker = _MARKER.match(lines[opening - 1]) if opening else None
        kind = marker["kind"] if marker else "unmarked"
        found.append(Sample(str(path), opening + 1, kind, marker["name"] if marker else None, language,
                            "\n".join(body) + "\n"))
    return found


def programs(path: Path) -> dict[str, Sample]:
    return {sample.name: sample for sample in samples(path) if sample.kind == "program"}


def program_shape(sample: Sample) -> str:
    """What a program does, without what it says to a person: comments dropped, and every string meant for a
    reader (one with a space in it: printed text, docstrings) blanked, since the French guide translates
    them; names, calls, keys, types, URLs and the fields an f-string formats must be the same."""
    if sample.language == "python":
        return ast.dump(_Untranslated().visit(ast.parse(sample.code)))
    return "\n".join(line for line in (re.sub(r"(^|\s)#.*$", "", raw).rstrip() for raw in sample.code.splitlines())
                     if line)


class _Untranslated(ast.NodeTransformer):
    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        if isinstance(node.value, str) and re.search(r"\s", node.value):
            return ast.Constant("…")
        return node
