"""The sheets about the meeting as a whole: the summary, how far people were involved,
ideas, themes and the ledger. Pure: a document and a language in, `Table`s out."""

from __future__ import annotations

from typing import Any

from msgspec import UNSET

from prachakhom.core.questions import text_in
from prachakhom.report.document import involvement_of
from prachakhom.report.model import LedgerEntry
from prachakhom.report.tables import (
    IDEA_KEYS,
    INVOLVEMENT_KEYS,
    LEDGER_KEYS,
    STYLES,
    THEME_KEYS,
    Cell,
    Column,
    Doc,
    Row,
    Table,
    header,
    iso_time,
    label,
    make_table,
    to_json,
)

# --- the summary --------------------------------------------------------------------


def summary(doc: Doc, language: str) -> Table:
    meeting, attendance = doc.meeting, doc.attendance
    audit = doc.audit
    items: list[tuple[str, Cell]] = [
        (label("meeting", language), text_in(meeting.title, language)),
        (label("meeting_id", language), meeting.id),
        (label("date", language), meeting.date),
        (label("eligible", language), attendance.eligible),
        (label("tables", language), attendance.tables),
        (label("tables_reporting", language), attendance.tables_reporting),
        (label("seats_voting", language), attendance.seats_voting),
        (label("most_hands", language), attendance.most_hands),
    ]
    for site in attendance.sites:
        name = text_in(site.name, language)
        items += [
            (f"{name}: {label('tables_reporting', language)}", site.tables_reporting),
            (f"{name}: {label('seats_voting', language)}", site.seats_voting),
        ]
    items += [
        (label("questions", language), len(doc.questions)),
        (label("idea_total", language), len(doc.ideas)),
        (label("theme_total", language), len(doc.themes)),
        (label("min_group", language), doc.min_group),
        (label("ledger_entries", language), doc.ledger.count),
        (label("digest", language), doc.ledger.digest),
        (label("audit", language), label("audit_ok" if audit.ok else "audit_failed", language)),
    ]
    wrong = [r.question for r in audit.questions if not r.match]
    if wrong:
        items.append((label("audit_mismatch", language), ", ".join(wrong)))
    items += [
        (label("generated_at", language), doc.generated_at),
        (label("generator", language), doc.generator),
        (label("schema", language), doc.schema),
    ]
    rows: list[Row] = [{"item": item, "value": value} for item, value in items]
    return make_table("summary", label("summary", language), ("item", "value"), rows, language)


# --- how far people were involved -------------------------------------------------


def involvement(doc: Doc, language: str) -> Table:
    """One row per level of the IAP2 spectrum, least to most, and one for questions with
    no level: how many questions, their ids, and their prompts (one a line)."""
    found = involvement_of(doc)
    prompts = {q.id: text_in(q.definition.prompt, language) for q in doc.questions}

    def row(step: int | None, level: str | None, name: str, ids: list[str]) -> Row:
        return {
            "step": step,
            "iap2_level": level,
            "level_name": name,
            "question_count": len(ids),
            "question_ids": ", ".join(ids),
            "question_titles": "\n".join(prompts[i] for i in ids),
        }

    rows = [
        row(lv.step, lv.level, label(f"iap2.{lv.level}", language), lv.questions)
        for lv in found.levels
    ]
    if found.not_set:
        rows.append(row(None, None, label("not_set", language), found.not_set))
    title = (label("involvement_title", language),)
    name = label("involvement", language)
    return make_table("involvement", name, INVOLVEMENT_KEYS, rows, language, title)


# --- ideas and themes -----------------------------------------------------------------


def ideas(doc: Doc, language: str) -> Table:
    site_names = {s.id: text_in(s.name, language) for s in doc.meeting.sites}
    filed: dict[str, list[str]] = {}
    for theme in doc.themes:
        for idea_id in theme.ideas:
            filed.setdefault(idea_id, []).append(text_in(theme.label, language))
    rows: list[Row] = []
    for idea in doc.ideas:
        site = None if idea.site is UNSET else idea.site
        rows.append(
            {
                "id": idea.id,
                "round": None if idea.round is UNSET else idea.round,
                "table": idea.table,
                "site_name": site_names.get(site or "", site),
                "at": iso_time(idea.at),
                "text": idea.text,
                "theme": "; ".join(filed.get(idea.id, [])) or None,
            }
        )
    return make_table("ideas", label("ideas", language), IDEA_KEYS, rows, language)


def themes(doc: Doc, language: str) -> Table:
    texts = {i.id: i.text for i in doc.ideas}
    rows: list[Row] = [
        {
            "id": theme.id,
            "theme": text_in(theme.label, language),
            "idea_count": theme.idea_count,
            "table_count": theme.tables,
            "at": None if theme.at is UNSET else iso_time(theme.at),
            "idea_texts": "\n".join(texts[i] for i in theme.ideas if i in texts),
        }
        for theme in doc.themes
    ]
    return make_table("themes", label("themes", language), THEME_KEYS, rows, language)


# --- the ledger -----------------------------------------------------------------------


def ledger(doc: Doc, language: str) -> Table:
    """Every ledger entry, ballots and events, each field in its column (JSON where the
    value is structured), so the sheet holds the whole audit trail."""
    yes, no = label("yes", language), label("no", language)
    rows = [_ledger_row(entry, yes, no) for entry in doc.ledger.entries]
    columns = tuple(Column(k, header(k, language), STYLES.get(k, "text")) for k in LEDGER_KEYS)
    return Table("ledger", label("ledger", language), columns, rows)


def _ledger_row(entry: LedgerEntry, yes: str, no: str) -> list[Cell]:
    at = iso_time(entry.at)
    if entry.type == "ballot":
        return [
            entry.n,
            "ballot",
            at,
            _cell(entry.question),
            _cell(entry.voter),
            yes if entry.hands else no,
            _cell(entry.table),
            _cell(entry.status),
            to_json(entry.answer),
            to_json(entry.contribution),
            _cell(entry.weight),
            _cell(entry.receipt),
            None,
            None,
            entry.prev,
            entry.hash,
        ]
    event = entry.event or {}
    return [
        entry.n,
        entry.type,
        at,
        _event_question(event),
        None,
        None,
        _event_table(event),
        None,
        None,
        None,
        None,
        None,
        _cell(entry.seq),
        to_json(event),
        entry.prev,
        entry.hash,
    ]


def _cell(value: Cell | Any) -> Cell:
    """A field a ledger entry may lack, as an empty cell when it does."""
    return None if value is UNSET else value


def _event_question(event: dict[str, Any]) -> str | None:
    found = event.get("question")
    if isinstance(found, dict):
        found = found.get("id")
    return found if isinstance(found, str) else None


def _event_table(event: dict[str, Any]) -> int | None:
    idea = event.get("idea")
    table = idea.get("table") if isinstance(idea, dict) else None
    return table if isinstance(table, int) else None
