"""Legacy Vietnamese encodings: TCVN3 (ABC) and VNI-Windows text converted to NFC Unicode.

Before Unicode, provincial offices typed Vietnamese with 8-bit fonts: `.VnTime` and friends for
TCVN3, `VNI-Times` and friends for VNI-Windows. The workbook stores the font's byte values as
Latin-1 letters ("Céng hoµ x· héi chñ nghÜa ViÖt Nam"), so the text is only legible in that
font. The tables below are our own, built from the encodings' published layouts and tested
against well-known phrases; nothing here guesses an encoding from the text alone: the caller
knows it from the cell's font (see `legacy_fonts`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

Encoding = Literal["TCVN3", "VNI"]

# TCVN3 (TCVN 5712:1993, VN3 / "ABC"): one byte per letter. For each vowel the five tones
# come in the order grave, hook, tilde, acute, dot below.
_TCVN3_VOWELS = {
    "a": "µ¶·¸¹", "ă": "»¼½¾Æ", "â": "ÇÈÉÊË", "e": "ÌÎÏÐÑ", "ê": "ÒÓÔÕÖ", "i": "×ØÜÝÞ",
    "o": "ßáâãä", "ô": "åæçèé", "ơ": "êëìíî", "u": "ïñòóô", "ư": "õö÷øù", "y": "úûüýþ",
}
_TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # grave, hook, tilde, acute, dot
_TCVN3_LETTERS = {"¨": "ă", "©": "â", "ª": "ê", "«": "ô", "¬": "ơ", "\u00ad": "ư", "®": "đ",
                  "¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư", "§": "Đ"}


def _compose(letter: str, *marks: str) -> str:
    return unicodedata.normalize("NFC", letter + "".join(marks))


def _tcvn3_table() -> dict[int, str]:
    table = {ord(code): letter for code, letter in _TCVN3_LETTERS.items()}
    for vowel, codes in _TCVN3_VOWELS.items():
        for code, tone in zip(codes, _TONES, strict=True):
            table[ord(code)] = _compose(vowel, tone)
    return table


TCVN3_TABLE: dict[int, str] = _tcvn3_table()

# VNI-Windows: a base letter followed by a mark byte. Lower-case marks shown; the upper-case
# letters of the same bytes serve upper-case text.
_VNI_TONES = {"ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ù": "\u0301", "ï": "\u0323"}
_VNI_CIRCUMFLEX = {"â": "", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "á": "\u0301",
                   "ä": "\u0323"}
_VNI_BREVE = {"ê": "", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "é": "\u0301",
              "ë": "\u0323"}
# Single bytes that are whole letters: ơ, ư, đ, and the i/y forms that have no base letter.
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "ì": "ì", "í": "í", "æ": "ỉ", "ó": "ĩ", "ò": "ị",
               "î": "ỵ"}


def _vni_table() -> dict[str, str]:
    pairs: dict[str, str] = {}

    def add(base: str, mark: str, result: str) -> None:
        for b, m, r in ((base, mark, result), (base.upper(), mark.upper(), result.upper()),
                        (base.upper(), mark, result.upper())):
            pairs[b + m] = r

    for base in "aeouy":
        for mark, tone in _VNI_TONES.items():
            add(base, mark, _compose(base, tone))
    for base in "aeo":
        for mark, tone in _VNI_CIRCUMFLEX.items():
            add(base, mark, _compose(base, "\u0302", tone))
    for mark, tone in _VNI_BREVE.items():
        add("a", mark, _compose("a", "\u0306", tone))
    for base, letter in (("ô", "ơ"), ("ö", "ư")):
        for mark, tone in _VNI_TONES.items():
            add(base, mark, _compose(letter, tone))
    for code, letter in _VNI_SINGLE.items():
        pairs[code] = letter
        pairs[code.upper()] = letter.upper()
    return pairs


VNI_TABLE: dict[str, str] = _vni_table()
_VNI_PATTERN = re.compile("|".join(re.escape(key) for key in
                                   sorted(VNI_TABLE, key=len, reverse=True)))
# Letters of real Unicode Vietnamese that no legacy font byte produces: their presence means the
# cell was already Unicode (pasted text keeps the old font), so it is left alone.
_UNICODE_ONLY = re.compile("[\u0100-\u024f\u1e00-\u1eff\u0300-\u036f]")


def is_legacy_text(text: str) -> bool:
    """True when the text may hold legacy bytes: some Latin-1 letters, no Unicode-only letters."""
    return any("\u00a0" < ch <= "\u00ff" for ch in text) and not _UNICODE_ONLY.search(text)


def convert(text: str, encoding: Encoding, upper: bool = False) -> str:
    """Legacy text as NFC Unicode; `upper` for TCVN3 capital fonts (.VnTimeH), whose lower-case
    bytes are drawn as capitals. Text that is already Unicode comes back unchanged."""
    if not is_legacy_text(text):
        return text.upper() if upper and not _UNICODE_ONLY.search(text) else text
    if encoding == "TCVN3":
        result = text.translate(TCVN3_TABLE)
    else:
        result = _VNI_PATTERN.sub(lambda match: VNI_TABLE[match.group(0)], text)
    result = unicodedata.normalize("NFC", result)
    return result.upper() if upper else result


# Recognising legacy text whose font no longer says so (the officer changed it to Arial; the
# text still reads «NguyÔn V¨n An»). A cell is converted only when its words read as
# Vietnamese syllables after conversion clearly more than before: genuine Unicode («Thái»,
# «Tâm», which use only Latin-1 letters), English, other languages and numbers stay as typed.
_LATIN1_LETTER = re.compile("[\u00a1-\u00ff]")
_SYLLABLE = re.compile(
    "^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
    "(uyê|uya|uyu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|iêu|yêu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|ưa|ưi|ươ|ưu|uy|yê|"
    "[aăâeêioôơuưy])"
    "(ch|ng|nh|[cmnpt])?$")
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Converted words that must read as Vietnamese, and by how much more than the original.
_PLAUSIBLE, _BETTER_BY = 0.8, 0.3


_WORD = re.compile(r"[^\W\d_]+")


def vietnamese_share(text: str) -> float:
    """The share of the text's words that are Vietnamese syllables (at most one tone mark)."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    return sum(map(_is_syllable, words)) / len(words)


