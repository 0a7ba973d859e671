"""``publish preview``: the build process, the rebuild loop and the web server, started and stopped together.

The socket is bound here, to the loopback address only, before anything
starts, so that the port (a free one by default) is known for the URL and the
``Host`` check.  SIGINT and SIGTERM stop the server; then the build process
stops its job (and the job's workers, in the job's process group) and exits,
and the folder of page images is removed: nothing is left running.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import sys
import tempfile
import threading
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

import uvicorn

from .builder import BuildProcess
from .server import create_app
from .state import PreviewState
from .watcher import Rebuilds, Request

HOST = "127.0.0.1"


def bind(port: int) -> socket.socket:
    """A listening socket on the loopback address; port 0 picks a free one."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.set_inheritable(False)  # the build process and its jobs must not hold the port open
    return sock


def preview(source: Path, outdir: Path, styles: Path, formats: Sequence[str], drafts: bool,
            sock: socket.socket, open_browser: bool) -> None:
    """Serve the preview on ``sock`` until SIGINT or SIGTERM."""
    port = sock.getsockname()[1]
    url = f"http://{HOST}:{port}/"
    print(f"publish: preview at {url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    images = Path(tempfile.mkdtemp(prefix="publish-preview-"))
    try:
        request = Request(source, outdir, styles, images, tuple(formats), drafts)
        asyncio.run(_serve(request, sock, url if open_browser else None))
    finally:
        shutil.rmtree(images, ignore_errors=True)
        sock.close()
    print("publish: preview stopped", file=sys.stderr)


class _Server(uvicorn.Server):
    """uvicorn's server, which also tells the preview when a signal stops it.

    uvicorn raises the signal again once it has stopped; a preview stopped by
    Ctrl-C or SIGTERM has stopped as asked, so it does not."""

    def __init__(self, config: uvicorn.Config, stopping: Callable[[], None]) -> None:
        super().__init__(config)
        self.stopping = stopping

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit:
            self.force_exit = True  # a second Ctrl-C: stop waiting for connections
        self.should_exit = True
        self.stopping()


async def _serve(request: Request, sock: socket.socket, open_url: str | None) -> None:
    loop = asyncio.get_running_loop()
    state = PreviewState(request.images)
    stop = asyncio.Event()

    def stopping() -> None:  # called in a signal handler: only schedule
        loop.call_soon_threadsafe(stop.set)
        loop.call_soon_threadsafe(state.close)

    builder = await BuildProcess.start()
    rebuilds = asyncio.create_task(Rebuilds(request, builder, state).run(stop))
    config = uvicorn.Config(create_app(state, sock.getsockname()[1]), lifespan="off", access_log=False,
                            log_level="warning", timeout_graceful_shutdown=3)
    server = _Server(config, stopping)

    def ended(task: asyncio.Task[None]) -> None:  # the loop failed (an unreadable folder): stop serving
        if not task.cancelled() and task.exception() is not None:
            print(f"publish: error: preview stopped: {task.exception()}", file=sys.stderr)
            server.should_exit = True

    rebuilds.add_done_callback(ended)
    if open_url is not None:
        # in a thread: a browser that runs in the terminal would otherwise hold the event loop
        threading.Thread(target=webbrowser.open, args=(open_url,), daemon=True).start()
    try:
        await server.serve(sockets=[sock])
    finally:
        stop.set()
        state.close()
        await builder.stop()
        rebuilds.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await rebuilds
