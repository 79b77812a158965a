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
