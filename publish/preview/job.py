"""One preview build, in a child process of its own: build, list the pages, render the new ones.

A request (JSON) names the source, the output folder, the styles, the formats
and the folder of page images.  The job writes its messages on a pipe, one
JSON object a line:

- ``{"event": "progress", "step": "rendering pdf"}`` as the build goes;
- ``{"event": "built", "ok": true, "pages": [...], "chapters": [...], ...}``
  once the outputs are written (or ``"ok": false`` with the ``errors``, each a
  ``path:line:col: error: ...`` line, and nothing else follows);
- ``{"event": "page", "key": ...}`` for each page image stored, first
  changed page first.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..diagnostics import BuildError, InputError, Reporter

Send = Callable[[dict[str, Any]], None]


def main(request: dict[str, Any], fd: int) -> int:
    with os.fdopen(fd, "w", encoding="utf-8") as stream:

        def send(message: dict[str, Any]) -> None:
            stream.write(json.dumps(message) + "\n")
            stream.flush()

        try:
            run(request, send)
        except BrokenPipeError:  # the build process has gone: nobody to tell
            return 1
        except Exception as exc:  # a failure of the preview itself: shown like a build's
            traceback.print_exc()
            send({"event": "built", "ok": False, "warnings": [],
                  "errors": [f"publish: error: preview failed: {type(exc).__name__}: {exc}"]})
            return 1
    return 0


def run(request: dict[str, Any], send: Send) -> None:
    from ..build.pipeline import BuildOptions, build

    started = time.monotonic()
    waited = time.time() - float(request.get("sent", time.time()))  # the clock every process shares
    reporter = Reporter(stream=sys.stderr)
    options = BuildOptions(formats=request["formats"], styles_dir=Path(request["styles"]),
                           drafts=request.get("drafts", False))
    try:
        written = build(Path(request["source"]), Path(request["outdir"]), options, reporter,
                        progress=lambda step: send({"event": "progress", "step": step}))
    except InputError as exc:
        return _failed(send, [str(exc.diagnostic)], reporter)
    except BuildError as exc:
        return _failed(send, str(exc).splitlines(), reporter)
    except Exception as exc:  # a renderer or library failure, reported as publish build reports it
        return _failed(send, [f"publish: error: build failed: {type(exc).__name__}: {exc}"], reporter)
    built = time.monotonic()
    outputs = {path.suffix: path for path in written if path.parent == Path(request["outdir"])}
    pages = _pages(outputs.get(".pdf"))
    chapters, members = _chapters(outputs.get(".epub"))
    send({"event": "built", "ok": True, "seconds": round(built - started, 3),
          "warnings": [str(w) for w in reporter.warnings],
          "pdf": str(outputs[".pdf"]) if ".pdf" in outputs else None,
          "epub": str(outputs[".epub"]) if ".epub" in outputs else None,
          "pages": [asdict(page) for page in pages], "chapters": chapters, "members": members})
    drawn = 0
    if ".pdf" in outputs:
        from .pages import render_missing

        for key in render_missing(outputs[".pdf"], pages, Path(request["images"])):
            send({"event": "page", "key": key})
            drawn += 1
    print(f"publish: preview: started {waited:.2f} s after the request, built in {built - started:.2f} s; "
          f"{drawn} of {len(pages)} page images drawn, "
          f"{time.monotonic() - built:.2f} s with the page keys", file=sys.stderr)


def _failed(send: Send, errors: list[str], reporter: Reporter) -> None:
    for line in errors:
        print(line, file=sys.stderr)
    send({"event": "built", "ok": False, "errors": errors, "warnings": [str(w) for w in reporter.warnings]})


def _pages(pdf: Path | None) -> list[Any]:
    if pdf is None:
        return []
    import pikepdf

    from .pages import page_keys

    with pikepdf.open(pdf) as document:
        return list(page_keys(document))


def _chapters(epub: Path | None) -> tuple[list[dict[str, str]], dict[str, str]]:
    if epub is None:
        return [], {}
    from .epub import read_epub

    contents = read_epub(epub)
    return [asdict(chapter) for chapter in contents.chapters], contents.members
