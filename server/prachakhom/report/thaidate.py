"""Dates, times and numbers as a Thai or English reader expects them: pure, no I/O.

Thai dates use the Buddhist Era (the common era plus 543) and Thai month names;
`thai_digits` writes ๐-๙ instead of 0-9, as some provincial offices require.
"""

from __future__ import annotations

import datetime as dt

BUDDHIST_ERA = 543
THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def thai_numerals(text: str) -> str:
    """Every ASCII digit in `text` as a Thai digit."""
    return text.translate(_TO_THAI)


def digits(text: str, language: str, thai_digits: bool) -> str:
    """`text` with Thai digits when the report is Thai and asks for them."""
    return thai_numerals(text) if thai_digits and language == "th" else text


def long_date(day: dt.date | str, language: str, thai_digits: bool = False) -> str:
    """'21 พฤศจิกายน 2569' (Buddhist Era) or '21 November 2026'."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    if language == "th":
        text = f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + BUDDHIST_ERA}"
        return digits(text, language, thai_digits)
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


def date_time(moment: dt.datetime | str, language: str, thai_digits: bool = False) -> str:
    """'21 พฤศจิกายน 2569 เวลา 20:54 น.' or '21 November 2026, 20:54', in the moment's zone."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    clock = f"{moment.hour:02d}:{moment.minute:02d}"
    if language == "th":
        text = f"{long_date(moment.date(), language)} เวลา {clock} น."
        return digits(text, language, thai_digits)
    return f"{long_date(moment.date(), language)}, {clock}"


def number(value: float, language: str, thai_digits: bool = False, places: int = 2) -> str:
    """10000000 -> '10,000,000'; 2.5 -> '2.5'; at most `places` decimals, no trailing zeros."""
    if float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.{places}f}".rstrip("0").rstrip(".")
    return digits(text, language, thai_digits)


def percent(share: float, language: str, thai_digits: bool = False) -> str:
    """A share from 0 to 1 as '45.5%' (one decimal, none when it is whole)."""
    return number(round(share * 100, 1), language, thai_digits, places=1) + "%"


def points(delta: float, language: str, thai_digits: bool = False) -> str:
    """A difference of two shares in percentage points, signed: '+25', '−15', '0'."""
    value = round(delta * 100, 1)
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return sign + number(abs(value), language, thai_digits, places=1)
