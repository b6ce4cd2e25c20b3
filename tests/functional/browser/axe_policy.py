"""What an axe-core run may find on a screen: nothing, whatever its impact (critical, serious, moderate, minor),
but the entries of axe_allowed.json — each one a rule on named screens, with why it is a false positive or what
would fix it, documented in docs/accessibility.md (« The allow-list »; tests/unit/test_axe_policy.py keeps the two
together). Shared by the three engines: Chromium (conftest.py ``App.check``), WebKitGTK (test_webkit.py) and Firefox
ESR (second_engine.mjs reads the same JSON)."""

from __future__ import annotations

import json
from pathlib import Path

ALLOWED = Path(__file__).with_name("axe_allowed.json")

# axe.run's answer, trimmed to what a failure message needs; every impact is kept
AXE_RUN_JS = """
    const r = await axe.run(document, {resultTypes: ['violations']});
    return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
"""


def allowed() -> list[dict]:
    """The allow-list's entries: {"rule", "screens", "why"}."""
    return json.loads(ALLOWED.read_text(encoding="utf-8"))["allowed"]


def unexpected(violations: list[dict], screen: str, allow: list[dict] | None = None) -> list[dict]:
    """The violations found on ``screen`` that no allow-list entry names for that screen."""
    entries = allowed() if allow is None else allow
    excused = {entry["rule"] for entry in entries if screen in entry["screens"]}
    return [v for v in violations if v["id"] not in excused]
