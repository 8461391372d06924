"""One chart per question, drawn with matplotlib in the Sarabun font.

`chart_of` reads a question of the export document into a `Chart` (pure); `draw`
makes the figure. Thai is shaped by matplotlib's own text layout (libraqm): tone marks
over upper vowels, marks shifted off tall letters, ญ and ฐ without their tails over a
lower vowel. The SVG files keep each glyph as a path, so they look the same on every
machine, Sarabun installed or not. The PDF takes the charts as images: WeasyPrint's SVG
text drops Thai tone marks, and its SVG paths drew ten charts' glyphs in seconds.

Options are drawn as horizontal bars with the label above each bar, so long Thai
labels need no narrow margin; a scale is drawn as columns, one per value.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from msgspec import UNSET

from prachakhom.core.resulttypes import Comparison
from prachakhom.paths import fonts_dir
from prachakhom.report.formats import Progress
from prachakhom.report.labels import Words, words_for
from prachakhom.report.model import (
    ExportDocument,
    QuestionRecord,
    costs_of,
    options_of,
    scale_labels,
)

WIDTH = 6.7  # inches: the text width of an A4 page with the report's margins
PNG_DPI = 150
PRINT_DPI = 200
INK, MUTED, RULE = "#1d2b3a", "#5b6b7b", "#c9d2db"
MAIN, LIGHT, OFF, TARGET = "#2f5d8a", "#9db8d3", "#b8c4cf", "#b5542b"
LABEL_CHARS = 95  # visible characters of a label on one line across the chart
LABEL_ROW, BAR_ROW, LEGEND = 0.32, 0.2, 0.3  # inches
MAX_BODY = 8.0  # inches of bars at most: with its heading, a chart fits on an A4 page
MANY_COLUMNS = 12  # more scale values than this: fewer labels, no numbers on top
NOTE_CHAR = 0.072  # inches: a 9 pt character of a note, a little wider than most
UNITS = {"points": "points", "multiple": "approvals", "budget": "approvals", "scale": "voters"}


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[float, ...]
    notes: tuple[str, ...]
    strong: bool = True  # False: drawn muted (a project that was not funded)
    target: float | None = None


@dataclass(frozen=True)
class Chart:
    shape: str  # "bars" (an option a row) or "columns" (a scale value a column)
    rows: tuple[Bar, ...]
    series: tuple[str, ...] = ()  # names for a legend when a row has several values
    title: str = ""
    subtitle: str = ""
    legend: tuple[tuple[str, str], ...] = field(default=())  # (colour, text) extras
    footnote: str = ""  # under the chart: the rows left out of a long chart


def mark(ch: str) -> bool:
    """A Thai vowel or tone mark written above or below its letter (most have
    combining class 0, so `unicodedata.combining` does not tell)."""
    return unicodedata.category(ch) == "Mn"


def visible(text: str) -> int:
    """How many characters take room on the line: marks above and below do not."""
    return sum(1 for ch in text if not mark(ch))


def clip(text: str, width: int) -> str:
    """`text` cut to `width` visible characters with '…', never inside a Thai cluster."""
    text = " ".join(text.split())
    if visible(text) <= width:
        return text
    count, cut = 0, 0
    for i, ch in enumerate(text):
        if not mark(ch):
            if count == width - 1:
                cut = i
                break
            count += 1
    head = text[:cut]
    space = head.rfind(" ")
    if space > cut * 0.7:
        head = head[:space]
    return head.rstrip() + "…"


def wrap(text: str, width: int, lines: int = 3) -> str:
    """`text` broken at spaces into lines of at most `width` visible characters."""
    out: list[str] = []
    for word in " ".join(text.split()).split(" "):
        if out and visible(out[-1]) + 1 + visible(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = [*out[: lines - 1], clip(" ".join(out[lines - 1 :]), width)]
    return "\n".join(clip(line, width) for line in out)


def unit_of(question: QuestionRecord) -> str:
    """The catalogue key of what a question's bars measure."""
    results = question.results
    if results.compare or results.targets:
        return "share"
    if question.kind == "ranked":
        return f"unit.{results.method}"
    return f"unit.{UNITS.get(question.kind, 'votes')}"


