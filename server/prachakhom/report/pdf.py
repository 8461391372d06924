"""The end-of-day report as a PDF, rendered from the export document alone.

`compose` turns the document into one HTML page: `sections` and `comparisons` say what
each section holds (pure, and cheap: the ledger is never read, only its count and
digest), and the Jinja2 templates in templates/ lay it out, every text escaped. `render`
draws a chart per question and lets WeasyPrint lay the page out. Pango shapes and breaks
the Thai text; the charts come shaped by matplotlib, as 200 dpi images (see charts.py for
why not SVG). Tables have fixed column widths: an automatic layout cost more than half
the time.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from prachakhom.paths import fonts_dir
from prachakhom.report import charts, sections
from prachakhom.report.formats import Progress
from prachakhom.report.labels import Words, words_for
from prachakhom.report.model import ExportDocument

FONT_FACES = {"Regular": 400, "Medium": 500, "SemiBold": 600, "Bold": 700}
CHART = "chart:"  # the scheme of the charts' URLs in the HTML


def render(doc: ExportDocument, language: str, progress: Progress) -> bytes:
    from weasyprint import HTML  # heavy: imported only when a PDF is asked for
    from weasyprint.text.fonts import FontConfiguration

    words = words_for(doc, language)
    questions = doc.questions
    total = len(questions) + 1
    pictures = {}
    for n, question in enumerate(questions):
        progress(n, total, question.id)
        pictures[question.id] = charts.jpeg(charts.draw(charts.chart_of(question, words)))
    progress(len(questions), total, "PDF")
    page = HTML(string=compose(doc, words), url_fetcher=fetcher(pictures))
    pdf: bytes = page.write_pdf(font_config=FontConfiguration())
    progress(total, total, "PDF")
    return pdf


def fetcher(pictures: dict[str, bytes]) -> Any:
    """Serves the charts (chart:<question id>) and the Sarabun files, and nothing else:
    a report never reaches the network or any other file, whatever its texts say."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    fonts = {uri for uri, _ in font_faces()}

    class Fetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith(CHART) and url[len(CHART) :] in pictures:
                image = pictures[url[len(CHART) :]]
                return URLFetcherResponse(url, image, {"Content-Type": "image/jpeg"})
            if url in fonts:
                return super().fetch(url, headers)
            raise ValueError(f"the report fetches nothing but its charts and fonts: {url:.80}")

    return Fetcher(fail_on_errors=True)


def compose(doc: ExportDocument, words: Words, with_charts: bool = True) -> str:
    """The whole report as HTML; each question's chart is the image chart:<question id>."""
    questions = [
        sections.question_page(n, question, doc, words)
        for n, question in enumerate(doc.questions, start=1)
    ]
    return (
        templates()
        .get_template("report.html")
        .render(
            w=words,
            title=words.text(doc.meeting.title),
            generator=doc.generator,
            fonts=font_faces(),
            digits="thai" if words.language == "th" and words.thai_digits else "decimal",
            front=sections.cover(doc, words),
            levels=sections.involvement(doc, words),
            questions=questions,
            back=sections.closing(doc, words),
            with_charts=with_charts,
            chart=CHART,
        )
    )


def part(macro: str, *args: Any) -> str:
    """One of templates/macros.html's pieces alone (a block, a table) as HTML."""
    found: Markup = getattr(templates().get_template("macros.html").module, macro)(*args)
    return str(found)


@cache
def templates() -> Environment:
    env = Environment(
        loader=PackageLoader("prachakhom.report", "templates"),
        autoescape=True,  # every text of a meeting is escaped, whatever it says
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_string"] = css_string
    return env


def font_faces() -> list[tuple[str, int]]:
    """(file URI, weight) of each Sarabun face the report uses."""
    folder = fonts_dir()
    return [((folder / f"Sarabun-{name}.ttf").as_uri(), w) for name, w in FONT_FACES.items()]


def css_string(text: str) -> Markup:
    """A CSS string literal, for the page counters' words inside <style>."""
    quoted = text.replace("\\", "\\\\").replace("'", "\\'").replace("<", "\\3c ")
    return Markup(f"'{quoted}'")
