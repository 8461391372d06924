"""Small groups stay hidden in breakdowns, and cannot be worked out by subtraction."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from prachakhom.core.results import hidden_groups


def test_one_small_group_drags_the_next_smallest_with_it() -> None:
    # everyone minus public and civil would be the one affected person's ballot
    sizes = {"public": 6, "civil": 9, "affected": 1, "business": 0}
    assert hidden_groups(sizes, 0, 5) == {"affected", "business", "public"}
    # with four ungrouped voters the residual is already 5: nothing more to hide
    assert hidden_groups(sizes, 4, 5) == {"affected", "business"}
    # big groups only: nothing hidden but the empty one
    assert hidden_groups({"a": 5, "b": 7, "c": 0}, 0, 5) == {"c"}
    # one ungrouped voter is a residual of one: hide a group to cover them
    assert hidden_groups({"a": 5, "b": 7}, 1, 5) == {"a"}


@given(
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 30), min_size=1),
    st.integers(0, 6),
    st.integers(1, 10),
)
def test_what_is_hidden_is_never_a_small_crowd(
    sizes: dict[str, int], ungrouped: int, least: int
) -> None:
    hidden = hidden_groups(sizes, ungrouped, least)
    shown = [g for g in sizes if g not in hidden]
    assert all(sizes[g] >= least for g in shown)
    residual = ungrouped + sum(sizes[g] for g in hidden)
    assert residual == 0 or residual >= least or not shown
