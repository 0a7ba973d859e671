from __future__ import annotations

import os
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SOURCES = TESTS / "sources"
GOLDENS = TESTS / "goldens"
CONTENT = ROOT / "content"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true",
        help="Rewrite the golden model dumps from the current readers (review the diff!).",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(autouse=True, scope="session")
def _own_cache(tmp_path_factory: pytest.TempPathFactory):
    # Builds keep their cache in a folder of the test run's own,
    # inherited by the publish commands the tests start.
    saved = os.environ.get("PUBLISH_CACHE_DIR")
    os.environ["PUBLISH_CACHE_DIR"] = str(tmp_path_factory.mktemp("publish-cache"))
    yield
    if saved is None:
        del os.environ["PUBLISH_CACHE_DIR"]
    else:
        os.environ["PUBLISH_CACHE_DIR"] = saved


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every test builds as of one fixed moment, as a reproducible build would.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763596800")  # 2025-11-20 00:00 UTC


# In CI, property tests explore a fixed set of examples so that a run is
# repeatable; locally each run explores new ones.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
