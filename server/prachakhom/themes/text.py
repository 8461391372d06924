"""Words of an idea: Thai word segmentation (PyThaiNLP, offline) and the checks on text.

`has_words` is cheap and runs at the socket; `words` loads PyThaiNLP on first use and
runs in the worker processes only.
"""

from __future__ import annotations

import os
from functools import cache

from prachakhom.core.protocol import has_words

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")  # never write ~/pythainlp-data


@cache
def _stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    english = {"the", "a", "an", "and", "or", "of", "to", "in", "for", "is", "are", "on", "we"}
    return frozenset(thai_stopwords()) | english


def words(text: str) -> list[str]:
    """The idea's content words, in order: segmented, lower-cased, without stop words,
    punctuation and single characters."""
    from pythainlp.tokenize import word_tokenize

    stop = _stopwords()
    out = []
    for token in word_tokenize(text, engine="newmm", keep_whitespace=False):
        word = token.strip().lower()
        if len(word) > 1 and word not in stop and has_words(word):
            out.append(word)
    return out