def chart_of(question: QuestionRecord, words: Words, titled: bool = False) -> Chart:
    """What to draw for a question of the export document."""
    results = question.results
    if results.compare:
        chart = _compare(question, results.compare, words)
    elif question.kind == "scale":
        chart = _scale(question, words)
    elif question.kind == "demographic" and results.targets:
        chart = _targets(question, results.targets, words)
    else:
        chart = _ranking(question, words)
    most = int(MAX_BODY / _row_inches(chart))
    if chart.shape == "bars" and len(chart.rows) > most:  # a chart must fit on a page
        left_out = words("more_options", n=len(chart.rows) - most)
        chart = replace(chart, rows=chart.rows[:most], footnote=left_out)
    if not titled:
        return chart
    voters = words("results.n_voters", n=results.voters)
    return replace(
        chart,
        title=wrap(words.text(question.definition.prompt), 70),
        subtitle=f"{voters} · {words(unit_of(question))}",
    )


def _ranking(question: QuestionRecord, words: Words) -> Chart:
    results = question.results
    funded = None if results.funded is UNSET else results.funded
    costs = costs_of(question.definition)
    rows = []
    for row in results.ranking or []:
        note = f"{words.number(row.score)} · {words.percent(row.share)}"
        strong = funded is None or row.option in funded
        if funded is not None:
            note += " · " + words("control.baht", n=costs.get(row.option, 0))
        label = clip(words.text(row.label), LABEL_CHARS)
        rows.append(Bar(label, (row.score,), (note,), strong))
    legend = ((MAIN, words("funded")), (OFF, words("not_funded"))) if funded is not None else ()
    return Chart("bars", tuple(rows), legend=legend)


def _targets(question: QuestionRecord, targets: dict[str, float], words: Words) -> Chart:
    rows = []
    for row in question.results.ranking or []:
        target = targets.get(row.option)
        note = words.percent(row.share)
        if target is not None:
            note += f" ({words('target')} {words.percent(target)})"
        label = clip(words.text(row.label), LABEL_CHARS)
        rows.append(Bar(label, (row.share,), (note,), target=target))
    return Chart("bars", tuple(rows), legend=((TARGET, words("target")),))


def scale_ticks(values: list[str]) -> set[str]:
    """The scale values that get a label under their column: all of a short scale; the
    ends and round numbers of a long one (0, 10, 20, ... 100)."""
    if len(values) <= MANY_COLUMNS:
        return set(values)
    step = next(s for s in (2, 5, 10, 20, 25, 50) if len(values) / s <= MANY_COLUMNS)
    first, last = int(values[0]), int(values[-1])
    inside = {
        v for v in values if int(v) % step == 0 and first + step / 2 <= int(v) <= last - step / 2
    }
    return inside | {values[0], values[-1]}


def _value_label(question: QuestionRecord, value: str, shown: set[str], words: Words) -> str:
    labels = scale_labels(question.definition)
    label = words.digits(value) if value in shown or value in labels else ""
    if value in labels:
        label += "\n" + wrap(words.text(labels[value]), 16, lines=2)
    return label


def _scale(question: QuestionRecord, words: Words) -> Chart:
    histogram = question.results.histogram or {}
    shown = scale_ticks(list(histogram))
    rows = [
        Bar(_value_label(question, value, shown, words), (count,), (words.number(count),))
        for value, count in histogram.items()
    ]
    return Chart("columns", tuple(rows))


