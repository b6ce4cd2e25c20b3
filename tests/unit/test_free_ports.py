"""Free ports of the local stack are claimed across processes (devtools/stack.py, free_port): two stacks
starting at once on one machine — the dev command's test beside the suite's stack — never get the same port."""

import subprocess
import sys

import pytest

from devtools import stack


@pytest.fixture
def claims(tmp_path, monkeypatch):
    monkeypatch.setattr(stack, "_CLAIMS", tmp_path)
    monkeypatch.setattr(stack, "_handed_out", set())
    return tmp_path


def test_a_port_claimed_by_another_live_process_is_never_handed_out(claims, monkeypatch):
    # Given another process, alive, that claimed two of three ports
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        ports = (20011, 20012, 20013)
        monkeypatch.setattr(stack, "_FREE_PORTS", ports)
        for port in ports[:2]:
            (claims / str(port)).write_text(str(other.pid))
        # When this process asks for a free port
        got = stack.free_port()
        # Then it gets the third, and claims it in its own name
        assert got == 20013
        assert (claims / "20013").read_text() == str(stack.os.getpid())
        # And once that one is taken too, none is left
        with pytest.raises(RuntimeError):
            stack.free_port()
    finally:
        other.kill()
        other.wait()


def test_the_claim_of_a_process_that_is_gone_is_taken_over_and_released_by_its_new_holder(claims, monkeypatch):
    # Given a claim left by a process that has exited
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    monkeypatch.setattr(stack, "_FREE_PORTS", (20021,))
    (claims / "20021").write_text(str(gone.pid))
    # When this process asks for a port, it takes that one over
    assert stack.free_port() == 20021
    assert (claims / "20021").read_text() == str(stack.os.getpid())
    # And releasing removes only its own claims
    (claims / "20022").write_text("1")
    stack._handed_out.add(20022)
    stack._release()
    assert sorted(p.name for p in claims.iterdir()) == ["20022"]
