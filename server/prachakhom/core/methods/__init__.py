"""Question kinds: one pure module each, registered here.

A kind validates a question's settings, turns an answer into a *contribution* (a small
map `{key: delta}` added to the live tally in Redis), and turns a tally into result
fields. Adding a kind is adding one module and one line below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, Union

from prachakhom.core.errors import invalid_question
from prachakhom.core.methods import budget, demographic, multiple, points, ranked, scale, single
from prachakhom.core.methods.base import Kind
from prachakhom.core.question import Definition

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        single.KIND,
        multiple.KIND,
        ranked.KIND,
        points.KIND,
        scale.KIND,
        budget.KIND,
        demographic.KIND,
    )
}

# each kind's counting methods, the live tally's first (GET /api/meetings/{m} `methods`)
METHODS: dict[str, list[str]] = {name: list(k.methods) for name, k in KINDS.items()}

# a question's JSON form: one Struct per kind, tagged by `kind` (msgspec decodes into it)
DEFINITION: Any = Union[tuple(k.definition for k in KINDS.values())]  # noqa: UP007
if TYPE_CHECKING:  # the same union as an annotation: its base for the type checker
    AnyDefinition: TypeAlias = Definition
else:
    AnyDefinition = DEFINITION


def kind_named(name: Any) -> Kind:
    kind = KINDS.get(name) if isinstance(name, str) else None
    if kind is None:
        raise invalid_question(
            f"unknown question kind {name!r:.40}; known kinds: {', '.join(sorted(KINDS))}"
        )
    return kind


__all__ = ["DEFINITION", "KINDS", "METHODS", "AnyDefinition", "Definition", "Kind", "kind_named"]
