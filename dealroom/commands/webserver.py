"""The deal room in a browser: textual-serve's server with a token on every request.

textual-serve runs the app as a process per browser tab and relays its terminal over a
websocket to xterm.js; it has no authentication of its own. :class:`RoomServer` keeps its
relay and adds: a token on every request and on the websocket (from the URL, then from a
cookie the first authorised request sets), compared in constant time and never logged
(no access log); its own page, whose scripts and fonts all come from this server; and an
end to each app process, its whole process group, when its tab closes or the server stops.
Nothing here imports Textual: the app is a separate process (``python -m dealroom``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import os
import shlex
import shutil
import signal
import sys
from asyncio.subprocess import PIPE, Process
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager
from textual_serve.server import Server, to_int

from dealroom import i18n
from dealroom.commands.common import CommandError
from dealroom.i18n import N_, _

PAGE = Path(__file__).parent / "web"

#: How long an app has to quit when asked (its tab closed, the server stopping), then how
#: long it has after SIGTERM; then SIGKILL.
QUIT_SECONDS = 3.0
TERM_SECONDS = 2.0

#: What a request without the right token is told (the page, the websocket, a file).
REFUSED = N_("refused: open the address `dealroom serve` printed, with its token")
#: What a websocket opened by another site's page is told.
OTHER_SITE = N_("refused: a page of another site may not open the deal room")
#: Why a tab's app could not be started.
NOT_STARTED = N_("the deal room app could not be started for a browser tab: {error}")
#: What a browser tab sent that is not textual-serve's protocol.
GARBLED = N_("a browser tab sent what its app cannot read ({error}); that app is closed")


def orphan_proof(argv: Sequence[str]) -> list[str]:
    """``argv`` run so that it gets SIGTERM if the server dies without ending it (SIGKILL,
    a crash): Linux's parent-death signal, set by util-linux's ``setpriv`` where there is
    one. An app whose server is gone would otherwise stay, its input closed, for ever."""
    setpriv = shutil.which("setpriv") if sys.platform == "linux" else None
    return [setpriv, "--pdeathsig", "TERM", "--", *argv] if setpriv else list(argv)


class AppProcess(AppService):
    """One tab's app, started without a shell in a process group of its own (not the
    server's, so a Ctrl-C in the server's terminal reaches the server alone), and ended
    with what it started: asked to quit, then its process group sent SIGTERM, then
    SIGKILL."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
        download_manager: DownloadManager,
    ) -> None:
        super().__init__(
            shlex.join(argv),
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,
            download_manager=download_manager,
        )
        self.argv = list(argv)
        self._stopping: asyncio.Future[None] | None = None

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        process = await asyncio.create_subprocess_exec(
            *orphan_proof(self.argv),
            stdin=PIPE,
            stdout=PIPE,
            stderr=PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
        )
        assert process.stdin is not None
        self._process, self._stdin = process, process.stdin
        return process

    async def stop(self) -> None:
        """Once, whoever asks first (the tab's handler, the server stopping): the others
        wait for the same stop."""
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._stop())
        await asyncio.shield(self._stopping)

    async def _stop(self) -> None:
        process, task = self._process, self._task
        if process is not None and process.returncode is None:
            await self.send_meta({"type": "quit"})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), QUIT_SECONDS)
            await self._end()
        if task is not None and not (await asyncio.wait({task}, timeout=TERM_SECONDS))[0]:
            task.cancel()  # its output held open by a process that left its group
        await super().stop()  # the app gone: its relay ends, its downloads are cancelled

    async def _end(self) -> None:
        """The process group ended, if the app has not quit by itself. Each wait is
        bounded: asyncio's ``wait()`` also waits for the app's pipes to close, which a
        process that left the group may hold open."""
        process = self._process
        if process is None:
            return
        for sent in (signal.SIGTERM, signal.SIGKILL):
            if process.returncode is not None:
                return
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sent)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), TERM_SECONDS)


