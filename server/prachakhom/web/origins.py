"""Which page origins may open a WebSocket (against cross-site WebSocket hijacking)."""

from __future__ import annotations

from urllib.parse import urlsplit


def origin_allowed(origin: str | None, host: str | None, allowed: tuple[str, ...]) -> bool:
    """No Origin (not a browser) is fine; a browser page must come from this server's own
    host, or from an origin listed in allowed_origins ('*' allows any)."""
    if origin is None:
        return True
    if "*" in allowed or origin.rstrip("/") in allowed:
        return True
    return bool(host) and urlsplit(origin).netloc.lower() == (host or "").lower()
