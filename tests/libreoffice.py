"""Word documents opened and laid out by LibreOffice, as a colleague's office suite would."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def soffice() -> str:
    """The LibreOffice program; ``make test`` installs it (tests/system-tools)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is required in CI (apt-get install libreoffice-writer-nogui)")
        pytest.skip("LibreOffice not installed (make test installs it)")
    return found


def to_pdf(documents: list[Path], folder: Path) -> dict[str, Path]:
    """Each document converted to PDF in one LibreOffice run (starting it is the slow part), by stem."""
    out = folder / "libreoffice"
    result = subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, documents)],
        capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr, result.stderr
    return {path.stem: out / f"{path.stem}.pdf" for path in documents}
