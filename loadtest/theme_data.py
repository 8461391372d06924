"""The labelled idea file the theme benchmark replays, and the hall's variations of it.

    {"ideas": [{"text": "...", "theme": "emergency"}, ...], "names"?: {"emergency": "..."}}

`theme` is the answer key: only the benchmark reads it, never the server. `names` (or a
`--names` file, a map tag -> name) is what a theme team would type as each theme's name;
without one the tag itself is the name.

A hall says the same thing many times, each table in its own words: `variations` makes
N ideas from the file's by adding what a table's scribe adds (a lead-in, a closing, a
common abbreviation), so many of them are near-duplicates of each other.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"
PHAYAO_IDEAS = Path(__file__).parents[1] / "server" / "prachakhom" / "data" / "phayao-ideas.json"
PHAYAO_NAMES = DATA / "phayao-theme-names.json"

LEAD_INS = (
    "",
    "",
    "โต๊ะเราเห็นว่า ",
    "ชาวบ้านบอกว่า ",
    "ปัญหาที่เจอคือ ",
    "เสนอว่า ",
    "อยากฝากเรื่อง ",
    "กลุ่มเราคุยกันว่า ",
)
CLOSINGS = (
    "",
    "",
    " ครับ",
    " ค่ะ",
    " อยากให้แก้ไขโดยเร็ว",
    " เป็นปัญหามานานแล้ว",
    " ฝากหน่วยงานที่เกี่ยวข้องช่วยดูด้วย",
    " หลายคนในโต๊ะเห็นด้วย",
)
SHORT_FORMS = (
    ("โรงพยาบาล", "รพ."),
    ("ผู้สูงอายุ", "คนแก่"),
    ("หมู่บ้าน", "หมู่บ้านเรา"),
    ("ความดัน", "ความดันสูง"),
)


@dataclass(frozen=True)
class Labelled:
    text: str
    theme: str  # the answer key


@dataclass(frozen=True)
class IdeaFile:
    path: str
    ideas: list[Labelled]
    names: dict[str, str]  # tag -> the theme's name as the team types it

    @property
    def tags(self) -> list[str]:
        return list(dict.fromkeys(i.theme for i in self.ideas))

    def name(self, tag: str) -> str:
        return self.names.get(tag, tag)

    def with_tags_as_names(self) -> IdeaFile:
        return IdeaFile(self.path, self.ideas, {})

    def first(self, count: int) -> IdeaFile:
        """A slice of the file: its first `count` ideas."""
        return IdeaFile(self.path, self.ideas[:count], self.names)


def load(path: Path | None = None, names: Path | None = None) -> IdeaFile:
    """The file (default: the Phayao ideas, named by the shipped Phayao names)."""
    if path is None:
        path, names = PHAYAO_IDEAS, names or PHAYAO_NAMES
    data = json.loads(path.read_text(encoding="utf-8"))
    ideas = [Labelled(str(i["text"]), str(i["theme"])) for i in data["ideas"]]
    if not ideas:
        raise ValueError(f"{path} has no ideas")
    named = dict(data.get("names") or {})
    if names is not None:
        named |= json.loads(names.read_text(encoding="utf-8"))
    return IdeaFile(str(path), ideas, {str(k): str(v) for k, v in named.items()})


def variation(idea: Labelled, rng: random.Random) -> Labelled:
    """The idea as one table might write it down."""
    text = idea.text
    for long, short in SHORT_FORMS:
        if long in text and rng.random() < 0.3:
            text = text.replace(long, short, 1)
    text = rng.choice(LEAD_INS) + text + rng.choice(CLOSINGS)
    return Labelled(text[:500], idea.theme)


def variations(ideas: list[Labelled], count: int, rng: random.Random) -> list[Labelled]:
    """`count` ideas: every idea of the file in turn (so each theme keeps its share), each
    time varied; shuffled."""
    made = [variation(ideas[i % len(ideas)], rng) for i in range(count)]
    rng.shuffle(made)
    return made
