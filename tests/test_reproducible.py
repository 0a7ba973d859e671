"""Builds are reproducible: the build time is the only input besides the sources that reaches the outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

SLUG = "us-japan-briefing"
OUTPUTS = (".pdf", ".epub", ".docx", ".manifest.json")
MANIFEST_DATE_EPOCH = "1763596800"  # 2025-11-20 00:00 UTC, the seed manifest's date
OTHER_EPOCH = "1700000000"          # 2023-11-14 22:13:20 UTC


def build(outdir: Path, *, tz: str, hash_seed: str, epoch: str | None, jobs: str = "") -> dict[str, bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "PUBLISH_JOBS")}
    env.update(TZ=tz, PYTHONHASHSEED=hash_seed)
    if jobs:
        env["PUBLISH_JOBS"] = jobs
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    done = subprocess.run([sys.executable, "-m", "publish", "build", "content", "-o", str(outdir)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return {ext: (outdir / f"{SLUG}{ext}").read_bytes() for ext in OUTPUTS}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    folder = tmp_path_factory.mktemp("builds")
    return {
        "tokyo": build(folder / "tokyo", tz="Asia/Tokyo", hash_seed="1", epoch=MANIFEST_DATE_EPOCH),
        "new-york": build(folder / "new-york", tz="America/New_York", hash_seed="4242", epoch=MANIFEST_DATE_EPOCH),
        "no-epoch": build(folder / "no-epoch", tz="Pacific/Chatham", hash_seed="7", epoch=None),
        "other-epoch": build(folder / "other-epoch", tz="UTC", hash_seed="1", epoch=OTHER_EPOCH),
        # everything in one process, in order: the DOCX gets its page numbers after the PDF
        "one-process": build(folder / "one-process", tz="UTC", hash_seed="1", epoch=MANIFEST_DATE_EPOCH, jobs="1"),
        "two-processes": build(folder / "two-processes", tz="UTC", hash_seed="1", epoch=MANIFEST_DATE_EPOCH,
                               jobs="2"),
    }


@pytest.mark.parametrize("ext", OUTPUTS)
def test_same_epoch_other_zone_and_hash_seed_give_identical_bytes(builds, ext: str) -> None:
    assert builds["tokyo"][ext] == builds["new-york"][ext]


@pytest.mark.parametrize("ext", OUTPUTS)
def test_one_process_and_several_give_identical_bytes(builds, ext: str) -> None:
    """With two, the DOCX is written alongside the PDF and sent its page numbers at the end."""
    assert builds["one-process"][ext] == builds["two-processes"][ext] == builds["tokyo"][ext]


@pytest.mark.parametrize("ext", OUTPUTS)
def test_without_epoch_the_manifest_date_fixes_the_build(builds, ext: str) -> None:
    # The manifest's date is the same moment as the epoch given above: same bytes.
    assert builds["no-epoch"][ext] == builds["tokyo"][ext]


@pytest.mark.parametrize("ext", OUTPUTS)
def test_another_timestamp_changes_every_output(builds, ext: str) -> None:
    assert builds["other-epoch"][ext] != builds["tokyo"][ext]


def test_the_timestamp_is_all_that_changes_in_the_manifest(builds) -> None:
    one, other = (json.loads(builds[name][".manifest.json"]) for name in ("tokyo", "other-epoch"))
    assert one["build_time"] != other["build_time"]
    for record in (one, other):
        del record["build_time"]
        for output in record["outputs"]:
            del output["sha256"], output["bytes"]
    assert one == other


@pytest.mark.parametrize("ext, stamped", [
    (".epub", {"EPUB/content.opf"}),
    (".docx", {"docProps/core.xml"}),
])
def test_the_timestamp_is_all_that_changes_in_the_packages(builds, tmp_path: Path, ext: str,
                                                          stamped: set[str]) -> None:
    members = {}
    for name in ("tokyo", "other-epoch"):
        path = tmp_path / f"{name}{ext}"
        path.write_bytes(builds[name][ext])
        with zipfile.ZipFile(path) as archive:
            members[name] = {info.filename: archive.read(info) for info in archive.infolist()}
    assert members["tokyo"].keys() == members["other-epoch"].keys()
    changed = {n for n in members["tokyo"] if members["tokyo"][n] != members["other-epoch"][n]}
    fonts = {n for n in changed if n.endswith((".ttf", ".otf"))}
    assert changed - fonts == stamped
    for name in fonts:  # embedded subsets differ only in the dates of their head table
        assert font_without_dates(members["tokyo"][name]) == font_without_dates(members["other-epoch"][name])


def font_without_dates(data: bytes) -> dict[str, object]:
    import io

    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    # a TTFont is not a mapping: its keys() are the table tags, iterating it is something else
    tables: dict[str, object] = {tag: font.reader[tag] for tag in font.keys() if tag not in ("GlyphOrder", "head")}  # noqa: SIM118
    head = dict(vars(font["head"]))
    for stamp in ("created", "modified", "checkSumAdjustment"):
        head.pop(stamp, None)
    tables["head"] = head
    return tables
