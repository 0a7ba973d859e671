"""Hostile and broken input: nothing escapes the content folder, nothing is half-written.

Each resource case is an input, the expected exit status, the expected
warning (with path and line), and a proof that no output holds bytes from
outside the content folder.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader

from publish.diagnostics import Reporter
from publish.model.nodes import Pos
from publish.sources.remote import RemotePolicy, RemoteRefused, public_address
from publish.sources.resources import Resources

MARKER = b"OUTSIDE-SECRET-7f3a"


def _png_with_marker() -> bytes:
    """A valid PNG that carries a marker in a text chunk: if it is embedded, the marker shows."""
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", MARKER.decode())
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def _publish(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publish", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def _zip_bytes(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


def _pdf_images(path: Path) -> int:
    return sum(len(page.images) for page in PdfReader(path).pages)


@pytest.fixture
def hostile_tree(tmp_path: Path) -> Path:
    """A content folder whose post points at files outside it in every way there is."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(_png_with_marker())
    content = tmp_path / "content"
    content.mkdir()
    (content / "link.png").symlink_to(outside / "secret.png")
    os.mkfifo(content / "pipe.png")
    (content / "zero.png").symlink_to("/dev/zero")
    with open(content / "huge.png", "wb") as huge:
        huge.truncate(64 * 1024 * 1024)
    (content / "notes.png").write_text("not an image")
    (content / "2025-01-01-post.md").write_text(
        "---\ntitle: Hostile\n---\n\nIntro.\n\n"
        "![up](../outside/secret.png)\n\n"            # line 7
        f"![absolute]({outside / 'secret.png'})\n\n"   # line 9
        f"![file](file://{outside / 'secret.png'})\n\n"  # line 11
        "![link](link.png)\n\n"                        # line 13
        "![pipe](pipe.png)\n\n"                        # line 15
        "![zero](zero.png)\n\n"                        # line 17
        "![huge](huge.png)\n\n"                        # line 19
        "![notes](notes.png)\n\n"                      # line 21
        "![remote](https://example.org/x.png)\n",      # line 23
        encoding="utf-8",
    )
    return tmp_path


def test_no_resource_escapes_the_content_folder(hostile_tree: Path) -> None:
    result = _publish("build", "content", "-o", "out", cwd=hostile_tree)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    expected = {
        7: "resource refused (outside the content folder): ../outside/secret.png",
        9: "resource refused (absolute path)",
        11: "resource refused (file URL)",
        13: "resource refused (outside the content folder): link.png",
        15: "resource refused (not a regular file): pipe.png",
        17: "resource refused (outside the content folder): zero.png",
        19: "resource refused (larger than",
        21: "resource refused (not a PNG, JPEG, GIF, WebP or SVG image): notes.png",
        23: "remote resource not fetched (use --allow-remote): https://example.org/x.png",
    }
    for line, message in expected.items():
        prefix = f"content/2025-01-01-post.md:{line}:1: warning: {message}"
        assert any(w.startswith(prefix) for w in warnings), (prefix, warnings)
    out = hostile_tree / "out"
    assert MARKER not in _zip_bytes(out / "content.epub")
    assert MARKER not in _zip_bytes(out / "content.docx")
    assert _pdf_images(out / "content.pdf") == 0
    # the alt text stands where each refused image would have been
    text = "".join(page.extract_text() for page in PdfReader(out / "content.pdf").pages)
    for alt in ("up", "absolute", "pipe", "huge", "remote"):
        assert alt in text