class RoomServer(Server):
    """textual-serve's server for one member: their app (``argv``), behind ``token``."""

    def __init__(self, argv: Sequence[str], host: str, port: int, token: str) -> None:
        super().__init__(shlex.join(argv), host=host, port=port, title="dealroom")
        self.argv = list(argv)
        self.token = token
        self.apps: set[AppProcess] = set()
        self.sockets: set[web.WebSocketResponse] = set()

    @property
    def cookie(self) -> str:
        """The cookie's name: one per port, so two members' servers opened in one browser
        (cookies do not tell ports apart) do not overwrite each other's token."""
        return f"dealroom-token-{self.port}"

    @web.middleware
    async def guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Refuse every request without the token (403): given in the query (``?token=``),
        which also sets it as a cookie for the page's own requests that follow (its
        scripts, its font, the websocket), or carried in that cookie."""
        given = request.query.get("token")
        carried = given if given is not None else request.cookies.get(self.cookie, "")
        if not hmac.compare_digest(carried.encode(), self.token.encode()):
            return web.Response(status=403, text=_(REFUSED) + "\n")
        response = await handler(request)
        if given is not None and not response.prepared:
            response.set_cookie(self.cookie, self.token, path="/", httponly=True, samesite="Strict")
        return response

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(PAGE), autoescape=True)
        app.add_routes(
            [
                web.get("/", self.page, name="index"),
                web.get("/ws", self.websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, name="static"),
            ]
        )
        return app

    async def page(self, request: web.Request) -> web.Response:
        """The page: textual-serve's terminal, its addresses relative to the one the
        browser used (an SSH tunnel may bring port 8000 here from another port)."""
        context = {
            "lang": i18n.current().replace("_", "-"),
            "title": "dealroom",
            "static": "/static/",
            "websocket": f"ws://{request.host}/ws",
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "starting": _("Opening the deal room…"),
            "start": _("Start"),
            "ended": _("The deal room was closed."),
            "restart": _("Open it again"),
        }
        return aiohttp_jinja2.render_template("index.html", request, context)

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        """One tab's app, for as long as its websocket is open."""
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"http://{request.host}":
            return web.Response(status=403, text=_(OTHER_SITE) + "\n")
        socket = web.WebSocketResponse(heartbeat=15)
        await socket.prepare(request)

        async def close() -> None:  # the app quit: the page says so
            await socket.close()

        app = AppProcess(
            self.argv,
            write_bytes=socket.send_bytes,
            write_str=socket.send_str,
            close=close,
            download_manager=self.download_manager,
        )
        self.apps.add(app)
        self.sockets.add(socket)
        try:
            await app.start(
                to_int(request.query.get("width", "80"), 80),
                to_int(request.query.get("height", "24"), 24),
            )
            await self._process_messages(socket, app)
        except OSError as exc:
            print(_(NOT_STARTED).format(error=exc), file=sys.stderr)
        except (ValueError, TypeError, KeyError, IndexError, AssertionError) as exc:
            print(_(GARBLED).format(error=type(exc).__name__), file=sys.stderr)
        finally:
            await app.stop()
            self.apps.discard(app)
            self.sockets.discard(socket)
            await socket.close()
        return socket

    async def run(self, ready: Callable[[int], None]) -> None:
        """Listen until SIGINT, SIGTERM or SIGHUP; then end every tab's app and stop.
        ``ready`` is told the port listened on once it is (``port`` 0: a free one)."""
        runner = await self.runner()
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            try:
                await site.start()
            except OSError as exc:  # asyncio's words name the address again: the system's
                error = os.strerror(exc.errno) if exc.errno else str(exc)
                said = _("cannot listen on {host} port {port}: {error}")
                raise CommandError(
                    said.format(host=self.host, port=self.port, error=error)
                ) from None
            self.port = runner.addresses[0][1]
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                loop.add_signal_handler(signum, stop.set)
            ready(self.port)
            await stop.wait()
            await self.close_all()
        finally:
            await runner.cleanup()

    async def runner(self) -> web.AppRunner:
        """The server's runner, without an access log: it would write each request's
        address, and with the first one the token."""
        return web.AppRunner(await self._make_app(), access_log=None, shutdown_timeout=1.0)

    async def close_all(self) -> None:
        """Every tab's app ended and its websocket closed."""
        await asyncio.gather(*(app.stop() for app in list(self.apps)))
        await asyncio.gather(*(s.close(code=WSCloseCode.GOING_AWAY) for s in list(self.sockets)))


def serve(
    argv: Sequence[str], host: str, port: int, token: str, ready: Callable[[int], None]
) -> None:
    """Serve the app ``argv`` on ``host``:``port`` until stopped (see :meth:`RoomServer.run`)."""
    asyncio.run(RoomServer(argv, host, port, token).run(ready))
