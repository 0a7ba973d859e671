"""The preview's build process: a warm child of the server that forks one job per build.

The server starts it once (``python -m publish.preview.builder``).  It imports
the toolkit, the renderers and PDFium, then waits for requests; before each build
it makes sure the book's print stylesheet is parsed and its fonts loaded here
(``build.warm``), and the build runs in a child forked from it (:mod:`.job`), so
that the imports and the stylesheet are paid once,
while whatever a build allocates goes back to the system when its job exits
(the server and this process stay the size they started at).  A job is the
leader of a process group of its own, with the build's workers in it: one
signal stops it all.

Protocol, one JSON object a line: the server writes requests on our stdin
(``{"id": N, ...}``, see :func:`.job.run`); we write the job's messages on our
stdout, each tagged with its request's ``id``, then ``{"event": "done"}``
when the job has exited.  A new request while a job still runs stops that job
first: the server sends one only when the job has finished building and is
rendering page images, which the new job takes over.  End of input, or
SIGTERM, stops the job and this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import selectors
import signal
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

#: Seconds a stopped job has to clean up (temporary files) before it is killed.
GRACE = 2.0


# ----------------------------------------------------------- the server's side


class BuildProcess:
    """The server's handle on the build process."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls) -> BuildProcess:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "publish.preview.builder",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            limit=64 * 1024 * 1024)  # a line lists every page of the book
        return cls(process)

    @property
    def pid(self) -> int:
        return self.process.pid

    async def request(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message).encode() + b"\n")
        await self.process.stdin.drain()

    async def messages(self) -> AsyncIterator[dict[str, Any]]:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            yield json.loads(line)

    async def stop(self) -> None:
        """End of input first (the process stops its job and exits), then signals if it must."""
        if self.process.returncode is not None:
            return
        if self.process.stdin is not None:
            self.process.stdin.close()
        for sending in (None, signal.SIGTERM, signal.SIGKILL):
            if sending is not None and self.process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    self.process.send_signal(sending)
            try:
                await asyncio.wait_for(self.process.wait(), GRACE * 2)
                return
            except TimeoutError:
                continue


# ------------------------------------------------------------------ our side


class _Job:
    """One build, forked: its process group, the pipe it reports on, and what it sent so far."""

    def __init__(self, request: dict[str, Any], protocol: int) -> None:
        from . import job

        self.id = request.get("id")
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the job: never returns into this loop
            status = 70
            try:
                os.setpgid(0, 0)
                os.close(read)
                os.close(protocol)
                # Our stdin is the server's pipe: held here, the server's end would not be seen.
                os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
                signal.signal(signal.SIGTERM, _exit_on_signal)  # so that finally blocks remove temporary files
                status = job.main(request, write)
            except SystemExit as exc:
                status = exc.code if isinstance(exc.code, int) else 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        os.close(write)
        with contextlib.suppress(OSError):  # the child may have done it already (or exited)
            os.setpgid(self.pid, self.pid)
        self.fd = read
        self.buffer = b""

    def read(self) -> list[bytes] | None:
        """Whole lines the job wrote since last time; None at its end."""
        data = os.read(self.fd, 1 << 16)
        if not data:
            return None
        self.buffer += data
        *lines, self.buffer = self.buffer.split(b"\n")
        return lines

    def reap(self) -> int:
        os.close(self.fd)
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)

    def stop(self) -> int:
        """The job and every process of its group stopped: asked, then killed."""
        _signal_group(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + GRACE
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                _signal_group(self.pid, signal.SIGKILL)  # its workers, if any outlived it
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.02)
        _signal_group(self.pid, signal.SIGKILL)
        return self.reap()


def _signal_group(pgid: int, sending: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sending)


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def warm() -> None:
    """Import what every build uses, once, before the first fork."""
    import pikepdf  # noqa: F401
    import pypdfium2  # noqa: F401

    from ..build import pipeline  # noqa: F401
    from ..render import get_renderer

    for name in ("pdf", "epub"):  # what the preview builds
        get_renderer(name)


def warm_stylesheet(request: dict[str, Any]) -> None:
    """Parse the book's print stylesheet and load its fonts here, before the job forks: once,
    and again only after the theme or the page size changed (``build.warm``)."""
    from pathlib import Path

    from ..build.pipeline import BuildOptions
    from ..build.warm import WarmBuilds

    options = BuildOptions(formats=request["formats"], styles_dir=Path(request["styles"]),
                           drafts=request.get("drafts", False))
    WarmBuilds(Path(request["source"]), Path(request["outdir"]), options).warm_up()


def main() -> int:
    # Our stdout is the protocol; anything a library prints goes to stderr instead.
    protocol = os.dup(1)
    os.dup2(2, 1)
    # Ctrl-C reaches the whole terminal group: the server decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    running: list[_Job] = []
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        warm()
        _serve(protocol, running)
    except SystemExit:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the clean-up short
        for job in running:
            with contextlib.suppress(OSError):
                job.stop()
    return 0


def _serve(protocol: int, running: list[_Job]) -> None:
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ)
    pending = b""

    def send(job: _Job, payload: dict[str, Any]) -> None:
        _write_all(protocol, json.dumps({**payload, "id": job.id}).encode() + b"\n")

    def finish(job: _Job, status: int) -> None:
        running.remove(job)
        send(job, {"event": "done", "status": status})

    while True:
        for key, _ in selector.select():
            if key.fd == 0:
                data = os.read(0, 1 << 16)
                if not data:
                    return
                pending += data
                *requests, pending = pending.split(b"\n")
                for line in requests:
                    for job in list(running):
                        selector.unregister(job.fd)
                        finish(job, job.stop())
                    request = json.loads(line)
                    warm_stylesheet(request)
                    job = _Job(request, protocol)
                    running.append(job)
                    selector.register(job.fd, selectors.EVENT_READ)
            else:
                job = next(j for j in running if j.fd == key.fd)
                lines = job.read()
                if lines is None:
                    selector.unregister(job.fd)
                    finish(job, job.reap())
                    continue
                for line in lines:
                    send(job, json.loads(line))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


if __name__ == "__main__":
    sys.exit(main())