def test_raw_html_is_sanitised_with_warnings(tmp_path: Path) -> None:
    (tmp_path / "p.md").write_text(
        "---\ntitle: 'Tags <b>&amp; \"quotes\"</b>'\ndate: 2025-01-01\n---\n\n"
        "Intro paragraph.\n\n"
        "<script>alert('block')</script>\n\n"                                  # line 8
        "<div onclick=\"steal()\"><p>Kept <em>text</em> inside.</p>"
        "<iframe src=\"https://evil.example\">frame text</iframe></div>\n\n"   # line 10
        "A [bad link](javascript:alert(1)) and <a href=\"javascript:x()\" onmouseover=\"y()\">raw link</a>"
        " and <script>alert('inline')</script>done.\n",                        # line 12
        encoding="utf-8",
    )
    result = _publish("build", "p.md", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    messages = result.stderr
    assert "p.md:8:1: warning: raw HTML: removed <script> with its content" in messages
    assert "p.md:10:1: warning: raw HTML: removed event handler onclick, <iframe>" in messages
    assert "p.md:12:1: warning: link to javascript: removed; its text is kept" in messages
    assert "p.md:12:1: warning: raw HTML: removed javascript: link, event handler onmouseover" in messages
    out = tmp_path / "out"
    for archive in (out / "p.epub", out / "p.docx"):
        data = _zip_bytes(archive)
        assert b"alert" not in data and b"steal" not in data and b"javascript" not in data
        assert b"Kept" in data and b"frame text" in data and b"raw link" in data and b"bad link" in data
    text = "".join(page.extract_text() for page in PdfReader(out / "p.pdf").pages)
    assert "alert" not in text and "Kept text inside." in text


def test_markup_in_metadata_is_text_in_every_format(tmp_path: Path) -> None:
    (tmp_path / "p.md").write_text(
        "---\ntitle: 'Rice & <Tariffs> \"now\"'\nauthor: 'A <b>Bold</b> Name'\ndate: 2025-01-01\n---\n\nBody.\n",
        encoding="utf-8")
    result = _publish("build", "p.md", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    with zipfile.ZipFile(out / "p.epub") as epub:
        xhtml = b"".join(epub.read(n) for n in epub.namelist() if n.endswith(".xhtml"))
    assert b"Rice &amp; &lt;Tariffs&gt;" in xhtml and b"<Tariffs>" not in xhtml
    assert b"A &lt;b&gt;Bold&lt;/b&gt; Name" in xhtml
    from docx import Document

    docx_text = "\n".join(p.text for p in Document(out / "p.docx").paragraphs)
    assert "Rice & <Tariffs> “now”" in docx_text and "A <b>Bold</b> Name" in docx_text
    pdf_text = "".join(page.extract_text() for page in PdfReader(out / "p.pdf").pages)
    assert "Rice & <Tariffs> “now”" in pdf_text


# ------------------------------------------------------------------ remote


class _Server:
    """A tiny HTTP server on a loopback address, counting the requests it receives."""

    def __init__(self, host: str, routes: dict[str, tuple[int, dict[str, str], bytes, float]]) -> None:
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                status, headers, body, delay = routes.get(self.path, (404, {}, b"", 0.0))
                time.sleep(delay)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _resources(tmp_path: Path, policy: RemotePolicy | None) -> tuple[Resources, Reporter]:
    reporter = Reporter(stream=None)
    return Resources([tmp_path], reporter, remote=policy, cache_dir=tmp_path / "cache"), reporter


def test_public_address_policy() -> None:
    for address in ("127.0.0.1", "10.0.0.5", "172.16.1.1", "192.168.1.1", "169.254.169.254", "::1",
                    "fd00::1", "0.0.0.0", "::ffff:127.0.0.1", "100.64.0.1", "224.0.0.1"):
        assert not public_address(address), address
    assert public_address("93.184.216.34") and public_address("2606:2800:220:1::1")


def test_allow_remote_never_reaches_a_loopback_server(tmp_path: Path) -> None:
    png = _png_with_marker()
    with _Server("127.0.0.1", {"/x.png": (200, {"Content-Type": "image/png"}, png, 0.0)}) as server:
        (tmp_path / "p.md").write_text(f"---\ntitle: R\ndate: 2025-01-01\n---\n\nText.\n\n![r]({server.url}/x.png)\n")
        result = _publish("build", "p.md", "-o", "out", "-f", "epub", "--allow-remote", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "p.md:8:1: warning: remote resource refused: 127.0.0.1 resolves to a non-public address" in result.stderr
    assert server.requests == []
    assert MARKER not in _zip_bytes(tmp_path / "out" / "p.epub")


def test_remote_fetch_follows_only_checked_redirects(tmp_path: Path) -> None:
    png = _png_with_marker()
    inner = _Server("127.0.0.2", {"/secret.png": (200, {"Content-Type": "image/png"}, png, 0.0)})
    with inner:
        routes = {
            "/ok.png": (200, {"Content-Type": "image/png"}, png, 0.0),
            "/redirect.png": (302, {"Location": f"{inner.url}/secret.png"}, b"", 0.0),
            "/big.png": (200, {"Content-Type": "image/png"}, png * 50, 0.0),
            "/slow.png": (200, {"Content-Type": "image/png"}, png, 3.0),
            "/page.png": (200, {"Content-Type": "image/png"}, b"<html>not an image</html>", 0.0),
        }
        with _Server("127.0.0.1", routes) as outer:
            # The test treats 127.0.0.1 as "public" and every other address as inward.
            policy = RemotePolicy(allowed=lambda a: a == "127.0.0.1", max_bytes=len(png) * 10, timeout=1.0)
            resources, reporter = _resources(tmp_path, policy)
            pos = Pos("p.md", 3, 1)
            fetched = resources.fetch(f"{outer.url}/ok.png", pos)
            assert fetched is not None and fetched.data == png and fetched.path.is_file()
            for name in ("redirect", "big", "slow", "page"):
                assert resources.fetch(f"{outer.url}/{name}.png", pos) is None
    assert inner.requests == []
    messages = [w.message for w in reporter.warnings]
    assert messages[0].startswith("remote resource refused: 127.0.0.2 resolves to a non-public address")
    assert messages[1].startswith("remote resource refused: larger than")
    assert messages[2].startswith("remote resource refused: cannot fetch") and "timed out" in messages[2]
    assert messages[3].startswith("remote resource refused (not an image")


def test_only_http_and_https_are_fetched() -> None:
    policy = RemotePolicy(allowed=lambda a: True)
    with pytest.raises(RemoteRefused, match="only http and https"):
        policy.fetch("ftp://example.org/x.png")


# ------------------------------------------------------------------ outputs


def test_a_build_killed_during_pdf_layout_leaves_the_previous_outputs(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    body = "\n\n".join(f"## Section {i}\n\n" + "A paragraph of running text to lay out. " * 40 for i in range(120))
    (content / "2025-01-01-long.md").write_text(f"---\ntitle: Long\n---\n\n{body}\n", encoding="utf-8")
    first = _publish("build", "content", "-o", "out", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir() if p.is_file()}

    (content / "2025-01-01-long.md").write_text(f"---\ntitle: Long, revised\n---\n\n{body}\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "publish", "build", "content", "-o", "out"],
                               cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if "rendering pdf" in line:
            break
    time.sleep(1.0)  # well inside the layout of a long document
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    after = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir() if p.is_file()}
    assert after == before
    # Its children (the EPUB, the lint) find no one to hand their result to, and exit.
    deadline = time.monotonic() + 60
    while _processes_in(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _processes_in(tmp_path)


def _processes_in(folder: Path) -> list[int]:
    """The processes working in ``folder``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and Path(os.readlink(entry / "cwd")) == folder.resolve():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


# ------------------------------------------------------------------ pathological input


@pytest.mark.parametrize("name, text", [
    ("nested-lists", "".join("  " * i + "- item\n" for i in range(1400))),
    ("nested-quotes", ">" * 10000 + " deep\n"),
    ("nested-emphasis", "*a **b _c " * 5000 + "\n"),
    ("brackets", "[" * 30000 + "x" + "]" * 30000 + "\n"),
    ("many-headings", "".join(f"## Heading {i}\n\nText {i}.\n\n" for i in range(10000))),
])
def test_pathological_markdown_reads_in_bounded_time(tmp_path: Path, name: str, text: str) -> None:
    from publish.api import load_book

    (tmp_path / f"{name}.md").write_text(f"---\ntitle: {name}\ndate: 2025-01-01\n---\n\n{text}", encoding="utf-8")
    started = time.perf_counter()
    book = load_book(tmp_path / f"{name}.md", Reporter(stream=None))
    assert time.perf_counter() - started < 20
    assert book.articles


def test_an_oversized_source_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "big.md").write_text("---\ntitle: Big\n---\n\n" + ("word " * 200 + "\n\n") * 10500, encoding="utf-8")
    result = _publish("build", "big.md", "-o", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().endswith("big.md:1:1: error: source is 10.5 MB; the limit is 4 MiB (split it into several sources)")
    assert not (tmp_path / "out").exists()


def test_deeply_nested_markdown_builds_every_format(tmp_path: Path) -> None:
    text = "".join("  " * i + "- item\n" for i in range(60)) + "\n" + "> " * 60 + "quote\n"
    (tmp_path / "deep.md").write_text(f"---\ntitle: Deep\ndate: 2025-01-01\n---\n\n{text}", encoding="utf-8")
    result = _publish("build", "deep.md", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.split()) == 3


def test_pdf_layout_is_bounded_by_the_timeout(tmp_path: Path) -> None:
    body = "\n\n".join(f"## Section {i}\n\n" + "A paragraph of running text to lay out. " * 40 for i in range(200))
    (tmp_path / "long.md").write_text(f"---\ntitle: Long\nauthor: A B\ndate: 2025-01-01\n---\n\n{body}\n")
    started = time.perf_counter()
    result = _publish("build", "long.md", "-o", "out", "--timeout", "1", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "pdf: error: stopped after 1 s (raise the limit with --timeout)"
    assert "Traceback" not in result.stderr
    assert time.perf_counter() - started < 30
    assert not (tmp_path / "out").exists()


def test_lint_is_fast_on_long_repetitive_text(tmp_path: Path) -> None:
    from publish.api import load_book
    from publish.lint import lint

    body = "\n\n".join(f"Paragraph {i}. " + "The same sentence again and again in this text. " * 30 for i in range(400))
    (tmp_path / "long.md").write_text(f"---\ntitle: Long\nauthor: A B\ndate: 2025-01-01\n---\n\n{body}\n")
    book = load_book(tmp_path / "long.md", Reporter(stream=None))
    started = time.perf_counter()
    lint(book)
    assert time.perf_counter() - started < 10
