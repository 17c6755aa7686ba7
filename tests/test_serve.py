"""``dealroom serve`` reached as a browser reaches it, without a browser: nothing is let in
without the token (the page, its files, the websocket), the token is said once and never
logged, each websocket runs an app of its own that ends with it, Ctrl-C leaves no process
behind, and listening beyond this machine is asked for with ``--host`` and warned about."""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from serving import Served, command, gone, serving, wait_until

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc for the apps")

#: What the app shows first: a deal of the team (tests/pilots.py, ``seed_team``).
DEAL = b"ACME-5G"


@pytest.fixture
def served(team_db: str, tmp_path: Path) -> Iterator[Served]:
    with serving(team_db, tmp_path) as server:
        yield server


def client() -> aiohttp.ClientSession:
    """A client that keeps cookies as a browser does, 127.0.0.1's included."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


def ws_url(served: Served, query: str = "") -> str:
    return served.base.replace("http://", "ws://") + "ws?width=120&height=30" + query


async def pipeline(socket: aiohttp.ClientWebSocketResponse) -> None:
    """Read the app's screen from the websocket until the pipeline's first deal is on it."""
    seen = b""
    async with asyncio.timeout(30):
        while DEAL not in seen:
            message = await socket.receive()
            assert message.type == aiohttp.WSMsgType.BINARY, message
            seen += message.data


async def test_without_the_token_or_with_a_wrong_one_nothing_is_served(served: Served) -> None:
    near = served.token[:-1] + ("A" if served.token[-1] != "A" else "B")
    async with client() as http:
        for path in ("", "static/js/textual.js", "static/css/xterm.css", "ws", "download/x"):
            for query in ("", "?token=", "?token=wrong", f"?token={near}", "?token=é"):
                async with http.get(served.base + path + query) as response:
                    assert response.status == 403, (path, query)
                    assert "token" in await response.text()
                    assert "Set-Cookie" not in response.headers
        http.cookie_jar.update_cookies({f"dealroom-token-{served.port}": near})
        async with http.get(served.base) as response:
            assert response.status == 403


async def test_the_token_opens_the_page_and_its_files_come_with_a_cookie(served: Served) -> None:
    async with client() as http:
        async with http.get(served.url) as response:
            assert response.status == 200
            page = await response.text()
            cookie = response.headers["Set-Cookie"]
        assert cookie.startswith(f"dealroom-token-{served.port}={served.token};")
        assert {"HttpOnly", "Path=/", "SameSite=Strict"} <= {p.strip() for p in cookie.split(";")}
        # the page's own requests carry the cookie, not the token
        assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in page
        files = re.findall(r'(?:href|src)="([^"]+)"|url\("([^"]+)"\)', page)
        paths = sorted({a or b for a, b in files})
        assert len(paths) == 4, paths  # the style sheet, the script, the two fonts
        for path in paths:
            assert path.startswith("/static/"), f"{path} is not from this server"
            async with http.get(served.base + path.lstrip("/")) as response:
                assert response.status == 200, path
                assert len(await response.read()) > 1000, path
        # nothing from outside: no address on the page but its own websocket
        assert re.findall(r"\w+://[^\"' )]+", page) == [f"ws://127.0.0.1:{served.port}/ws"]


async def test_a_websocket_without_the_token_is_refused(served: Served) -> None:
    near = served.token[:-1] + ("A" if served.token[-1] != "A" else "B")
    async with client() as http:
        for query in ("", f"&token={near}"):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(ws_url(served, query))
            assert refused.value.status == 403
        # with the token, but opened by another site's page (cross-site websocket hijacking)
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(
                ws_url(served, f"&token={served.token}"), origin="http://evil.example"
            )
        assert refused.value.status == 403
    assert served.apps() == []


async def test_each_tab_runs_an_app_of_its_own_that_ends_with_it(served: Served) -> None:
    async with client() as http:
        async with http.get(served.url) as response:
            assert response.status == 200  # the cookie, from now on
        origin = served.base.rstrip("/")
        first = await http.ws_connect(ws_url(served), origin=origin)
        second = await http.ws_connect(ws_url(served), origin=origin)
        await asyncio.gather(pipeline(first), pipeline(second))
        apps = served.apps()
        assert len(apps) == 2
        await first.close()
        wait_until(lambda: len(served.apps()) == 1, "the first tab's app ended", timeout=10)
        (left,) = served.apps()
        assert left in apps
        await second.close()
        assert gone([left]), "the second tab's app is still running"


async def test_ctrl_c_stops_serve_and_every_app_it_started(served: Served) -> None:
    async with client() as http:
        socket = await http.ws_connect(ws_url(served, f"&token={served.token}"))
        await pipeline(socket)
        apps = served.apps()
        assert len(apps) == 1
        assert served.stop(signal.SIGINT) == 0
        assert gone(apps), "an app outlived serve"
        closed = await socket.receive(timeout=5)
        assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert "Traceback" not in served.said()


async def test_an_app_whose_server_is_killed_ends_too(served: Served) -> None:
    async with client() as http:
        socket = await http.ws_connect(ws_url(served, f"&token={served.token}"))
        await pipeline(socket)
        apps = served.apps()
        if not any(Path(d, "setpriv").exists() for d in ("/usr/bin", "/bin")):
            pytest.skip("setpriv (util-linux) is not installed: no parent-death signal")
        assert served.stop(signal.SIGKILL) == -signal.SIGKILL
        assert gone(apps), "an app outlived its killed server"


async def test_the_token_is_said_once_and_never_logged(served: Served) -> None:
    async with client() as http:
        for url in (served.url, served.base + "?token=wrong", served.base + "static/nothing"):
            async with http.get(url):
                pass
        socket = await http.ws_connect(ws_url(served))
        await pipeline(socket)
        await socket.close()
    assert served.stop() == 0
    said = served.said()
    assert said.count(served.token) == 1, said
    (line,) = [line for line in said.splitlines() if served.token in line]
    assert line.strip() == f"http://127.0.0.1:{served.port}/?token={served.token}"
    assert "GET" not in said and "/ws" not in said  # no access log


def test_it_listens_on_this_machine_only(served: Served) -> None:
    assert served.base == f"http://127.0.0.1:{served.port}/"
    outward = this_machines_address()
    if outward is None:
        pytest.skip("this machine has no address but its loopback")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((outward, served.port), timeout=5).close()


def this_machines_address() -> str | None:
    """An address of this machine other than its loopback, if it has one (a UDP socket
    "connected" sends nothing, only picks the interface)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never answered
        except OSError:
            return None
        address: str = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def run(team_db: str, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(team_db, *options), capture_output=True, text=True, timeout=30)


