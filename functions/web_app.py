"""web_app — HTTPS GET: the platform's web application (A3 c) and the manager's live view (A11).

Public static files (``web/``) and ``/config.json`` (where Auth and the functions are); they
hold no data. Every data call the app makes goes to the functions with the user's ID token.
"""

from __future__ import annotations

import json
import os

import functions_framework

from shared.edge import web

_PROD_PREFIX = "/web-app"  # the path Cloud Functions may pass on its cloudfunctions.net URL


@functions_framework.http
def web_app(request):
    import flask

    cfg = web.config(os.environ, web.catalogue())
    headers = {"Content-Security-Policy": web.content_security_policy(cfg), "X-Content-Type-Options": "nosniff",
               "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}
    if request.method not in ("GET", "HEAD"):
        return flask.Response("Méthode non autorisée : utilisez GET.", status=405,
                              headers={**headers, "Allow": "GET, HEAD"}, mimetype="text/plain")
    path = request.path
    if path == _PROD_PREFIX or path.startswith(_PROD_PREFIX + "/"):
        path = path[len(_PROD_PREFIX):]
    if path.strip("/") == "config.json":
        return flask.Response(json.dumps(cfg, ensure_ascii=False), status=200, mimetype="application/json",
                              headers={**headers, "Cache-Control": "no-store"})
    found = web.static_file(path)
    if found is None:
        return flask.Response("Page introuvable.", status=404, headers=headers, mimetype="text/plain")
    body, content_type = found
    return flask.Response(body, status=200, headers={**headers, "Cache-Control": "no-cache",
                                                     "Content-Type": content_type})
