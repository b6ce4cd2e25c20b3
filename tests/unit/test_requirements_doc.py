"""docs/requirements.md, the map from each requirement id of SPEC.md to its code, tests and docs,
cannot rot silently: every id has its entry, every path it names exists, every name given after a
path occurs in that file, and every link resolves to a file and, when it names one, a heading."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "requirements.md"

# Every id of SPEC.md (kept outside the repository, so written here).
REQUIREMENT_IDS = (
    "A1", "A2", "A2.1", "A2.2", "A2.3", "A2.4", "A2.5", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10",
    "A11", "A12", "A13", "A14",
    "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B10", "B11", "B12", "B13", "B14", "B15", "B16",
    "B17", "B18",
)
DEADLINE_IDS = ("D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "P1")

PATH_ROOTS = ("shared/", "functions/", "tests/", "devtools/", "infra/", "docs/", "web/", "bench/", "scripts/")
ROOT_FILES = frozenset({"firestore.rules", "main.py", "emulators.json", "firebase.json", "README.md",
                        "requirements.txt", "package.json"})
_CODE = re.compile(r"`([^`]+)`")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _text() -> str:
    return DOC.read_text(encoding="utf-8")


def _is_path(token: str) -> bool:
    return token in ROOT_FILES or (token.startswith(PATH_ROOTS) and not any(c in token for c in " <>*{}"))


def _slug(heading: str) -> str:
    """GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_slug(line.lstrip("#")) for line in path.read_text(encoding="utf-8").splitlines()
            if re.match(r"^#{1,6} ", line)}


def test_every_requirement_id_has_its_own_section():
    headings = [line for line in _text().splitlines() if re.match(r"^#{2,4} ", line)]
    missing = [i for i in REQUIREMENT_IDS
               if not any(re.match(rf"^#{{2,4}} {re.escape(i)} \S", h) for h in headings)]
    assert missing == [], f"no section for {missing} in docs/requirements.md"
    # and each id, in its sections, says which tests cover it and where it is documented
    sections = re.split(r"\n(?=#{2,4} )", _text())
    for i in REQUIREMENT_IDS:
        body = "\n".join(s for s in sections if re.match(rf"^#{{2,4}} {re.escape(i)} \S", s))
        assert "**Tested by:**" in body and "**Documented in:**" in body, f"{i}: tests or docs not given"


def test_every_deadline_and_the_penalty_have_a_row_in_the_deadline_table():
    rows = {line.split("|")[1].strip() for line in _text().splitlines() if line.startswith("| ")}
    assert [i for i in DEADLINE_IDS if i not in rows] == []


def test_every_path_the_map_names_exists():
    missing = sorted({token for token in _CODE.findall(_text())
                      if _is_path(token) and not (ROOT / token.rstrip("/")).exists()})
    assert missing == [], f"docs/requirements.md names paths that do not exist: {missing}"


def test_every_name_given_after_a_path_occurs_in_that_file():
    """On each line, a plain identifier in backticks belongs to the last file named before it."""
    absent = []
    for number, line in enumerate(_text().splitlines(), 1):
        current: Path | None = None
        for token in _CODE.findall(line):
            if _is_path(token):
                path = ROOT / token.rstrip("/")
                current = path if path.is_file() else None
            elif current is not None and _NAME.match(token):
                if not re.search(rf"\b{re.escape(token)}\b", current.read_text(encoding="utf-8")):
                    absent.append(f"line {number}: {token} not in {current.relative_to(ROOT)}")
    assert absent == []


@pytest.mark.parametrize("target", sorted(set(_LINK.findall(DOC.read_text(encoding="utf-8")))))
def test_every_link_resolves_to_a_file_and_its_heading(target):
    assert not target.startswith(("http:", "https:")), "link to repository files only"
    file_part, _, anchor = target.partition("#")
    path = (DOC.parent / file_part).resolve() if file_part else DOC
    assert path.exists(), f"{target}: no such file"
    if anchor:
        assert anchor in _anchors(path), f"{target}: no such heading in {path.relative_to(ROOT)}"
