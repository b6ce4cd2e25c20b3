"""The web application as a Firebase Hosting site: its public folder, /config.json and headers.

The app is plain files under ``web/`` (no build step). Firebase Hosting serves them — the
Hosting emulator locally (devtools/stack.py starts it next to the Auth emulator), Firebase
Hosting in production — with a ``config.json`` generated here for the functions and Auth it
must call, and the security headers of ``devtools/web_config.py`` (CSP, nosniff, no referrer).

Locally the public folder links to ``web/`` (edit a file, reload the page). For production::

    python -m devtools.hosting --out build/hosting \\
        --functions-base-url https://europe-west9-<project>.cloudfunctions.net --api-key <Web API key>
    firebase deploy --only hosting --project <project> --config build/hosting/firebase.json

copies the files (docs/web-app.md, "Production").
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from devtools import web_config as web

WEB_DIR = Path(__file__).resolve().parents[1] / "web"
# What the site serves: the app's own files, at the top of web/ or in web/vendor/ (no test, no hidden file).
SERVED_SUFFIXES = {".html", ".js", ".mjs", ".css", ".svg", ".png", ".ico", ".json"}


def app_files(web_dir: Path = WEB_DIR) -> list[Path]:
    return sorted(p for p in web_dir.rglob("*") if p.is_file() and p.suffix in SERVED_SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(web_dir).parts))


def headers(cfg: Mapping[str, Any]) -> list[dict[str, Any]]:
    """firebase.json ``hosting.headers``: security headers everywhere, config.json never cached."""
    security = [{"key": "Content-Security-Policy", "value": web.content_security_policy(cfg)},
                {"key": "X-Content-Type-Options", "value": "nosniff"},
                {"key": "Referrer-Policy", "value": "no-referrer"},
                {"key": "X-Frame-Options", "value": "DENY"},
                {"key": "Cache-Control", "value": "no-cache"}]
    return [{"source": "**", "headers": security},
            {"source": "/config.json", "headers": [{"key": "Cache-Control", "value": "no-store"}]}]


def build(out: Path, env: Mapping[str, str], *, link: bool) -> dict[str, Any]:
    """Write ``out/public`` (the app's files, linked or copied, and config.json) and return the
    ``hosting`` block of a firebase.json written in ``out`` (``public`` is relative to it: the
    Hosting emulator does not serve linked files under an absolute public path)."""
    cfg = web.config(env, web.catalogue())
    public = out / "public"
    if public.exists():
        shutil.rmtree(public)
    public.mkdir(parents=True)
    for source in app_files():
        target = public / source.relative_to(WEB_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        if link:
            target.symlink_to(source)
        else:
            shutil.copyfile(source, target)
    (public / "config.json").write_text(json.dumps(cfg, ensure_ascii=False, indent=1), encoding="utf-8")
    return {"public": "public", "headers": headers(cfg)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the web application's Firebase Hosting site for production.")
    parser.add_argument("--out", type=Path, required=True, help="folder to write firebase.json and public/ into")
    parser.add_argument("--functions-base-url", required=True,
                        help="https://<region>-<project>.cloudfunctions.net (Terraform output function_uris' base)")
    parser.add_argument("--api-key", required=True, help="the Firebase Web API key (public, not a secret)")
    parser.add_argument("--refresh-seconds", default="15", help="how often live dashboards poll (default 15)")
    parser.add_argument("--support-email", default="",
                        help="the operator's support address, the accessibility statement's contact "
                             "(Terraform variable support_email; default: a placeholder on .invalid)")
    args = parser.parse_args(argv)
    env = {"PASSERELLE_FUNCTIONS_BASE_URL": args.functions_base_url, "PASSERELLE_WEB_API_KEY": args.api_key,
           "PASSERELLE_WEB_REFRESH_SECONDS": args.refresh_seconds, "PASSERELLE_SUPPORT_EMAIL": args.support_email}
    hosting = build(args.out, env, link=False)
    (args.out / "firebase.json").write_text(json.dumps({"hosting": hosting}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}/firebase.json and {len(app_files()) + 1} files under {args.out}/public")
    return 0


if __name__ == "__main__":
    sys.exit(main())
