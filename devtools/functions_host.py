"""Every function of the local stack in one Python process, each still on its own port.

``./scripts/dev`` and the test suite start this module through ``devtools/stack.py``
(``Stack.start_functions``)::

    python -m devtools.functions_host --source main.py --log-dir .run/logs --gateway-port 8100 \\
        receive_order=8101 change_order_state=8102 …

Each target is loaded exactly as functions-framework's own command loads it,
``functions_framework.create_app(target, source, "http")`` (the entry point's decorator decides
http or cloudevent, as in production), and served by its own threaded WSGI server (werkzeug) on
its own port: every path of that port reaches the function, so Pub/Sub push subscriptions keep
pushing to ``http://127.0.0.1:<port>/projects/<project>/topics/<topic>`` and functions-framework
still reads the topic from that path. Loading everything once in one interpreter is what makes
the stack light: the Google clients, pydantic models and shared code are imported once instead of
once per function (docs/performance.md, "Local stack").

One more port, the **gateway**, serves every function under ``/<function>/…`` (the paths of
docs/contracts/openapi.json): ``GET /`` lists the functions, ``/<function>/rest`` reaches the
function with ``/rest`` as its path. It also answers a function under its deployed name, with hyphens
(``/list-messages``, as on ``https://europe-west9-<project>.cloudfunctions.net/list-messages``), so a
connector's base URL is the only thing that changes between the local stack and production. Under ``/_host/`` it answers the stack's control calls:

- ``GET /_host/health``: each function's port and state (``serving`` or ``released``);
- ``POST /_host/release/<function>``: stop serving that function (its port is closed, requests in
  flight on it are cut, as when its process was killed), so that ``Stack.restart_function`` can
  run it in a process of its own with extra environment; the gateway then redirects (307) its
  paths to that port;
- ``POST /_host/serve/<function>``: serve it again on its port.

Logs: whatever a function writes (its JSON log lines, tracebacks, one access line per request)
goes to ``<log-dir>/<function>.log``, as when each function had a process of its own; what no
function's request or loading wrote (the host's own messages, background threads of the Google
clients) goes to the host's standard output, ``functions_host.log`` under the stack.

A function's exception is its own request's 500 (functions-framework's handler); a function
cannot stop the others short of killing the whole process, and then the stack notices: the
process is gone (``Stack.check_functions``; ``./scripts/dev`` says so and starts it again).
The host also exits when the process that started it is gone, so it never outlives its stack.
"""

from __future__ import annotations

import argparse
import contextvars
import faulthandler
import io
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

HOST = "127.0.0.1"

# The function on whose behalf the current thread works: set for each request (and while a
# function loads), read by the routed standard streams to pick that function's log file.
current_function: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_function", default=None)


class RoutedStream(io.TextIOBase):
    """sys.stdout / sys.stderr of the host: each write goes to the current function's log file."""

    def __init__(self, fallback: Any, files: dict[str, Any], lock: threading.Lock):
        self.fallback, self.files, self.lock = fallback, files, lock

    @property
    def encoding(self) -> str:
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.fallback.fileno()

    def write(self, text: str) -> int:
        name = current_function.get()
        target = self.files.get(name, self.fallback) if name else self.fallback
        with self.lock:
            target.write(text)
            if "\n" in text:
                target.flush()
        return len(text)

    def flush(self) -> None:
        with self.lock:
            self.fallback.flush()
            for handle in self.files.values():
                handle.flush()