@lru_cache(maxsize=65536)
def _is_syllable(word: str) -> bool:
    """Whether a word is a Vietnamese syllable; names share their words, so each is judged once."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONE_MARKS)
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return tones <= 1 and _SYLLABLE.match(bare) is not None


def doubtful_texts(texts: list[str]) -> set[str]:
    """The texts worth looking at: some Latin-1 letter and no Unicode-only letter. Text with
    no Latin-1 letter (English, numbers) or with a Unicode-only letter (genuine Vietnamese)
    never is. Each distinct text is asked once (lists repeat positions, ethnicities, types)."""
    return {text for text in set(texts)
            if _LATIN1_LETTER.search(text) is not None and _UNICODE_ONLY.search(text) is None}


@lru_cache(maxsize=65536)
def read_as(text: str, encoding: Encoding) -> str | None:
    """`text` converted from `encoding` when the conversion reads as Vietnamese clearly more
    than the text did (see `vietnamese_share`), else None. Text that reads as Vietnamese
    already («Thái», «Tâm») cannot, and is not converted at all; names and positions repeat
    across a province's lists, so each text is judged once."""
    before = vietnamese_share(text)
    if before > 1 - _BETTER_BY:
        return None
    converted = convert(text, encoding)
    if converted == text:
        return None
    after = vietnamese_share(converted)
    if after >= _PLAUSIBLE and after >= before + _BETTER_BY:
        return converted
    return None
