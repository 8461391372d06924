"""The HTTP edge: the API's routes split by resource, over the pure core and the store.

meetings.py   create, list, read, purge; join by code
questions.py  add, open, close; results
plenary.py    the plenary view; live table status
themes.py     ideas, themes, filing, the engine's suggestions
exports.py    the report in any format, the audit, receipts
health.py     health, metrics
openapi.py    the OpenAPI document: the endpoint table, components from the Structs
base.py       who calls and which meeting (`meeting_call`), bodies, answers, and the
              exception handlers that turn a refusal into the error body
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from prachakhom.web.base import exception_handlers
from prachakhom.web.exports import export_routes
from prachakhom.web.health import health_routes
from prachakhom.web.meetings import meeting_routes
from prachakhom.web.openapi import openapi_routes
from prachakhom.web.plenary import plenary_routes
from prachakhom.web.questions import question_routes
from prachakhom.web.themes import theme_routes

api_routes: list[BaseRoute] = [
    *meeting_routes,
    *question_routes,
    *plenary_routes,
    *export_routes,
    *theme_routes,
    *health_routes,
    *openapi_routes,
]

__all__ = ["api_routes", "exception_handlers"]
