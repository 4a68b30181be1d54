"""`redengine serve` and `redengine token …`: thin commands over the app factory and the token store."""

from __future__ import annotations

import contextlib
import getpass
import signal
import socket
import sys
import threading

import click

from redengine.api import redact
from redengine.api.context import Principal, RoleName
from redengine.config import Settings
from redengine.errors import ConfigError, RedEngineError
from redengine.services import tokens

UVICORN_LOOP, UVICORN_HTTP = "asyncio", "h11"
#: how long a thread may hold the GIL before another gets it (Python's default: 5 ms). A long request's
#: worker parses big replies in Python; at 1 ms the small requests beside it waited less
#: (appointmentCheck p99 176 ms against 211 ms, benchmarks/README.md)
SWITCH_INTERVAL = 0.001


def _bind(host: str, port: int) -> socket.socket:
    """Bind the listening socket first, so a busy port is one clear error before the engine starts."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        raise ConfigError(f"--host {host!r} is not an address this machine can listen on ({e.strerror})") from e
    family, _, proto, _, addr = infos[0]
    # With the protocol number (IPPROTO_TCP) asyncio sets TCP_NODELAY on every accepted connection;
    # without it Nagle's algorithm held small responses back ~40 ms for a keep-alive client.
    sock = socket.socket(family, socket.SOCK_STREAM, proto or socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
    except OSError as e:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {e.strerror}; is another server running there? "
                          "Choose another with --port") from e
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


class _Stopped(Exception):
    pass


def _raise_stopped(signum, frame):
    raise _Stopped


@contextlib.contextmanager
def _stop_on_signal():
    """uvicorn shuts down gracefully on SIGINT/SIGTERM and then re-raises the signal; turn that into a
    normal return, so the engine is closed (the embedded server flushed and stopped) on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_stopped)
    try:
        yield
    except (_Stopped, KeyboardInterrupt):
        click.echo("stopped", err=True)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _url(host: str, sock: socket.socket) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else host)
    return f"http://{shown}:{sock.getsockname()[1]}/graphql"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free one).")
@click.option("--demo", is_flag=True, help="Load the demo district into an empty graph (an earlier demo is kept; "
                                           "any other data is refused, exit 2) and print a fresh admin token.")
def serve(host: str, port: int, demo: bool) -> None:
    """Serve the GraphQL API (GraphiQL in a browser at /graphql), with /healthz and /readyz."""
    import uvicorn

    from redengine.api.app import create_app
    from redengine.graph.apply import apply_schema
    from redengine.graph.engine import open_runner

    settings = Settings.from_env()
    with contextlib.ExitStack() as stack:
        sock = _bind(host, port)
        stack.callback(sock.close)
        runner = open_runner(settings)
        stack.callback(runner.close)
        apply_schema(runner)
        lines = []
        if demo:
            from redengine.demo import load_demo_if_empty

            loaded = load_demo_if_empty(runner)
            click.echo("demo district loaded" if loaded else "the graph already holds units: demo not loaded")
            lines = _demo_token_lines(runner, sys.stdout.isatty())
        else:
            lines = ["a token comes from: redengine token create --role admin"]
        click.echo(f"Red Engine Graph API on {settings.engine}: {_url(host, sock)}  (GraphiQL in a browser)")
        for line in lines:
            click.echo(line)
        # asyncio's loop and h11, named: uvicorn would pick uvloop/httptools by itself when installed,
        # and they measured not clearly better (benchmarks/README.md)
        config = uvicorn.Config(create_app(settings, runner=runner), log_level="info", lifespan="on",
                                loop=UVICORN_LOOP, http=UVICORN_HTTP)
        redact.install()  # after uvicorn set up its loggers: no token in any log line
        sys.setswitchinterval(SWITCH_INTERVAL)
        server = uvicorn.Server(config)
        with _stop_on_signal():
            server.run(sockets=[sock])
        if not server.started:
            raise RedEngineError("the API server did not start; see the log lines above")


def _demo_token_lines(runner, tty: bool) -> list[str]:
    """A fresh admin token, printed once, only to a terminal; elsewhere (a container's log, a file)
    only how to make one: whatever reads that output later would hold the district's admin key."""
    if not tty:
        return ["no token is printed when output is not a terminal; create one with:",
                "redengine token create --role admin   (in a container: docker compose exec api redengine token create --role admin)"]
    new = tokens.create(runner, RoleName.ADMIN, name="demo-admin", by=_operator())
    # The token goes in a header only: never in a URL (access logs and browser history keep those).
    return [f"admin token {new.id} (shown once): in GraphiQL's Headers pane, or any client, send",
            f"Authorization: Bearer {new.token}"]


def _operator() -> Principal:
    """Who runs a token command, for the audit log: the operating-system user on this machine."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Principal(token_id="cli", name=f"{user}@{socket.gethostname()}", role=RoleName.ADMIN)


@click.group()
def token() -> None:
    """API bearer tokens: create (shown once, stored hashed), list, revoke."""


@token.command("create")
@click.option("--role", required=True, type=click.Choice([r.value for r in RoleName]),
              help="admin: everything; township: one township's subtree; analyst: read-only, sensitive fields masked.")
@click.option("--township", "township_id", metavar="UNIT_ID", help="The township a township token is bound to.")
@click.option("--name", help="Who or what uses the token (shown in the audit log).")
def create_cmd(role: str, township_id: str | None, name: str | None) -> None:
    """Create a token and print it once: only its hash is stored."""
    from redengine.graph.engine import connect

    with connect(Settings.from_env()) as runner:
        new = tokens.create(runner, role, township_id, name, by=_operator())
    scope = f", township {township_id}" if township_id else ""
    click.echo(f"created token {new.id} ({role}{scope}, name {new.principal.name!r}); it is shown only now:", err=True)
    click.echo(new.token)


@token.command("list")
def list_cmd() -> None:
    """List tokens (never the secrets)."""
    from redengine.graph.engine import connect

    with connect(Settings.from_env()) as runner:
        rows = tokens.list_tokens(runner)
    if not rows:
        click.echo("no tokens; create one with: redengine token create --role admin")
        return
    click.echo(f"{'id':<18} {'role':<9} {'township':<12} {'created':<20} {'revoked':<20} name")
    for r in rows:
        click.echo(f"{r['id']:<18} {r['role']:<9} {r['township_id'] or '-':<12} {str(r['created_at']):<20} "
                   f"{str(r['revoked_at'] or '-'):<20} {r['name']}")


@token.command("revoke")
@click.argument("token_id")
def revoke_cmd(token_id: str) -> None:
    """Revoke a token by its id: it stops working at once."""
    from redengine.graph.engine import connect

    with connect(Settings.from_env()) as runner:
        row = tokens.revoke(runner, token_id, by=_operator())
    if row["already"]:
        click.echo(f"{row['id']} was already revoked (at {row['revoked_at']}); nothing changed")
    else:
        click.echo(f"revoked {row['id']} (at {row['revoked_at']})")
