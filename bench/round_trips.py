"""What one execution event costs in calls to the outside, counted through the deployed entry points.

Runs ``main.submit_execution`` (a Flask request built in this process: the HTTP edge, auth, the
service, the commit and what follows it) and ``main.publish_execution`` (a Pub/Sub push CloudEvent)
against the emulators of a running ``Stack``, and counts, per event:

  * Firestore: document reads (``get_all`` round trips), queries, counts, commits (and the writes
    they hold: state, inbox, outbox, audit records);
  * Pub/Sub publishes (the reply on ``replies-<contractor>``);
  * Cloud Tasks calls (timers armed or cancelled);
  * any other HTTP request made with ``requests`` (token certificates, machine identities…).

The counters wrap the unit of work's four storage primitives and the clients ``shared.bootstrap``
built, so what is counted is what production does (only the transport differs). Used by
``bench/ingest.py`` on the stack it starts, with the stack's environment set.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from collections import Counter
from contextlib import contextmanager
from typing import Any, Iterator


@contextmanager
def counting() -> Iterator[Counter]:
    """Count the calls to the outside made inside the block (this process only)."""
    import requests

    from shared import bootstrap
    from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork

    counts: Counter = Counter()
    saved: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, counter) -> None:
        original = getattr(owner, name)

        def wrapped(*args, **kwargs):
            counter(counts, *args, **kwargs)
            return original(*args, **kwargs)

        saved.append((owner, name, original))
        setattr(owner, name, wrapped)

    def on_apply(c, _self, writes):
        c["firestore commits"] += 1
        c["firestore writes"] += len(writes)
        for w in writes:
            c[f"  write {_kind(w.path)}"] += 1

    wrap(FirestoreUnitOfWork, "_fetch", lambda c, _self, paths: c.update({"firestore reads (get_all)": 1,
                                                                           "  documents read": len(paths)}))
    wrap(FirestoreUnitOfWork, "_run_query", lambda c, *a: c.update({"firestore queries": 1}))
    wrap(FirestoreUnitOfWork, "_count", lambda c, *a: c.update({"firestore counts": 1}))
    wrap(FirestoreUnitOfWork, "_apply", on_apply)
    from shared.adapters.firestore.unit_of_work import SentMarks

    marks = SentMarks.of(bootstrap.get("firestore"))
    wrap(marks, "_commit", lambda c, taken: c.update({"firestore commits of sent marks (background)": 1,
                                                      "  write outbox (sent mark, background)": len(taken)}))
    publisher = bootstrap.get("publisher")
    wrap(publisher, "publish", lambda c, *a, **k: c.update({"pubsub publishes": 1}))
    timers = bootstrap.get("timers")
    if timers is not None:
        wrap(timers.queue, "schedule", lambda c, *a, **k: c.update({"cloud tasks calls": 1}))
        wrap(timers.queue, "cancel", lambda c, *a, **k: c.update({"cloud tasks calls": 1}))
    wrap(requests.Session, "request", lambda c, _s, method, url, *a, **k: c.update(
        {} if "/v2/projects/" in str(url) else {"other HTTP requests": 1}))  # Tasks REST is counted above
    try:
        yield counts
        marks.flush()
    finally:
        for owner, name, original in reversed(saved):
            setattr(owner, name, original)


def _kind(path: str) -> str:
    parts = path.split("/")
    if parts[0] == "outbox":
        return "outbox"
    if parts[0] == "audit_pending" or "audit" in parts:
        return "audit"
    return parts[-2] if len(parts) >= 2 else parts[0]


def http_events(token: str, report, order_id: str, sequences: range) -> Counter:
    """Counts for ``len(sequences)`` execution reports sent to submit_execution in this process."""
    import flask

    import main

    app = flask.Flask("round-trips")
    with counting() as counts:
        for sequence in sequences:
            with app.test_request_context("/", method="POST", json=report(order_id, sequence), headers={
                    "Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}):
                response = main.submit_execution(flask.request)
                if response.status_code != 200:
                    raise RuntimeError(response.get_data(as_text=True))
    return counts


def http_calls(function: str, token: str, bodies: list[dict]) -> Counter:
    """Counts for POSTs of ``bodies`` to any HTTPS entry point (e.g. receive_order), in this process."""
    import flask

    import main

    app = flask.Flask("round-trips")
    with counting() as counts:
        for body in bodies:
            with app.test_request_context("/", method="POST", json=body, headers={
                    "Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}):
                response = getattr(main, function)(flask.request)
                if response.status_code >= 300:
                    raise RuntimeError(response.get_data(as_text=True))
    return counts


def pubsub_events(project_id: str, contractor: str, report, order_id: str, sequences: range) -> Counter:
    """Counts for execution reports pushed to publish_execution in this process (a Pub/Sub push
    CloudEvent, as functions-framework builds it from the push request)."""
    from cloudevents.http import CloudEvent

    import main

    with counting() as counts:
        for sequence in sequences:
            data = json.dumps(report(order_id, sequence)).encode()
            message_id = uuid.uuid4().hex
            event = CloudEvent({"type": "google.cloud.pubsub.topic.v1.messagePublished",
                                "source": f"//pubsub.googleapis.com/projects/{project_id}/topics/execution-{contractor}",
                                "id": message_id}, {"message": {
                                    "data": base64.b64encode(data).decode(), "messageId": message_id,
                                    "publishTime": dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z"),
                                    "attributes": {"ce-specversion": "1.0", "ce-id": message_id,
                                                   "ce-source": "//bench/", "ce-type": "fr.passerelle.execution.reported.v1"}},
                                    "subscription": "bench"})
            main.publish_execution(event)
    return counts


def per_event(counts: Counter, n: int) -> dict[str, float]:
    return {k: v / n for k, v in sorted(counts.items(), key=lambda kv: (kv[0].startswith("  "), kv[0]))}
