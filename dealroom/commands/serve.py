"""``dealroom serve``: the same app in a browser, for the member who started it.

Listens on 127.0.0.1 unless ``--host`` names another address (with a warning); prints the
address once with a token made for this start, as Jupyter does; runs the app of each
browser tab as this OS user, with the ``--db`` and ``--lang`` given here. The server is
:mod:`dealroom.commands.webserver`, imported only once the command line is checked.
"""

from __future__ import annotations

import argparse
import ipaddress
import secrets
import socket
import sys
from typing import Any

from dealroom import i18n
from dealroom.commands import COMMANDS
from dealroom.commands.common import CommandError, Context, UsageError
from dealroom.i18n import N_, _

#: Where ``serve`` listens unless told: this machine only.
LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8000

HOST_HELP = N_(
    "the address to listen on (default 127.0.0.1: this machine only, reached from "
    "elsewhere through an SSH tunnel); any other is reachable from the network, "
    "without TLS, and a warning says so"
)
EXPOSED = N_(
    "warning: listening on {host}, reachable from other machines: the token and the "
    "deal room cross the network unencrypted; prefer the default 127.0.0.1 and an SSH "
    "tunnel (ssh -L {port}:127.0.0.1:{port} HOST)"
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "serve",
        help=_(COMMANDS["serve"].help),
        description=_(
            "Serve the deal room app to a browser: the same screens and keys, each browser "
            "tab with an app of its own, acting as you. Only a browser that brings the "
            "token printed at start is let in; whoever has that address acts as you. "
            "Listens on 127.0.0.1 only: from another machine, open an SSH tunnel "
            "(ssh -L 8000:127.0.0.1:8000 HOST) and the printed address. Ctrl-C stops it "
            "and every app it started."
        ),
    )
    p.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        metavar="PORT",
        help=_("the port to listen on (default 8000; 0: any free port); one per member"),
    )
    p.add_argument("--host", default=LOOPBACK, metavar="ADDRESS", help=_(HOST_HELP))
    p.set_defaults(handler=cmd_serve)


def port_number(text: str) -> int:
    """A port, 0 to 65535; an address given with it (``0.0.0.0:8000``) is refused: another
    address than 127.0.0.1 is asked for with ``--host`` alone, where a warning says what
    that means."""
    if ":" in text:
        raise argparse.ArgumentTypeError(
            _("a port number, e.g. 8000; to listen on another address, name it with --host")
        )
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        said = _("a port number from 0 to 65535, e.g. 8000, not {value}")
        raise argparse.ArgumentTypeError(said.format(value=repr(text)))
    return port


def cmd_serve(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.domain.rules import check_actor

    check_actor(ctx.actor)
    host = args.host.strip()
    exposed = not is_loopback(host)
    if ctx.demo:
        from dealroom.commands.demo import fresh_demo

        fresh_demo(ctx)
    with ctx.open():  # the database opens (or is made) here: its error said now, in one line
        pass
    token = secrets.token_urlsafe(32)

    def ready(port: int) -> None:
        if exposed:
            print(_(EXPOSED).format(host=host, port=port), file=sys.stderr)
        say = _("The deal room of {user} is served on {address}; open it in a browser at:")
        print(say.format(user=ctx.actor, address=url(host, port)), flush=True)
        print(f"    {url(host, port)}?token={token}", flush=True)
        print(_("Whoever has this address acts as you. Ctrl-C stops the server."), flush=True)

    from dealroom.commands.webserver import serve

    serve(app_command(ctx, args), host, args.port, token, ready)
    return 0


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is this machine's loopback; a name that names
    none is refused."""
    if not host:
        raise UsageError(_("--host needs an address, e.g. 127.0.0.1"))
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:  # an unknown name; one too long to look up
        error = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        said = _("cannot listen on {host}: {error}")
        raise CommandError(said.format(host=host, error=error)) from None
    return all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in found)


def url(host: str, port: int) -> str:
    """The page's address: an unspecified address (``0.0.0.0``) as this machine's name,
    an IPv6 address in brackets."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"http://{host}:{port}/"
    if address.is_unspecified:
        return f"http://{socket.gethostname()}:{port}/"
    return f"http://[{host}]:{port}/" if address.version == 6 else f"http://{host}:{port}/"


def app_command(ctx: Context, args: argparse.Namespace) -> list[str]:
    """The app each tab runs: this Python's dealroom, in this language, on the database
    and as the person given to ``serve`` (a URL from ``DEALROOM_DB`` stays out of the
    process list: the app reads the same environment)."""
    from dealroom.store.location import database_file, resolve_url

    argv = [sys.executable, "-m", "dealroom", "--lang", i18n.current()]
    if args.db or ctx.demo:  # else the app finds it as serve did (DEALROOM_DB, the default)
        path = database_file(ctx.db)  # a file by its path: its pipeline is kept (snapshot)
        argv += ["--db", str(path) if path is not None else resolve_url(ctx.db)]
    if args.actor:
        argv += ["--as", args.actor]
    return argv
