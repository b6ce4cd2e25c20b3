"""A local stand-in for Cloud Tasks (there is no official emulator): the subset the platform uses.

Speaks Cloud Tasks' REST API v2 (what google-cloud-tasks' REST transport sends):
  POST   /v2/{queue}/tasks   create a named HTTP task   → 200 Task | 409 ALREADY_EXISTS | 400
  GET    /v2/{queue}/tasks   list tasks (pending and done, for tests)
  GET    /v2/{task}          get one task               → 200 | 404
  DELETE /v2/{task}          delete a pending task      → 200 {} | 404

Semantics kept from Cloud Tasks: a task name can never be reused in the session (even after
it ran or was deleted: ALREADY_EXISTS); ``scheduleTime`` is honoured and refused beyond the
30-day horizon; delivery is an HTTP POST of the body to the task's URL with the
X-CloudTasks-* headers; a non-2xx answer or a connection error is retried with exponential
backoff (min/max backoff, max attempts, like a queue's retry_config). OIDC tokens are
recorded but not minted. Nothing is persisted: a restart forgets every task.

    python -m devtools.tasks_dispatcher --port 8090
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import heapq
import json
import re
import threading
import time
import http.client
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

MAX_SCHEDULE_AHEAD = dt.timedelta(days=30)
_QUEUE = re.compile(r"^/v2/(projects/[^/]+/locations/[^/]+/queues/[^/]+)/tasks$")
_TASK = re.compile(r"^/v2/(projects/[^/]+/locations/[^/]+/queues/[^/]+/tasks/[A-Za-z0-9_-]{1,500})$")


def _rfc3339(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat().replace("+00:00", "Z")


def _parse_time(value: str | None) -> float:
    if not value:
        return time.time()
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


class Dispatcher:
    def __init__(self, min_backoff: float = 0.2, max_backoff: float = 5.0, max_attempts: int = 20,
                 workers: int = 8):
        self.min_backoff, self.max_backoff, self.max_attempts = min_backoff, max_backoff, max_attempts
        self.tasks: dict[str, dict] = {}  # every name ever created this session
        self._heap: list[tuple[float, int, str]] = []
        self._seq = 0
        self._cv = threading.Condition()
        self._pool = ThreadPoolExecutor(workers)
        threading.Thread(target=self._loop, daemon=True).start()

    # --- API ---------------------------------------------------------------------------------
    def create(self, queue: str, body: dict) -> tuple[int, dict]:
        task = body.get("task") or {}
        name = task.get("name") or f"{queue}/tasks/auto-{time.time_ns()}"
        if not name.startswith(queue + "/tasks/") or not _TASK.match("/v2/" + name):
            return 400, _error(400, "INVALID_ARGUMENT", f"invalid task name {name}")
        request = task.get("httpRequest") or {}
        if not request.get("url"):
            return 400, _error(400, "INVALID_ARGUMENT", "httpRequest.url is required")
        at = _parse_time(task.get("scheduleTime"))
        if at > time.time() + MAX_SCHEDULE_AHEAD.total_seconds():
            return 400, _error(400, "INVALID_ARGUMENT", "scheduleTime is more than 30 days in the future")
        with self._cv:
            if name in self.tasks:
                return 409, _error(409, "ALREADY_EXISTS", f"task {name} already exists")
            record = {"name": name, "scheduleTime": _rfc3339(at), "createTime": _rfc3339(time.time()),
                      "httpRequest": request, "dispatchCount": 0, "responseCount": 0, "state": "pending",
                      "lastStatus": None, "_at": at}
            self.tasks[name] = record
            self._push(at, name)
        return 200, _public(record)

    def get(self, name: str) -> tuple[int, dict]:
        record = self.tasks.get(name)
        if record is None or record["state"] == "deleted":
            return 404, _error(404, "NOT_FOUND", f"task {name} not found")
        return 200, _public(record)

    def delete(self, name: str) -> tuple[int, dict]:
        with self._cv:
            record = self.tasks.get(name)
            if record is None or record["state"] != "pending":
                return 404, _error(404, "NOT_FOUND", f"task {name} not found")
            record["state"] = "deleted"
        return 200, {}

    def list(self, queue: str) -> tuple[int, dict]:
        return 200, {"tasks": [_public(r) for n, r in list(self.tasks.items())
                               if n.startswith(queue + "/") and r["state"] != "deleted"]}

    # --- delivery ----------------------------------------------------------------------------
    def _push(self, at: float, name: str) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (at, self._seq, name))
        self._cv.notify()

    def _loop(self) -> None:
        while True:
            with self._cv:
                while not self._heap or self._heap[0][0] > time.time():
                    self._cv.wait(timeout=None if not self._heap else max(0.0, self._heap[0][0] - time.time()))
                _, _, name = heapq.heappop(self._heap)
                record = self.tasks[name]
                if record["state"] != "pending":
                    continue
                record["state"] = "running"
            self._pool.submit(self._deliver, record)

    def _deliver(self, record: dict) -> None:
        request = record["httpRequest"]
        body = base64.b64decode(request.get("body") or b"")
        headers = {**(request.get("headers") or {}), "X-CloudTasks-TaskName": record["name"].rsplit("/", 1)[1],
                   "X-CloudTasks-QueueName": record["name"].split("/")[5],
                   "X-CloudTasks-TaskRetryCount": str(record["dispatchCount"]),
                   "X-CloudTasks-TaskExecutionCount": str(record["responseCount"]),
                   "X-CloudTasks-TaskETA": str(record["_at"])}
        headers.setdefault("Content-Type", "application/octet-stream")
        status = 0
        url = urlsplit(request["url"])
        connection_class = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        connection = connection_class(url.hostname, url.port, timeout=60)
        try:  # http.client rather than urllib: a third of the CPU per delivery (bench/timers.py)
            connection.request("POST", (url.path or "/") + (f"?{url.query}" if url.query else ""), body=body,
                               headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
        finally:
            connection.close()
        with self._cv:
            record["dispatchCount"] += 1
            record["responseCount"] += status != 0
            record["lastStatus"] = status
            if 200 <= status < 300:
                record["state"] = "done"
            elif record["dispatchCount"] >= self.max_attempts:
                record["state"] = "failed"
            else:
                backoff = min(self.max_backoff, self.min_backoff * 2 ** (record["dispatchCount"] - 1))
                record["state"] = "pending"
                record["_at"] = time.time() + backoff
                self._push(record["_at"], record["name"])


def _public(record: dict) -> dict:
    view = {k: v for k, v in record.items() if not k.startswith("_")}
    view["httpRequest"] = {k: v for k, v in record["httpRequest"].items() if k != "body"}
    view["httpRequest"]["body"] = record["httpRequest"].get("body", "")
    return view


def _error(code: int, status: str, message: str) -> dict:
    return {"error": {"code": code, "message": message, "status": status}}


def make_server(host: str, port: int, dispatcher: Dispatcher) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):  # noqa: N802
            path = urlsplit(self.path).path
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return self._answer(400, _error(400, "INVALID_ARGUMENT", "malformed JSON"))
            match = _QUEUE.match(path)
            if not match:
                return self._answer(404, _error(404, "NOT_FOUND", path))
            self._answer(*dispatcher.create(match.group(1), body))

        def do_GET(self):  # noqa: N802
            path = urlsplit(self.path).path
            if match := _QUEUE.match(path):
                return self._answer(*dispatcher.list(match.group(1)))
            if match := _TASK.match(path):
                return self._answer(*dispatcher.get(match.group(1)))
            self._answer(404, _error(404, "NOT_FOUND", path))

        def do_DELETE(self):  # noqa: N802
            match = _TASK.match(urlsplit(self.path).path)
            if not match:
                return self._answer(404, _error(404, "NOT_FOUND", self.path))
            self._answer(*dispatcher.delete(match.group(1)))

        def log_message(self, fmt, *args):  # one line per request in the log file
            print(fmt % args, flush=True)

    return ThreadingHTTPServer((host, port), Handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--min-backoff", type=float, default=0.2, help="seconds before the first retry")
    parser.add_argument("--max-backoff", type=float, default=5.0)
    parser.add_argument("--max-attempts", type=int, default=20)
    args = parser.parse_args()
    server = make_server(args.host, args.port, Dispatcher(args.min_backoff, args.max_backoff, args.max_attempts))
    print(f"tasks dispatcher on http://{args.host}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