def _compare(question: QuestionRecord, compare: Comparison, words: Words) -> Chart:
    pre, post = compare.pre.shares, compare.post.shares
    series = (
        f"{words('results.pre')} ({words('results.n_voters', n=compare.pre.voters)})",
        f"{words('results.post')} ({words('results.n_voters', n=compare.post.voters)})",
    )
    rows = []
    if compare.kind == "scale":
        shown = scale_ticks(list(post))
        for value in post:
            shares = (pre.get(value, 0.0), post[value])
            label = _value_label(question, value, shown, words)
            rows.append(Bar(label, shares, tuple(words.percent(s) for s in shares)))
        return Chart("columns", tuple(rows), series)
    names = {o.id: o.label for o in options_of(question.definition)}
    for option in post:
        shares = (pre.get(option, 0.0), post[option])
        label = clip(words.text(names.get(option, option)), LABEL_CHARS)
        rows.append(Bar(label, shares, tuple(words.percent(s) for s in shares)))
    return Chart("bars", tuple(rows), series)


@lru_cache(maxsize=8)
def font(size: float, weight: str = "Regular") -> FontProperties:
    return FontProperties(fname=str(fonts_dir() / f"Sarabun-{weight}.ttf"), size=size)


def _colours(chart: Chart) -> tuple[str, ...]:
    return (LIGHT, MAIN) if len(chart.series) == 2 else (MAIN,)


def draw(chart: Chart) -> Figure:
    """The chart as a matplotlib figure (no pyplot: safe in the server's worker threads)."""
    title = _title_inches(chart)
    key = LEGEND if chart.series or chart.legend else 0.0
    foot = (0.08 if chart.shape == "bars" else 0.62) + (0.3 if chart.footnote else 0)
    body = _row_inches(chart) * max(1, len(chart.rows)) if chart.shape == "bars" else 2.4
    height = title + key + body + foot
    fig = Figure(figsize=(WIDTH, height))
    ax = fig.add_axes((0.005, foot / height, 0.99, body / height))
    (_bars if chart.shape == "bars" else _columns)(ax, chart)
    for spine in ax.spines.values():
        spine.set_visible(False)
    _heading(fig, chart, height)
    _legend(fig, chart, 1 - title / height)
    if chart.footnote:
        fig.text(0.005, 0.06 / height, chart.footnote, color=MUTED, fontproperties=font(9))
    return fig


def _row_inches(chart: Chart) -> float:
    return LABEL_ROW + BAR_ROW * max(1, len(chart.series))


def _title_inches(chart: Chart) -> float:
    if not chart.title:
        return 0.04
    return 0.28 * (chart.title.count("\n") + 1) + (0.32 if chart.subtitle else 0.12)


def _heading(fig: Figure, chart: Chart, height: float) -> None:
    if not chart.title:
        return
    top = 1 - 0.08 / height
    fig.text(0.005, top, chart.title, va="top", color=INK, fontproperties=font(13, "SemiBold"))
    if chart.subtitle:
        lines = chart.title.count("\n") + 1
        y = top - (0.28 * lines + 0.04) / height
        fig.text(0.005, y, chart.subtitle, va="top", color=MUTED, fontproperties=font(9.5))


def _legend(fig: Figure, chart: Chart, top: float) -> None:
    handles = [Patch(color=c, label=s) for c, s in zip(_colours(chart), chart.series, strict=False)]
    handles += [Patch(color=c, label=s) for c, s in chart.legend]
    if handles:
        fig.legend(
            handles=handles, loc="upper left", bbox_to_anchor=(0.0, top), ncols=len(handles),
            frameon=False, prop=font(9), labelcolor=MUTED, handlelength=1.2, borderaxespad=0.2,
        )  # fmt: skip


