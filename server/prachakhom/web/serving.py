"""How uvicorn serves the app: one set of options, used by `prachakhom serve` and by the
tests' real servers alike, so the tests run the server as it runs in a hall."""

from __future__ import annotations

from typing import Any

from prachakhom.settings import Settings


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's keyword arguments for these settings (`uvicorn.run` and `uvicorn.Config`
    take the same ones)."""
    return {
        "host": settings.host,
        "port": settings.port,
        "ws": "websockets-sansio",
        "ws_max_size": settings.max_frame,
        "ws_per_message_deflate": False,
        "ws_ping_interval": settings.ws_ping_interval,
        "ws_ping_timeout": settings.ws_ping_interval,
        "log_level": settings.log_level,
        "lifespan": "on",
        "access_log": False,
        # a connection still open at the end (a client's keep-alive, a stuck screen)
        # cannot hold the shutdown forever
        "timeout_graceful_shutdown": 5,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
    }