class _RequestHandler(WSGIRequestHandler):
    """werkzeug's handler, with a plain access line (no terminal colours in log files)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.log("info", '"%s" %s %s', getattr(self, "requestline", ""), code, size)


class _Server(ThreadedWSGIServer):
    """One port: a thread per connection, each bound to ``function`` (None: the gateway).

    werkzeug answers ``Connection: close``: one request per connection, hence per thread, so
    nothing a request leaves in its thread's context reaches another request.
    """

    block_on_close = False  # closing never waits for idle keep-alive connections (they are cut)

    def __init__(self, port: int, app, function: str | None):
        self.function = function
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        try:
            super().__init__(HOST, port, app, handler=_RequestHandler)
        except SystemExit:  # werkzeug prints why and exits when the port is taken
            raise OSError(f"{function or 'gateway'}: cannot listen on {HOST}:{port} (in use?)") from None

    def process_request_thread(self, request, client_address) -> None:
        if self.function:
            current_function.set(self.function)  # this thread serves this function only
        with self.connections_lock:
            self.connections.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.connections_lock:
                self.connections.discard(request)

    def close_connections(self) -> None:
        """Cut the connections still open: requests in flight (werkzeug keeps none alive after its answer)."""
        with self.connections_lock:
            open_now = list(self.connections)
        for conn in open_now:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@dataclass
class Hosted:
    name: str
    port: int
    app: Any
    server: _Server | None = None
    thread: threading.Thread | None = None
    load_ms: float = 0.0

    @property
    def state(self) -> str:
        return "serving" if self.server is not None else "released"


@dataclass
class Host:
    source: Path
    log_dir: Path
    gateway_port: int | None = None
    functions: dict[str, Hosted] = field(default_factory=dict)
    gateway: _Server | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    # --- loading --------------------------------------------------------------------------------
    def load(self, ports: dict[str, int]) -> list[str]:
        """create_app for every target, in its own log's context; the names that failed to load."""
        from functions_framework import create_app

        failed = []
        for name, port in ports.items():
            token = current_function.set(name)
            started = time.perf_counter()
            try:
                # The CLI's default signature type; the entry point's decorator takes precedence.
                app = create_app(name, str(self.source), "http")
            except Exception:  # noqa: BLE001 - reported in its log, the host then exits
                logging.getLogger("functions_host").exception("cannot load %s", name)
                failed.append(name)
                continue
            finally:
                current_function.reset(token)
            self.functions[name] = Hosted(name, port, app, load_ms=(time.perf_counter() - started) * 1000)
        _dedupe_sys_path()  # create_app appends the source's directory once per target
        # create_app records the last target and signature type in the environment; no function
        # reads them, and they would name one function for all.
        os.environ.pop("FUNCTION_TARGET", None)
        os.environ.pop("FUNCTION_SIGNATURE_TYPE", None)
        return failed

    # --- serving --------------------------------------------------------------------------------
    def serve(self, name: str) -> None:
        with self.lock:
            hosted = self.functions[name]
            if hosted.server is not None:
                return
            hosted.server = _Server(hosted.port, _bound(name, hosted.app), name)
            hosted.thread = threading.Thread(target=_serve_forever, args=(hosted.server, name),
                                             name=f"serve-{name}", daemon=True)
            hosted.thread.start()

    def release(self, name: str) -> None:
        with self.lock:
            hosted = self.functions[name]
            server, thread = hosted.server, hosted.thread
            hosted.server = hosted.thread = None
        if server is None:
            return
        server.shutdown()  # the serving loop ends and closes the listening socket
        server.close_connections()
        if thread is not None:
            thread.join(timeout=5)

    def start_gateway(self) -> None:
        if self.gateway_port is None:
            return
        self.gateway = _Server(self.gateway_port, self.gateway_app, None)
        threading.Thread(target=_serve_forever, args=(self.gateway, "gateway"), name="serve-gateway",
                         daemon=True).start()

    def health(self) -> dict:
        return {"pid": os.getpid(), "gateway_port": self.gateway_port,
                "functions": {name: {"port": h.port, "state": h.state, "load_ms": round(h.load_ms)}
                              for name, h in self.functions.items()}}

    # --- the gateway: /<function>/… and /_host/… --------------------------------------------------
    def gateway_app(self, environ: dict, start_response):
        path = environ.get("PATH_INFO") or "/"
        head, _, rest = path.lstrip("/").partition("/")
        method = environ.get("REQUEST_METHOD", "GET")
        if head == "":
            return _json(start_response, 200, {
                "functions": {name: {"path": f"/{name}", "port": h.port, "state": h.state}
                              for name, h in self.functions.items()}})
        if head == "_host":
            return self._control(method, rest, start_response)
        head = head if head in self.functions else head.replace("-", "_")  # production's names: list-messages
        hosted = self.functions.get(head)
        if hosted is None:
            return _json(start_response, 404, {"title": "Fonction inconnue", "status": 404,
                                                "detail": f"Aucune fonction « {head} » sur cette passerelle."},
                         content_type="application/problem+json")
        current_function.set(head)
        if hosted.server is None:  # released: served by a process of its own on its port
            query = environ.get("QUERY_STRING")
            location = f"http://{HOST}:{hosted.port}/{quote(rest)}" + (f"?{query}" if query else "")
            start_response("307 Temporary Redirect", [("Location", location), ("Content-Length", "0")])
            return [b""]
        inner = dict(environ, SCRIPT_NAME=environ.get("SCRIPT_NAME", "") + f"/{head}", PATH_INFO=f"/{rest}")
        return hosted.app(inner, start_response)

    def _control(self, method: str, rest: str, start_response):
        action, _, name = rest.partition("/")
        if action == "health" and method == "GET":
            return _json(start_response, 200, self.health())
        if action in ("release", "serve") and method == "POST":
            if name not in self.functions:
                return _json(start_response, 404, {"detail": f"unknown function {name!r}"})
            try:
                self.release(name) if action == "release" else self.serve(name)
            except OSError as exc:
                return _json(start_response, 409, {"detail": str(exc)})
            print(f"{action}: {name} on port {self.functions[name].port}", flush=True)
            return _json(start_response, 200, {"function": name, "state": self.functions[name].state})
        return _json(start_response, 404, {"detail": "GET /_host/health, POST /_host/release/<f>, /_host/serve/<f>"})


