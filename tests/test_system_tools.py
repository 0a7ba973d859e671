"""tests/system-tools: installs the Debian packages the suite needs as root, else says how."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "system-tools"


def fake_bin(tmp_path: Path, uid: int) -> Path:
    """dpkg-query that knows no package, and id that answers ``uid``."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, body in (("dpkg-query", "exit 1"), ("id", f"echo {uid}")):
        path = folder / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)
    return folder


def test_without_root_it_prints_the_command_and_exits_2(tmp_path):
    env = {**os.environ, "PATH": f"{fake_bin(tmp_path, 1000)}:{os.environ['PATH']}"}
    done = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "tests: the test suite needs libreoffice-writer-nogui chromium libpango-1.0-0 libpangoft2-1.0-0; "
        "install them with:",
        "    sudo apt-get update && sudo apt-get install -y --no-install-recommends "
        "libreoffice-writer-nogui chromium libpango-1.0-0 libpangoft2-1.0-0",
    ]


def test_with_everything_installed_it_does_nothing():
    done = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
