"""Every string the PDF report and the charts print, in Thai and English: one catalogue.

Terms follow the browser apps' catalogues (clients/i18n), so a facilitator reads the
same words on the tablet and in the report. `Words` binds a language and the digit
style; numbers passed to it are written as the report writes numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..iap2 import NAMES
from ..questions import Text, text_in
from . import thaidate

CATALOGUE: dict[str, tuple[str, str]] = {
    # the title page
    "report": ("รายงานสรุปผลเวทีประชาคม", "End-of-day report"),
    "date": ("วันที่", "Date"),
    "sites": ("สถานที่จัด", "Sites"),
    "attendance": ("ผู้เข้าร่วม", "Attendance"),
    "site": ("สถานที่", "Site"),
    "tables": ("จำนวนโต๊ะ", "Tables"),
    "tables_reporting": ("โต๊ะที่ส่งผล", "Tables reporting"),
    "seats_voting": ("ที่นั่งที่ลงคะแนน", "Seats that voted"),
    "eligible": ("ที่นั่งทั้งหมด", "Eligible seats"),
    "turnout": ("สัดส่วนผู้ลงคะแนน", "Turnout"),
    "all_sites": ("รวมทุกสถานที่", "All sites"),
    "most_hands": (
        "นับจากการยกมือที่โต๊ะ สูงสุด {n} คนในคำถามเดียว",
        "Counted by show of hands at tables: up to {n} people on one question",
    ),
    "generated": ("จัดทำเมื่อ {when} ด้วย {generator}", "Generated {when} by {generator}"),
    "contents": ("สารบัญ", "Contents"),
    # how far people were involved (iap2.py has the levels' names)
    "involvement": (
        "ระดับการมีส่วนร่วมของประชาชน (IAP2)",
        "How far people were involved (IAP2 spectrum)",
    ),
    "involvement_level": ("ระดับ", "Level"),
    "involvement_count": ("จำนวนคำถาม", "Questions"),
    "involvement_questions": ("คำถาม", "Which questions"),
    "involvement_not_set": ("ไม่ได้กำหนดระดับ", "No level marked"),
    "involvement_about": (
        "ระดับตามกรอบการมีส่วนร่วมของประชาชนของสมาคมระหว่างประเทศเพื่อการมีส่วนร่วมของประชาชน"
        " (IAP2) เรียงจากน้อยไปมาก ตามที่ผู้จัดกำหนดให้แต่ละคำถาม",
        "The levels of the IAP2 spectrum of public participation, from least to most, as"
        " the organiser marked each question.",
    ),
    "involvement_none": (
        "ผู้จัดไม่ได้กำหนดระดับการมีส่วนร่วมให้คำถามใด",
        "The organiser marked no question with a level of participation.",
    ),
    "iap2_kicker": ("ระดับการมีส่วนร่วม: {level}", "Participation: {level}"),
    **{f"iap2.{level}": names for level, names in NAMES.items()},
    "themes_and_ledger": ("ประเด็นจากโต๊ะ และบันทึกการลงคะแนน", "Themes and the ledger"),
    "page": ("หน้า", "Page"),
    "of": ("จาก", "of"),
    # a question
    "question_n": ("คำถามที่ {n}", "Question {n}"),
    "kind.single": ("เลือกหนึ่งข้อ", "Single choice"),
    "kind.multiple": ("เลือกได้หลายข้อ", "Multiple choice"),
    "kind.ranked": ("จัดอันดับ", "Ranking"),
    "kind.points": ("แจกคะแนน", "Dot voting"),
    "kind.scale": ("มาตรวัด", "Scale"),
    "kind.budget": ("จัดสรรงบประมาณ", "Participatory budget"),
    "kind.demographic": ("ข้อมูลผู้เข้าร่วม", "About the participants"),
    "voters_line": (
        "ลงคะแนน {n} จาก {eligible} คน · โต๊ะส่งผล {tables} จาก {total} โต๊ะ",
        "{n} of {eligible} voted · {tables} of {total} tables reported",
    ),
    "state.open": (
        "คำถามนี้ยังเปิดรับคำตอบอยู่ขณะจัดทำรายงาน",
        "This question was still open when the report was made.",
    ),
    "state.draft": ("คำถามนี้ยังไม่ได้เปิดให้ลงคะแนน", "This question was never opened."),
    "no_answers": ("ยังไม่มีคำตอบ", "No answers"),
    "more_options": (
        "อีก {n} ตัวเลือกไม่ได้แสดงในแผนภูมิ ดูได้ในตาราง",
        "{n} more options are not shown in this chart: see the table.",
    ),
    "rank": ("อันดับ", "Rank"),
    "option": ("ตัวเลือก", "Option"),
    "share": ("สัดส่วน", "Share"),
    "unit.votes": ("เสียง", "Votes"),
    "unit.approvals": ("เสียงสนับสนุน", "Approvals"),
    "unit.points": ("คะแนน", "Points"),
    "unit.borda": ("คะแนนบอร์ดา", "Borda points"),
    "unit.irv": ("เสียงในรอบสุดท้าย", "Votes, last round"),
    "unit.schulze": ("ชนะตัวเลือกอื่น", "Options beaten"),
    "unit.voters": ("จำนวนคน", "Voters"),
    "baht": ("{n} บาท", "{n} baht"),
    "cost": ("งบประมาณ (บาท)", "Cost (baht)"),
    "funded": ("ได้รับงบ", "Funded"),
    "not_funded": ("ไม่ได้รับงบ", "Not funded"),
    "budget_line": (
        "ได้รับงบ {n} โครงการ · ใช้ {spent} จาก {budget} บาท",
        "{n} projects funded · {spent} of {budget} baht spent",
    ),
    "value": ("ระดับ", "Value"),
    "mean": ("ค่าเฉลี่ย", "Mean"),
    "median": ("มัธยฐาน", "Median"),
    "mean_median": ("ค่าเฉลี่ย {mean} · มัธยฐาน {median}", "Mean {mean} · median {median}"),
    "in_room": ("ในที่ประชุม", "In the room"),
    "target": ("เป้าหมาย", "Target"),
    "gap": ("ส่วนต่าง (จุด)", "Gap (points)"),
    "targets_hint": (
        "สัดส่วนของแต่ละกลุ่มในที่ประชุม เทียบกับสัดส่วนเป้าหมาย ส่วนต่างติดลบแปลว่ากลุ่มนั้นมาน้อยกว่าเป้าหมาย",
        "Each group's share of the room against its target share;"
        " a negative gap means the group is under-represented.",
    ),
    # how it was counted
    "method": ("วิธีนับ", "Method"),
    "about.single": (
        "ผู้ลงคะแนนเลือกได้หนึ่งข้อ นับจำนวนเสียงของแต่ละตัวเลือก",
        "Each voter picks one option; the votes are counted.",
    ),
    "about.multiple": (
        "ผู้ลงคะแนนเลือกได้ไม่เกิน {max} ข้อ แต่ละข้อที่เลือกนับหนึ่งเสียง",
        "Approval voting: each voter picks up to {max} options; each pick counts one.",
    ),
    "about.points": (
        "ผู้ลงคะแนนแต่ละคนแจกคะแนน {points} คะแนนให้ตัวเลือกที่สนับสนุน",
        "Dot voting: each voter spreads {points} points over the options they support.",
    ),
    "about.scale": (
        "ผู้ลงคะแนนเลือกระดับตั้งแต่ {min} ถึง {max}",
        "Each voter picks a value from {min} to {max}.",
    ),
    "about.budget": (
        "ผู้ลงคะแนนเลือกโครงการที่รวมกันไม่เกินงบ {budget} บาท จากนั้นเรียงโครงการตามเสียง"
        "สนับสนุน และให้งบแต่ละโครงการถ้างบที่เหลือยังพอ",
        "Each voter approves projects that fit a budget of {budget} baht. Projects are then"
        " taken in order of approvals, and each is funded if its cost fits in the money left.",
    ),
    "about.demographic": (
        "ข้อมูลผู้เข้าร่วม ใช้แยกผลของคำถามอื่นเป็นกลุ่ม ไม่มีการเปิดเผยคำตอบรายบุคคล",
        "Who was in the room: used to break the other results down by group."
        " No one's own answer is shown.",
    ),
    "about.borda": (
        "นับแบบบอร์ดา: อันดับแรกได้ {max} คะแนน อันดับถัดไปได้น้อยลงทีละหนึ่งคะแนน",
        "Borda count: a first choice earns {max} points, the next one point less, and so on.",
    ),
    "about.irv": (
        "นับแบบคัดออกทีละรอบ (IRV): ตัวเลือกที่ได้เสียงน้อยที่สุดถูกคัดออกทีละรอบ จนมีตัวเลือกที่ได้เสียงเกินครึ่ง",
        "Instant runoff (IRV): the option with the fewest votes is eliminated round by"
        " round, until one option has more than half.",
    ),
    "about.schulze": (
        "นับแบบชูลท์เซอ: เปรียบเทียบตัวเลือกทีละคู่ ตัวเลือกที่ชนะตัวเลือกอื่นได้มากกว่าอยู่อันดับสูงกว่า",
        "Schulze: every pair of options is compared; an option ranks higher the more"
        " other options it beats.",
    ),
    "method.borda": ("บอร์ดา", "Borda"),
    "method.irv": ("คัดออกทีละรอบ (IRV)", "Instant runoff (IRV)"),
    "method.schulze": ("ชูลท์เซอ", "Schulze"),
    "other_methods": ("เทียบกับวิธีนับอื่น", "Other counting methods"),
    "winner": ("อันดับแรก", "Winner"),
    "order": ("ลำดับต้น ๆ", "Top of the order"),
    "shown": ("วิธีที่ใช้ในรายงาน", "the method of this report"),
    "methods_agree": (
        "ทุกวิธีนับได้อันดับแรกและลำดับต้น ๆ ตรงกัน",
        "Every method gives the same winner and the same top of the order.",
    ),
    "methods_same_winner": (
        "ทุกวิธีนับได้อันดับแรกตรงกัน แต่ลำดับถัดมาต่างกัน",
        "Every method gives the same winner, but the order below it differs.",
    ),
    "methods_differ": (
        "แต่ละวิธีนับได้อันดับแรกไม่ตรงกัน ผู้จัดเลือกวิธีนับไว้ล่วงหน้าแล้ว",
        "The methods do not agree on the winner; the organiser chose the method in advance.",
    ),
    # groups and sites
    "by_group": ("แยกตามกลุ่ม: {name}", "By group: {name}"),
    "by_site": ("แยกตามสถานที่", "By site"),
    "n_voters": ("{n} คน", "{n} voters"),
    "suppressed": (
        "กลุ่มที่มีน้อยกว่า {n} คนซ่อนไว้เพื่อความเป็นส่วนตัว: {groups}",
        "Groups with fewer than {n} voters are hidden to protect privacy: {groups}",
    ),
    "all_suppressed": (
        "ทุกกลุ่มมีน้อยกว่า {n} คน จึงซ่อนผลแยกกลุ่มไว้เพื่อความเป็นส่วนตัว",
        "Every group has fewer than {n} voters, so the breakdown is hidden to protect privacy.",
    ),
    "hidden": ("ซ่อน", "hidden"),
    "not_grouped": (
        "อีก {n} คนไม่อยู่ในกลุ่มใด (ไม่ได้ตอบคำถามนี้ หรือนับจากการยกมือ)",
        "{n} more are in no group (they did not answer, or were counted by show of hands).",
    ),
    # before and after
    "compare": ("ก่อนและหลังพูดคุย", "Before and after deliberation"),
    "compared_with": (
        "เทียบกับคำตอบของคำถามที่ {n} ซึ่งถามก่อนพูดคุย",
        "Compared with the answers to question {n}, asked before deliberation.",
    ),
    "pre": ("ก่อนพูดคุย", "Before"),
    "post": ("หลังพูดคุย", "After"),
    "change": ("เปลี่ยนไป (จุด)", "Change (points)"),
    "paired_scale": (
        "ในผู้ที่ตอบทั้งสองครั้ง {n} คน: ตอบสูงขึ้น {up} คน ต่ำลง {down} คน เท่าเดิม {same} คน",
        "Of the {n} people who answered both times, {up} moved up, {down} moved down"
        " and {same} gave the same answer.",
    ),
    "paired_single": (
        "ในผู้ที่ตอบทั้งสองครั้ง {n} คน: เปลี่ยนคำตอบ {changed} คน ตอบเหมือนเดิม {same} คน",
        "Of the {n} people who answered both times, {changed} changed their answer"
        " and {same} kept it.",
    ),
    "transition": ("{before} → {after}: {n} คน", "{before} → {after}: {n}"),
    "wilcoxon_none": (
        "ไม่มีใครเปลี่ยนคำตอบ จึงไม่มีการเปลี่ยนแปลงให้ทดสอบ",
        "Nobody changed their answer, so there is no shift to test.",
    ),
    "wilcoxon": (
        "การทดสอบวิลคอกซันแบบจับคู่ (Wilcoxon signed-rank, {method}) ได้ค่า {p}:"
        " ถ้าการพูดคุยไม่ได้ทำให้ความเห็นเปลี่ยน การเปลี่ยนแปลงมากเท่านี้จะเกิดขึ้นโดยบังเอิญ"
        "ราว {odds}",
        "The Wilcoxon signed-rank test ({method}) gives {p}: if deliberation had"
        " changed nothing, a shift this large would happen by chance about {odds}.",
    ),
    "odds": ("1 ครั้งใน {n} ครั้ง", "1 time in {n}"),
    "odds_often": ("ครึ่งหนึ่งของครั้งหรือบ่อยกว่านั้น", "half the time or more"),
    "wilcoxon_real": (
        "จึงถือได้ว่าความเห็นเปลี่ยนไป{direction}จริง (มีนัยสำคัญที่ระดับ 5%)",
        "So the answers really moved {direction} (significant at the 5% level).",
    ),
    "wilcoxon_chance": (
        "จึงยังสรุปไม่ได้ว่าความเห็นเปลี่ยนไปจริง อาจเป็นความบังเอิญ",
        "So this could be chance: the test does not show a real change.",
    ),
    "up": ("ในทางสูงขึ้น", "up"),
    "down": ("ในทางต่ำลง", "down"),
    "exact": ("คำนวณแบบแม่นตรง", "exact"),
    "normal": ("ประมาณด้วยการแจกแจงปกติ", "normal approximation"),
    # themes, ideas, the ledger
    "themes": ("ประเด็นจากโต๊ะ", "Themes from the tables"),
    "ideas_count": (
        "ความคิดเห็นทั้งหมด {n} ข้อ จาก {tables} โต๊ะ จัดกลุ่มเป็น {themes} ประเด็น",
        "{n} ideas were sent from {tables} tables and filed under {themes} themes.",
    ),
    "theme_line": (
        "ยกขึ้นมาจาก {tables} โต๊ะ · {ideas} ความคิดเห็น",
        "Raised at {tables} tables · {ideas} ideas",
    ),
    "sample_ideas": ("ตัวอย่างความคิดเห็นจากโต๊ะ", "Sample ideas from the tables"),
    "no_themes": ("ยังไม่ได้จัดกลุ่มความคิดเห็นเป็นประเด็น", "No themes were filed."),
    "ledger": ("บันทึกการลงคะแนน", "The ledger"),
    "ledger_about": (
        "ทุกบัตรลงคะแนน การเปลี่ยนคะแนน และการเปิดปิดคำถาม ถูกบันทึกเรียงตามลำดับ"
        " แต่ละรายการผนึกด้วยค่าแฮชของรายการก่อนหน้า ตัวบันทึกเองอยู่ในไฟล์ JSON ที่ส่งออก"
        " ไม่ได้พิมพ์ไว้ในรายงานนี้",
        "Every ballot, every change and every question event is recorded in order, each"
        " entry sealed with the hash of the one before. The ledger itself is in the JSON"
        " export; it is not printed in this report.",
    ),
    "ledger_entries": ("จำนวนรายการในบันทึก", "Entries in the ledger"),
    "digest": ("ค่าแฮช SHA-256 สุดท้าย", "Final SHA-256 digest"),
    "audit_ok": (
        "ผลนับสดตรงกับการนับใหม่จากบันทึกทุกคำถาม",
        "The live tallies match a recount of the ledger for every question.",
    ),
    "audit_failed": (
        "ผลนับสดของคำถามต่อไปนี้ไม่ตรงกับการนับใหม่จากบันทึก: {ids}",
        "The live tallies of these questions differ from a recount of the ledger: {ids}",
    ),
    "verify": (
        "ผู้ที่มีไฟล์ JSON ที่ส่งออกตรวจสอบได้ด้วยคำสั่ง {command} ซึ่งคำนวณสายแฮชและนับคะแนน"
        "ทุกคำถามใหม่ ค่าแฮชสุดท้ายต้องตรงกับค่าข้างบน",
        "Anyone holding the JSON export can check it with {command}: it recomputes the hash"
        " chain and recounts every question, and the final digest must equal the one above.",
    ),
}


@dataclass(frozen=True)
class Words:
    """The catalogue in one language, numbers written in the report's digits."""

    language: str = "th"
    thai_digits: bool = False

    def __call__(self, key: str, **values: Any) -> str:
        thai, english = CATALOGUE[key]
        template = thai if self.language == "th" else english
        return template.format(**{k: self.value(v) for k, v in values.items()})

    def value(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        return self.number(value)

    def number(self, value: float, places: int = 2) -> str:
        return thaidate.number(value, self.language, self.thai_digits, places)

    def percent(self, share: float) -> str:
        return thaidate.percent(share, self.language, self.thai_digits)

    def points(self, delta: float) -> str:
        return thaidate.points(delta, self.language, self.thai_digits)

    def digits(self, text: str) -> str:
        return thaidate.digits(text, self.language, self.thai_digits)

    def text(self, value: Text) -> str:
        return text_in(value, self.language)

    def date(self, day: str) -> str:
        return thaidate.long_date(day, self.language, self.thai_digits)

    def moment(self, when: str) -> str:
        return thaidate.date_time(when, self.language, self.thai_digits)


def words_for(doc: dict[str, Any], language: str) -> Words:
    return Words(language, bool(doc.get("report", {}).get("thai_digits", False)))
