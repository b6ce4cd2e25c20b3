"""A walk of every role's screens on the dev stack, for what the browser tests cannot afford on each screen:
each demo account (devtools/seed.py DEMO_USERS) signs in, then every link of its menu, « Mon mot de passe » and the
first record each list links to are opened; on each screen axe-core's violations and « incomplete » results (what
axe could not decide), then the RGAA's theme 10 probes of devtools/a11y_probes.py: the focus walked by Tab (10.7),
text spacing (10.12), text only at 200 % (10.4) and reflow at 320 px (10.11). Writes walk.json and the screenshots
to --out, prints a summary. docs/accessibility.md says what it found.

    ./scripts/dev --free-ports --run-dir /tmp/walk-a11y      # prints the web app's URL
    .venv/bin/python -m devtools.a11y_walk --base http://127.0.0.1:PORT --out /tmp/a11y-walk
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections import defaultdict
from pathlib import Path

from devtools import a11y_probes
from devtools.seed import DEMO_PASSWORD, DEMO_USERS
from devtools.stack import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_BOTH = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations', 'incomplete']});
  const trim = (list) => list.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 6).map(n => ({target: n.target.join(' '), html: n.html.slice(0, 120),
      why: [...n.any, ...n.all, ...n.none].map(c => c.data?.messageKey || c.id).filter(Boolean)}))}));
  return {violations: trim(r.violations), incomplete: trim(r.incomplete)};
}"""


def slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")[:60]


def settle(page) -> None:
    page.wait_for_load_state("load")
    page.wait_for_timeout(1500)


def probe(page, screen: str, out: Path, record: dict) -> None:
    """Every check on the screen now shown; the screen is reloaded after the ones that change it."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    entry = {"screen": screen, "url": page.url, **page.evaluate(AXE_BOTH)}
    page.screenshot(path=str(out / f"{screen}.png"), full_page=True)
    entry["focus"] = a11y_probes.focus_walk(page)
    entry["hover_focus"] = page.evaluate(a11y_probes.HOVER_FOCUS)  # 10.13/10.14: CSS shown on hover only, tooltips
    page.evaluate(a11y_probes.TEXT_SPACING_ON)
    page.wait_for_timeout(100)
    entry["text_spacing"] = {"clipped": page.evaluate(a11y_probes.CLIPPED),
                             "overflow": page.evaluate(a11y_probes.OVERFLOW)}
    page.screenshot(path=str(out / f"{screen}--espacement.png"), full_page=True)
    page.evaluate(a11y_probes.TEXT_SPACING_OFF)
    page.evaluate(a11y_probes.TEXT_200)
    page.wait_for_timeout(100)
    entry["text_200"] = {"clipped": page.evaluate(a11y_probes.CLIPPED),
                         "overflow": page.evaluate(a11y_probes.OVERFLOW)}
    page.screenshot(path=str(out / f"{screen}--texte-200.png"), full_page=True)
    page.reload()
    settle(page)
    page.set_viewport_size({"width": 320, "height": 640})
    page.wait_for_timeout(300)
    entry["reflow_320"] = {"clipped": page.evaluate(a11y_probes.CLIPPED),
                           "overflow": page.evaluate(a11y_probes.OVERFLOW)}
    page.screenshot(path=str(out / f"{screen}--320.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    record["screens"].append(entry)
    print(screen, "violations", [v["id"] for v in entry["violations"]], "incomplete",
          [v["id"] for v in entry["incomplete"]], "focus", entry["focus"]["count"], len(entry["focus"]["faults"]),
          flush=True)


def walk(base: str, out: Path, roles: set[str] | None) -> dict:
    from playwright.sync_api import sync_playwright

    record: dict = {"screens": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        for user in DEMO_USERS:
            who = user["email"].split("@")[0]
            if roles and who not in roles:
                continue
            context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR",
                                          timezone_id="Europe/Paris")
            page = context.new_page()
            page.set_default_timeout(15000)
            page.goto(base + "/")
            page.get_by_label("Adresse e-mail").wait_for()
            if who == "gestionnaire":
                probe(page, "connexion", out, record)
            page.get_by_label("Adresse e-mail").fill(user["email"])
            page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
            page.get_by_label("Mot de passe").press("Enter")
            page.get_by_role("navigation", name="Navigation principale").wait_for()
            settle(page)
            links = page.evaluate("() => [...document.querySelectorAll('nav a, .session a')]"
                                  ".map(a => [a.textContent.trim(), a.getAttribute('href')])")
            for label, href in links:
                page.goto(base + "/" + href)
                settle(page)
                probe(page, f"{who}-{slug(label)}", out, record)
                detail = page.evaluate("() => { const a = document.querySelector('main table a[href^=\"#/\"]');"
                                       " return a && [a.textContent.trim(), a.getAttribute('href')]; }")
                if detail and detail[1] not in {h for _, h in links}:
                    page.goto(base + "/" + detail[1])
                    settle(page)
                    probe(page, f"{who}-{slug(label)}-fiche", out, record)
            context.close()
        browser.close()
    return record


def summary(record: dict) -> dict:
    """The incomplete results grouped by rule and axe's reason, with their screens and a few elements."""
    groups: dict = defaultdict(lambda: {"screens": set(), "nodes": []})
    for entry in record["screens"]:
        for result in entry["incomplete"]:
            for node in result["nodes"]:
                group = groups[f"{result['id']} / {','.join(sorted(set(node['why'])))}"]
                group["screens"].add(entry["screen"])
                if len(group["nodes"]) < 8:
                    group["nodes"].append(f"{entry['screen']}: {node['target']} {node['html']}")
    return {key: {"screens": sorted(g["screens"]), "nodes": g["nodes"]} for key, g in sorted(groups.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the web app's URL the dev stack printed")
    parser.add_argument("--out", default="/tmp/a11y-walk", help="where walk.json and the screenshots go")
    parser.add_argument("--role", action="append", help="only these accounts (the e-mail's local part)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    record = walk(args.base.rstrip("/"), out, set(args.role or []))
    record["incomplete_by_rule"] = summary(record)
    (out / "walk.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(record["incomplete_by_rule"], ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
