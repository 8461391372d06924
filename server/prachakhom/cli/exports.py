"""`prachakhom export`, `verify`, `audit` and `purge`: a meeting's records from a shell.

`export` fetches the JSON export from a running server (or reads a saved one with
--from) and renders every other format here, with a progress bar; `verify` checks an
export from its ledger alone; `audit` asks a running server to recount from its ledger.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click
import httpx
import msgspec
import orjson
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from prachakhom.report import formats, model
from prachakhom.report.verify import verify_bytes
from prachakhom.settings import Settings

console = Console(highlight=False, soft_wrap=True, stderr=True)
TOKEN_ENV = "PRACHAKHOM_TOKEN"


def server_options(f: Any) -> Any:
    options = [
        click.option(
            "--server", "server_url", help="The server (default: this host's, from the settings)."
        ),
        click.option(
            "--data-dir",
            type=click.Path(path_type=Path),
            help="Where the admin token is kept (default: the settings' data dir).",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _token(settings: Settings) -> str:
    """PRACHAKHOM_TOKEN (an organiser's or the admin token), else the admin token that
    `serve` keeps in the data dir. Never a command-line option: `ps` shows those."""
    token = os.environ.get(TOKEN_ENV) or settings.admin_token
    if not token:
        path = settings.data_dir / "admin-token"
        if path.exists():
            token = path.read_text().strip()
    if not token:
        raise click.ClickException(
            f"no token: set {TOKEN_ENV} to the organiser's token, or run this where "
            "`prachakhom serve` keeps its admin token (--data-dir)"
        )
    return token


def _get(settings: Settings, server_url: str | None, path: str, **params: str) -> bytes:
    return _call("GET", settings, server_url, path, **params)


def _call(verb: str, settings: Settings, server_url: str | None, path: str, **params: str) -> bytes:
    base = (server_url or settings.base_url).rstrip("/")
    headers = {"Authorization": f"Bearer {_token(settings)}"}
    try:
        response = httpx.request(verb, f"{base}{path}", params=params, headers=headers, timeout=600)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"cannot reach the server at {base}: {exc}") from None
    if response.status_code >= 400:
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = response.text[:200]
        raise click.ClickException(f"the server answered {response.status_code}: {message}")
    return response.content


def _settings(data_dir: Path | None) -> Settings:
    return Settings.from_env(**({"data_dir": data_dir} if data_dir else {}))  # type: ignore[arg-type]


@click.command("export")
@click.argument("meeting", required=False)
@click.option(
    "--format",
    "-f",
    "names",
    multiple=True,
    type=click.Choice([*formats.FORMATS, "all"]),
    default=["pdf"],
    show_default=True,
    help="Format to write; repeat for several, or 'all'.",
)
@click.option("--lang", type=click.Choice(formats.LANGUAGES), help="Report language.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="Folder for the files.",
)
@click.option(
    "--from",
    "source",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Render from a saved JSON export instead of asking a server.",
)
@server_options
def export_command(
    meeting: str | None,
    names: tuple[str, ...],
    lang: str | None,
    out: Path,
    source: Path | None,
    server_url: str | None,
    data_dir: Path | None,
) -> None:
    """Write a meeting's exports: the PDF report, XLSX, CSV, JSON, charts."""
    if source is None and meeting is None:
        raise click.UsageError("name the MEETING, or give --from EXPORT.json")
    chosen = list(formats.FORMATS) if "all" in names else list(dict.fromkeys(names))
    out.mkdir(parents=True, exist_ok=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        if source is None:
            task = progress.add_task("the server assembles the export", total=None)
            raw = _get(_settings(data_dir), server_url, f"/api/meetings/{meeting}/export")
            progress.update(task, total=1, completed=1)
        else:
            raw = source.read_bytes()
        try:
            doc = model.decode(raw)
        except msgspec.DecodeError as exc:  # not JSON, or not the document: says where
            raise click.ClickException(f"this is not a Prachakhom JSON export: {exc}") from None
        written = []
        for name in chosen:
            task = progress.add_task(name.upper(), total=None)

            def step(done: int, total: int, what: str, task: Any = task, name: str = name) -> None:
                progress.update(
                    task, completed=done, total=total, description=f"{name.upper()} {what}"
                )

            body = (
                raw if name == "json" and source is None else formats.render(doc, name, lang, step)
            )
            path = out / formats.filename(doc, name)
            path.write_bytes(body)
            progress.update(task, description=name.upper(), completed=1, total=1)
            written.append(path)
    for path in written:
        click.echo(str(path))


@click.command("verify")
@click.argument("export", type=click.Path(path_type=Path, exists=True, dir_okay=False))
def verify_command(export: Path) -> None:
    """Check a JSON export from its ledger alone: the hash chain, the digest, and every
    tally and result recounted. Exits 1 on any mismatch."""
    try:
        verdict = verify_bytes(export.read_bytes())
    except msgspec.DecodeError as exc:
        raise click.ClickException(f"{export} is not JSON: {exc}") from None
    click.echo(
        f"{verdict.entries} ledger entries, {verdict.ballots} ballots, "
        f"{verdict.questions} questions; digest {verdict.digest}"
    )
    if verdict.ok:
        click.echo("OK: the chain is intact and every result matches a recount of the ledger.")
        return
    for problem in verdict.problems:
        click.echo(f"MISMATCH: {problem}")
    sys.exit(1)


@click.command("audit")
@click.argument("meeting")
@server_options
def audit_command(meeting: str, server_url: str | None, data_dir: Path | None) -> None:
    """Ask a running server to recount every question from its ledger and compare with
    the live tallies. Exits 1 on any mismatch."""
    report = orjson.loads(_get(_settings(data_dir), server_url, f"/api/meetings/{meeting}/audit"))
    table = Table(title=f"Audit of {meeting}", show_edge=False)
    for column in ("question", "voters (live / recount)", "match"):
        table.add_column(column)
    for row in report["questions"]:
        table.add_row(
            row["question"],
            f"{row['live_voters']} / {row['recount_voters']}",
            "yes" if row["match"] else "[red]NO[/red]",
        )
    Console(highlight=False).print(table)
    click.echo(f"{report['ledger_entries']} ledger entries; digest {report['digest']}")
    if not report["ok"]:
        click.echo("MISMATCH: the live tallies differ from the ledger's recount.")
        sys.exit(1)
    click.echo("OK: every live tally equals the recount from the ledger.")


@click.command("purge")
@click.argument("meeting")
@click.option("--force", is_flag=True, help="Delete before the retention date.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@server_options
def purge_command(
    meeting: str, force: bool, yes: bool, server_url: str | None, data_dir: Path | None
) -> None:
    """Delete a meeting and all its personal data (ballots, ledger, demographic answers,
    ideas, codes, tokens) after its retention date (PDPA). Needs the admin token.
    Export first: nothing of the meeting is left on the server afterwards."""
    if not yes:
        click.confirm(
            f"Delete meeting {meeting} and all its data for good? Export it first.", abort=True
        )
    params = {"force": "true"} if force else {}
    answer = orjson.loads(
        _call("DELETE", _settings(data_dir), server_url, f"/api/meetings/{meeting}", **params)
    )
    click.echo(
        f"Deleted meeting {answer['purged']} ({answer['keys']} keys); the AOF is being rewritten."
    )