def _bars(ax: Any, chart: Chart) -> None:
    """An option a row: its label on a line of its own, then one bar per series."""
    unit = _row_inches(chart)
    label_part, bar_part = LABEL_ROW / unit, BAR_ROW / unit
    top = max((v for row in chart.rows for v in row.values), default=0) or 1
    widest = max((visible(n) for row in chart.rows for n in row.notes), default=0)
    room = min(0.6, (widest * NOTE_CHAR + 0.15) / WIDTH)  # the notes right of the longest bar
    ax.set_xlim(0, top / (1 - room))
    ax.set_ylim(max(1, len(chart.rows)), 0)
    ax.set_xticks([])
    ax.set_yticks([])
    colours = _colours(chart)
    for i, row in enumerate(chart.rows):
        y = i + label_part * 0.82
        ax.text(0, y, row.label, va="baseline", color=INK, fontproperties=font(10))
        for j, (value, note) in enumerate(zip(row.values, row.notes, strict=True)):
            y = i + label_part + j * bar_part
            colour = colours[j % len(colours)] if row.strong else OFF
            ax.barh(y, value, height=bar_part * 0.78, align="edge", color=colour)
            ax.text(
                value + top * 0.012, y + bar_part * 0.39, note, va="center", color=MUTED,
                fontproperties=font(9),
            )  # fmt: skip
        if row.target is not None:
            y0 = i + label_part - bar_part * 0.12
            ax.plot([row.target] * 2, [y0, y0 + bar_part * 1.02], color=TARGET, lw=2.2)


def _columns(ax: Any, chart: Chart) -> None:
    """A value a column; each series side by side, its number on top."""
    k = max(1, len(chart.series))
    width = 0.8 / k
    top = max((v for row in chart.rows for v in row.values), default=0) or 1
    colours = _colours(chart)
    for i, row in enumerate(chart.rows):
        for j, (value, note) in enumerate(zip(row.values, row.notes, strict=True)):
            x = i - 0.4 + width * (j + 0.5)
            ax.bar(x, value, width=width * 0.9, color=colours[j % len(colours)])
            if not value or len(chart.rows) > MANY_COLUMNS:
                continue  # a row of "0" over empty columns is noise; so are crowded notes
            ax.text(
                x, value + top * 0.02, note, ha="center", va="bottom", color=MUTED,
                fontproperties=font(9),
            )  # fmt: skip
    ax.set_ylim(0, top * 1.18)
    ax.set_yticks([])
    ax.set_xticks(range(len(chart.rows)))
    names = ax.set_xticklabels([r.label for r in chart.rows], fontproperties=font(10), color=INK)
    if len(names) > 5:  # the ends' labels would stick out of the figure
        names[0].set_horizontalalignment("left")
        names[-1].set_horizontalalignment("right")
    ax.set_xlim(-0.5, len(chart.rows) - 0.5)
    ax.tick_params(axis="x", length=0, pad=4)
    ax.axhline(0, color=RULE, lw=0.8)


def svg(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=PNG_DPI, facecolor="white")
    return out.getvalue()


def jpeg(fig: Figure, dpi: int = PRINT_DPI) -> bytes:
    """For the PDF: WeasyPrint embeds a JPEG as it is, but decodes and re-encodes a PNG
    (twice, alpha apart), which cost more than the rest of the PDF's images. At this
    resolution and quality, without chroma subsampling, text stays crisp."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=92, subsampling=0)
    return out.getvalue()


def chart_name(n: int, question: QuestionRecord, suffix: str) -> str:
    return f"{n:02d}-{question.id}.{suffix}"


def _zip(doc: ExportDocument, language: str, progress: Progress, suffix: str) -> bytes:
    words = words_for(doc, language)
    save = png if suffix == "png" else svg
    questions = doc.questions
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, question in enumerate(questions, start=1):
            progress(n - 1, len(questions), question.id)
            image = save(draw(chart_of(question, words, titled=True)))
            archive.writestr(chart_name(n, question, suffix), image)
    progress(len(questions), len(questions), suffix.upper())
    return out.getvalue()


def render_png(doc: ExportDocument, language: str, progress: Progress) -> bytes:
    return _zip(doc, language, progress, "png")


def render_svg(doc: ExportDocument, language: str, progress: Progress) -> bytes:
    return _zip(doc, language, progress, "svg")
