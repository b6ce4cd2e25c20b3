"""What the Firestore benchmarks share: a Firestore emulator of their own, on a free port, apart from any running
stack, with FIRESTORE_EMULATOR_HOST and GOOGLE_CLOUD_PROJECT set while it runs and the JVM stopped after."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devtools.stack import Stack, _environ, _wait_http, sdk_root


@contextmanager
def own_firestore(prefix: str, heap: str = "2g") -> Iterator[Stack]:
    """The stack holding the emulator (``stack.project_id``, ``stack.clear_firestore``), its logs under a new
    temporary directory named ``prefix``…; ``heap``: the JVM's -Xmx."""
    stack = Stack.from_config(Path(tempfile.mkdtemp(prefix=prefix)), free_ports=True)
    try:
        port = stack.ports["firestore"]
        proc = stack._spawn("firestore", [
            "java", f"-Xmx{heap}", "-cp", str(sdk_root() / "platform/cloud-firestore-emulator/cloud-firestore-emulator.jar"),
            "com.google.cloud.datastore.emulator.firestore.CloudFirestore", "--host=127.0.0.1", f"--port={port}"])
        _wait_http(f"http://127.0.0.1:{port}/", 60, proc, stack.log_dir / "firestore.log")
        with _environ({"FIRESTORE_EMULATOR_HOST": f"127.0.0.1:{port}", "GOOGLE_CLOUD_PROJECT": stack.project_id}):
            yield stack
    finally:
        stack.stop()
