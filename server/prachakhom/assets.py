"""Routes that serve what the browser apps need besides the API (fonts, QR codes)."""

from __future__ import annotations

from starlette.routing import BaseRoute

asset_routes: list[BaseRoute] = []
