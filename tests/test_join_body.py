"""POST /api/join's body, read in one pass (core/auth.decode_join): a code, or no code
that could be one (counted as a wrong code by the route), or broken JSON (refused)."""

from __future__ import annotations

import pytest

from prachakhom.core import auth
from prachakhom.core.errors import Code, PrachakhomError


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'{"code": "ab-cd ef"}', "ab-cd ef"),
        (b'{"code": "ABCDEF", "also": 1}', "ABCDEF"),  # other fields ignored, as ever
        (b'{"code": ""}', ""),
        (b'{"code": "' + b"A" * auth.MAX_CODE + b'"}', "A" * auth.MAX_CODE),
    ],
)
def test_a_code_is_read(raw: bytes, code: str) -> None:
    assert auth.decode_join(raw) == code


@pytest.mark.parametrize(
    "raw",
    [
        b'{"code": "' + b"A" * (auth.MAX_CODE + 1) + b'"}',  # no code of ours is so long
        b'{"code": 123456}',
        b'{"code": null}',
        b"{}",
        b'["ABCDEF"]',
        b'"ABCDEF"',
    ],
)
def test_what_holds_no_code_reads_as_none(raw: bytes) -> None:
    assert auth.decode_join(raw) is None


@pytest.mark.parametrize("raw", [b"{code: ABCDEF}", b"[1, 2", b"", b"\xff\xfe"])
def test_broken_json_is_refused(raw: bytes) -> None:
    with pytest.raises(PrachakhomError) as refused:
        auth.decode_join(raw)
    assert refused.value.code == Code.BAD_MESSAGE
    assert refused.value.message == "the request body is not valid JSON"
