"""main.py exposes exactly the functions emulators.json and Terraform describe, each lazily."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import main

ROOT = Path(__file__).resolve().parents[2]


def test_every_function_of_emulators_json_is_an_entry_point_of_main():
    functions = set(json.loads((ROOT / "emulators.json").read_text())["functions"])
    assert set(main.ENTRY_POINTS) == functions
    for name in main.ENTRY_POINTS:
        assert callable(getattr(main, name)), name


def test_resolving_one_entry_point_imports_only_its_own_module():
    code = ("import sys, main; main.receive_order; "
            "print(sorted(m for m in sys.modules if m.startswith('functions.')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['functions.receive_order']"