def test_another_address_is_asked_for_with_host_alone(team_db: str) -> None:
    result = run(team_db, "--port", "0.0.0.0:8000")
    assert result.returncode == 2
    assert "--host" in result.stderr.splitlines()[-1]
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_another_host_is_served_with_a_warning(team_db: str, tmp_path: Path) -> None:
    with serving(team_db, tmp_path, "--host", "0.0.0.0") as served:
        warning = served.err.read_text()
        assert "warning: listening on 0.0.0.0, reachable from other machines" in warning
        assert "ssh -L" in warning
        assert served.base == f"http://{socket.gethostname()}:{served.port}/"
        assert served.stop() == 0


@pytest.mark.parametrize(
    ("host", "status", "said"),
    [
        ("", 2, "--host needs an address"),
        ("no-such-host.invalid", 1, "cannot listen on no-such-host.invalid"),
        ("192.0.2.1", 1, "cannot listen on 192.0.2.1 port 0"),  # not this machine's
    ],
)
def test_a_host_it_cannot_listen_on_is_one_line(
    team_db: str, host: str, status: int, said: str
) -> None:
    result = run(team_db, "--host", host, "--port", "0")
    assert result.returncode == status, result.stderr
    assert result.stderr.count("\n") == 1 and said in result.stderr, result.stderr
    assert "?token=" not in result.stdout


def test_a_port_in_use_is_one_line(team_db: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(team_db, "--port", str(port))
    assert result.returncode == 1
    assert result.stderr == (
        f"dealroom: error: cannot listen on 127.0.0.1 port {port}: Address already in use\n"
    )


def test_the_server_does_not_load_textual() -> None:
    """The command line never imports Textual (import-linter checks dealroom's imports;
    this, what textual-serve itself imports): the app is a process of its own."""
    probe = (
        "import sys; import dealroom.commands.serve, dealroom.commands.webserver; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'textual'], 'textual loaded'"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


async def test_no_log_of_the_server_says_the_token(caplog: pytest.LogCaptureFixture) -> None:
    """Every logger, at every level, while the page, a file and a wrong token are asked
    for. aiohttp's own runner (the control) logs each request's address, token and all."""
    from dealroom.commands.webserver import RoomServer

    caplog.set_level(logging.DEBUG)
    token = "the-token-of-this-test"
    server = RoomServer(["true"], "127.0.0.1", 0, token)
    await ask(aiohttp.web.AppRunner(await server._make_app()), token)
    assert token in caplog.text, "the control logged no token: the test sees no log"
    caplog.clear()
    await ask(await server.runner(), token)
    assert token not in caplog.text


async def ask(runner: aiohttp.web.AppRunner, token: str) -> None:
    await runner.setup()
    try:
        site = aiohttp.web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        base = f"http://127.0.0.1:{runner.addresses[0][1]}/"
        async with client() as http:
            for url in (f"{base}?token={token}", f"{base}static/js/textual.js", f"{base}?token=x"):
                async with http.get(url) as response:
                    assert response.status == (403 if url.endswith("x") else 200)
    finally:
        await runner.cleanup()


async def test_an_app_that_will_not_quit_is_ended_with_what_it_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The app a closed tab leaves, if asking it to quit is not enough: an app that ignores
    SIGTERM too, with a process it started, is ended, both of them, by SIGKILL."""
    from textual_serve.download_manager import DownloadManager

    from dealroom.commands import webserver

    monkeypatch.setattr(webserver, "QUIT_SECONDS", 0.5)
    monkeypatch.setattr(webserver, "TERM_SECONDS", 0.5)
    stubborn = (
        "import signal, subprocess, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "child = subprocess.Popen(['sleep', '60']); print(child.pid, flush=True); "
        "print('__GANGLION__', flush=True); time.sleep(60)"
    )

    async def nothing(*_: object) -> None:
        pass

    app = webserver.AppProcess(
        [sys.executable, "-c", stubborn],
        write_bytes=nothing,
        write_str=nothing,
        close=nothing,
        download_manager=DownloadManager(),
    )
    process = await app._open_app_process()
    assert process.stdout is not None
    started = int(await process.stdout.readline())  # before run() reads the rest
    app._task = asyncio.create_task(app.run())
    async with asyncio.timeout(10):
        await app.stop()
    assert process.returncode == -signal.SIGKILL
    assert gone([started], timeout=5), "what the app started outlived it"
