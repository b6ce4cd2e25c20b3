"""What an axe-core run may find on a screen: nothing, whatever its impact (critical, serious, moderate, minor),
but the entries of axe_allowed.json — each one a rule on named screens, with why it is a false positive or what
would fix it, documented in docs/accessibility.md (« The allow-list »; tests/unit/test_axe_policy.py keeps the two
together). Shared by the three engines: Chromium (conftest.py ``App.check``), WebKitGTK (test_webkit.py) and Firefox
ESR (second_engine.mjs reads the same JSON).

axe's « incomplete » results — what it could not decide (a text's contrast over a background image, say) — were
reviewed one by one: axe_reviewed.json keeps each kind found (a rule, axe's reason, the elements it is about as a
CSS selector) with why it is not a defect; Chromium's ``App.check`` fails on any other (``unreviewed``), so that a
new screen's new kind of doubt is looked at (docs/accessibility.md « Incomplete results reviewed »)."""

from __future__ import annotations

import json
from pathlib import Path

ALLOWED = Path(__file__).with_name("axe_allowed.json")
REVIEWED = Path(__file__).with_name("axe_reviewed.json")

# axe.run's answer, trimmed to what a failure message needs; every impact is kept
AXE_RUN_JS = """
    const r = await axe.run(document, {resultTypes: ['violations']});
    return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
"""

# The same run with its « incomplete » results too (Chromium's App.check): each node's reasons (axe's messageKey,
# else the check's id) and which reviewed entries' selectors its element matches, tried in the page. Argument: the
# reviewed entries.
AXE_RUN_WITH_INCOMPLETE_JS = """async (reviewed) => {
  const r = await axe.run(document, {resultTypes: ['violations', 'incomplete']});
  const matching = (target) => { const el = target.length === 1 ? document.querySelector(target[0]) : null;
    return el ? reviewed.map((e, i) => el.matches(e.selector) ? i : -1).filter(i => i >= 0) : []; };
  return {
    violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                         nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})),
    incomplete: r.incomplete.flatMap(v => v.nodes.map(n => ({id: v.id, help: v.help, target: n.target.join(' '),
      html: n.html.slice(0, 160), matches: matching(n.target),
      reasons: [...new Set([...n.any, ...n.all, ...n.none].map(c => c.data?.messageKey || c.id))].sort()}))),
  };
}"""


def allowed() -> list[dict]:
    """The allow-list's entries: {"rule", "screens", "why"}."""
    return json.loads(ALLOWED.read_text(encoding="utf-8"))["allowed"]


def reviewed() -> list[dict]:
    """The incomplete results reviewed: {"rule", "reasons", "selector", "why"}."""
    return json.loads(REVIEWED.read_text(encoding="utf-8"))["reviewed"]


def unexpected(violations: list[dict], screen: str, allow: list[dict] | None = None) -> list[dict]:
    """The violations found on ``screen`` that no allow-list entry names for that screen."""
    entries = allowed() if allow is None else allow
    excused = {entry["rule"] for entry in entries if screen in entry["screens"]}
    return [v for v in violations if v["id"] not in excused]


def unreviewed(incomplete: list[dict], entries: list[dict]) -> list[dict]:
    """The incomplete nodes (AXE_RUN_WITH_INCOMPLETE_JS, its ``matches`` indexes into ``entries``) that no reviewed
    entry covers: same rule, the same reasons, and an element its selector matches."""
    def covered(node: dict) -> bool:
        return any(entries[i]["rule"] == node["id"] and sorted(entries[i]["reasons"]) == node["reasons"]
                   for i in node["matches"] if i < len(entries))
    return [node for node in incomplete if not covered(node)]
