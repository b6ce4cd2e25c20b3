"""The browser tests' axe-core policy (tests/functional/browser/axe_policy.py): every violation fails, whatever its
impact, but the allow-list's entries — each one a real axe rule on named screens, with its reason, and documented in
docs/accessibility.md (« The allow-list »). None of the three engines' checks filters by impact any more."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.functional.browser import axe_policy

ROOT = Path(__file__).resolve().parents[2]
BROWSER = ROOT / "tests" / "functional" / "browser"
DOC = ROOT / "docs" / "accessibility.md"
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

MODERATE = {"id": "heading-order", "impact": "moderate", "help": "Heading levels should only increase by one",
            "nodes": ["h4"]}
MINOR = {"id": "empty-table-header", "impact": "minor", "help": "Table header text should not be empty",
         "nodes": ["th"]}
SERIOUS = {"id": "color-contrast", "impact": "serious", "help": "Elements must meet minimum color contrast",
           "nodes": ["p"]}


def test_every_impact_is_unexpected_when_nothing_is_allowed():
    assert axe_policy.unexpected([MODERATE, MINOR, SERIOUS], "connexion", allow=[]) == [MODERATE, MINOR, SERIOUS]


def test_an_entry_excuses_its_rule_on_its_screens_only():
    allow = [{"rule": "heading-order", "screens": ["gestionnaire-commande"], "why": "essai"}]
    assert axe_policy.unexpected([MODERATE, MINOR], "gestionnaire-commande", allow=allow) == [MINOR]
    assert axe_policy.unexpected([MODERATE, MINOR], "prestataire-commande", allow=allow) == [MODERATE, MINOR]


def _section(heading: str) -> str:
    """The part of docs/accessibility.md under ``heading``, up to the next section."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(heading)
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else len(text)]


def test_each_allowed_entry_is_a_real_rule_on_named_screens_with_a_reason_and_documented():
    rules = AXE_SOURCE.read_text(encoding="utf-8")
    section = _section("## The allow-list")
    for entry in axe_policy.allowed():
        assert set(entry) == {"rule", "screens", "why"}, entry
        assert entry["screens"] and all(isinstance(s, str) and s for s in entry["screens"]), entry
        assert len(entry["why"]) > 20, entry
        assert f'id:"{entry["rule"]}"' in rules, f"{entry['rule']} is not a rule of axe-core"
        assert f"`{entry['rule']}`" in section, f"{entry['rule']} is allowed but not in docs/accessibility.md"
        for screen in entry["screens"]:
            assert screen in section, f"{screen} is allowed {entry['rule']} but docs/accessibility.md does not say so"


def test_the_doc_lists_no_rule_the_allow_list_does_not_have():
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", _section("## The allow-list"), flags=re.MULTILINE))
    assert listed == {entry["rule"] for entry in axe_policy.allowed()}


@pytest.mark.parametrize(("checker", "policy"), [("conftest.py", "axe_policy.unexpected("),
                                                 ("test_webkit.py", "unexpected("),
                                                 ("second_engine.mjs", "axe_allowed.json"),
                                                 ("axe_policy.py", "axe.run(")])
def test_no_engine_filters_axe_by_impact(checker, policy):
    source = (BROWSER / checker).read_text(encoding="utf-8")
    assert policy in source, f"{checker} does not go through the allow-list"
    assert not re.search(r"""['"](serious|critical|moderate|minor)['"]""", source), f"{checker} keeps only some impacts"


# axe's « incomplete » results: App.check fails on any kind no reviewed entry covers (axe_reviewed.json)
REVIEWED = [{"rule": "color-contrast", "reasons": ["bgImage"], "selector": "select", "why": "essai"}]


def _doubt(rule="color-contrast", reasons=("bgImage",), matches=(0,)):
    return {"id": rule, "help": "", "target": "#f", "html": "<select>", "reasons": list(reasons),
            "matches": list(matches)}


def test_an_incomplete_result_passes_only_when_a_reviewed_entry_covers_its_rule_reasons_and_element():
    assert axe_policy.unreviewed([_doubt()], REVIEWED) == []
    other_element, other_reason, other_rule = _doubt(matches=()), _doubt(reasons=("bgOverlap",)), _doubt("aria-valid")
    assert axe_policy.unreviewed([other_element, other_reason, other_rule], REVIEWED) == [
        other_element, other_reason, other_rule]
    assert axe_policy.unreviewed([_doubt()], []) == [_doubt()]


def test_each_reviewed_entry_is_a_real_rule_with_its_reasons_element_and_why_and_documented():
    rules = AXE_SOURCE.read_text(encoding="utf-8")
    section = _section("## Incomplete results reviewed")
    entries = axe_policy.reviewed()
    assert entries, "the review found kinds of incomplete results: they are listed"
    for entry in entries:
        assert set(entry) == {"rule", "reasons", "selector", "why"}, entry
        assert entry["reasons"] == sorted(set(entry["reasons"])) and all(entry["reasons"]), entry
        assert entry["selector"].strip() and entry["selector"] != "*", entry
        assert len(entry["why"]) > 40, entry
        assert f'id:"{entry["rule"]}"' in rules, f"{entry['rule']} is not a rule of axe-core"
        row = f"| `{entry['rule']}` | {', '.join(entry['reasons'])} | `{entry['selector']}` |"
        assert row in section, f"docs/accessibility.md does not list {row}"
    listed = re.findall(r"^\| `([a-z0-9-]+)` \| ([^|]+) \| `([^`]+)` \|", section, flags=re.MULTILINE)
    assert sorted((r, s.strip(), sel) for r, s, sel in listed) == sorted(
        (e["rule"], ", ".join(e["reasons"]), e["selector"]) for e in entries)


def test_chromium_checks_the_incomplete_results_against_the_review():
    source = (BROWSER / "conftest.py").read_text(encoding="utf-8")
    assert "axe_policy.AXE_RUN_WITH_INCOMPLETE_JS" in source and "axe_policy.unreviewed(" in source
    assert "'incomplete'" in axe_policy.AXE_RUN_WITH_INCOMPLETE_JS