def _bound(name: str, app):
    """The function's WSGI app, its output routed to its log (also when reached on its own port)."""

    def wsgi(environ, start_response):
        current_function.set(name)
        return app(environ, start_response)

    return wsgi


def _json(start_response, status: int, body: dict, content_type: str = "application/json"):
    data = json.dumps(body, ensure_ascii=False, indent=1).encode()
    reason = {200: "OK", 404: "Not Found", 409: "Conflict"}.get(status, "")
    start_response(f"{status} {reason}", [("Content-Type", content_type), ("Content-Length", str(len(data)))])
    return [data]


def _serve_forever(server: _Server, name: str) -> None:
    try:
        server.serve_forever(poll_interval=0.5)
    except BaseException:  # noqa: BLE001 - never silently: the whole host stops, the stack notices
        logging.getLogger("functions_host").exception("the serving loop of %s died; the host stops", name)
        sys.stdout.flush()
        os._exit(70)


def _dedupe_sys_path() -> None:
    seen: set[str] = set()
    sys.path[:] = [p for p in sys.path if not (p in seen or seen.add(p))]


def _terminate(*_) -> None:
    """SIGTERM (Stack.stop, Ctrl-C of ./scripts/dev): at once, as killing the function processes did;
    nothing is kept in the process (logs are written line by line), and waiting for the Google
    clients' threads to wind down would only delay the stop."""
    sys.stdout.flush()
    os._exit(0)


def _watch_parent(parent: int) -> None:
    """Exit when the process that started the host is gone (killed without its Ctrl-C)."""
    while os.getppid() == parent:
        time.sleep(1)
    print("the process that started the host is gone: stopping", flush=True)
    os._exit(0)


def _route_output(log_dir: Path, names: list[str]) -> None:
    lock = threading.Lock()
    files = {name: (log_dir / f"{name}.log").open("a", encoding="utf-8", buffering=1) for name in names}
    fallback = sys.stdout
    sys.stdout = RoutedStream(fallback, files, lock)
    sys.stderr = RoutedStream(fallback, files, lock)
    # werkzeug's access and error lines: plain text in the function's log, whatever the
    # functions later do to the root logger (shared/logs.py sends it to stdout as JSON).
    access = logging.getLogger("werkzeug")
    access.setLevel(logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access.handlers[:] = [handler]
    access.propagate = False
    host_log = logging.getLogger("functions_host")
    host_handler = logging.StreamHandler(sys.stderr)
    host_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    host_log.addHandler(host_handler)
    host_log.propagate = False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Every function in one process, each on its own port.")
    parser.add_argument("--source", type=Path, required=True, help="the functions' source (main.py)")
    parser.add_argument("--log-dir", type=Path, required=True, help="where <function>.log files go")
    parser.add_argument("--gateway-port", type=int, help="one more port serving every function under /<function>/")
    parser.add_argument("functions", nargs="+", metavar="NAME=PORT")
    args = parser.parse_args(argv)
    ports = {}
    for item in args.functions:
        name, _, port = item.partition("=")
        ports[name] = int(port)

    faulthandler.enable(file=sys.__stderr__)  # a crash in C code leaves every thread's stack here
    signal.signal(signal.SIGTERM, _terminate)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), name="watch-parent", daemon=True).start()
    args.log_dir.mkdir(parents=True, exist_ok=True)
    _route_output(args.log_dir, list(ports))

    started = time.perf_counter()
    host = Host(args.source.resolve(), args.log_dir, args.gateway_port)
    failed = host.load(ports)
    if failed:
        print(f"could not load {', '.join(failed)}: see {', '.join(f'{n}.log' for n in failed)} in "
              f"{args.log_dir}", flush=True)
        return 1
    loaded = time.perf_counter()
    for name in host.functions:
        host.serve(name)
    host.start_gateway()  # last: when the gateway answers, every function's port does
    print(f"ready: {len(host.functions)} functions loaded in {loaded - started:.2f}s, serving after "
          f"{time.perf_counter() - started:.2f}s (pid {os.getpid()}"
          + (f", gateway http://{HOST}:{args.gateway_port}/)" if args.gateway_port else ")"), flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
