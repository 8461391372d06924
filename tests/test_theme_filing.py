"""Filing ideas into themes, pure: an idea is in one theme at most, and a second person
touching it gets a conflict that names where it is, unless they move it."""

from __future__ import annotations

from typing import Any

import pytest

from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.themes import filing


def themes() -> dict[str, dict[str, Any]]:
    return {
        "ta": {"id": "ta", "label": "ฉุกเฉิน", "ideas": ["1-a", "2-b"], "at": 1},
        "tb": {"id": "tb", "label": {"th": "ฝุ่น", "en": "Haze"}, "ideas": ["3-c"], "at": 2},
    }


def test_adding_and_removing_keeps_order_and_drops_repeats() -> None:
    done = filing.file_ideas(themes(), "ta", add=["4-d", "1-a", "4-d"], remove=["2-b"], move=False)
    assert done.answer["ideas"] == ["1-a", "4-d"]
    assert done.write == [done.answer] and done.delete == ()


def test_an_idea_in_another_theme_is_a_conflict_naming_it() -> None:
    with pytest.raises(filing.FilingConflict) as caught:
        filing.file_ideas(themes(), "ta", add=["3-c"], remove=[], move=False)
    assert caught.value.code == Code.CONFLICT
    assert caught.value.to_dict()["filed"] == {"3-c": "tb"}
    assert "ฝุ่น / Haze" in caught.value.message


def test_moving_takes_the_idea_from_the_other_theme() -> None:
    done = filing.file_ideas(themes(), "ta", add=["3-c"], remove=[], move=True)
    assert done.answer["ideas"] == ["1-a", "2-b", "3-c"]
    assert {w["id"]: w["ideas"] for w in done.write} == {"tb": [], "ta": ["1-a", "2-b", "3-c"]}


def test_a_theme_written_whole_is_checked_the_same_way() -> None:
    with pytest.raises(filing.FilingConflict):
        filing.replace_theme(themes(), {"id": "tn", "label": "x", "ideas": ["1-a"]}, move=False)
    done = filing.replace_theme(themes(), {"id": "tn", "label": "x", "ideas": ["1-a"]}, move=True)
    assert {w["id"]: w["ideas"] for w in done.write} == {"ta": ["2-b"], "tn": ["1-a"]}


def test_deleting_a_theme() -> None:
    done = filing.delete_theme(themes(), "tb")
    assert done.delete == ("tb",) and done.write == [] and done.answer == {"deleted": "tb"}
    with pytest.raises(PrachakhomError) as caught:
        filing.delete_theme(themes(), "tz")
    assert caught.value.code == Code.NOT_FOUND


def test_unknown_theme_and_ideas() -> None:
    with pytest.raises(PrachakhomError) as caught:
        filing.file_ideas(themes(), "nope", add=[], remove=[], move=False)
    assert caught.value.code == Code.NOT_FOUND
    with pytest.raises(PrachakhomError) as caught:
        filing.idea_ids(["1-a", "9-z"], {"1-a"})
    assert caught.value.code == Code.NOT_FOUND
    with pytest.raises(PrachakhomError) as caught:
        filing.idea_ids("1-a", {"1-a"})
    assert caught.value.code == Code.BAD_MESSAGE


@pytest.mark.parametrize("label", ["", "   ", None, 7, "x" * 1001, {"th": " "}, {}, []])
def test_bad_labels_are_refused(label: Any) -> None:
    with pytest.raises(PrachakhomError) as caught:
        filing.check_label(label)
    assert caught.value.code == Code.BAD_MESSAGE


def test_labels_are_tidied() -> None:
    assert filing.check_label("  ฝุ่น   ควัน ") == "ฝุ่น ควัน"
    assert filing.check_label({"th": "ฝุ่น", "en": " Haze "}) == {"th": "ฝุ่น", "en": "Haze"}
