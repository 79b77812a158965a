"""How names read on the printed page: bodies' names kept whole on their line in the header
block, and an abbreviated name in capitals («LĐLĐ TỈNH BÌNH DƯƠNG») written out in running text
(«Liên đoàn Lao động tỉnh Bình Dương»), as Nghị định 30/2020/NĐ-CP, Phụ lục I has names of
bodies in text. Pure functions on strings."""

from __future__ import annotations

import re

NBSP = "\u00a0"

# Words that open the place part of a body's name: the place is never split over two lines
# («HUYỆN BÀU / BÀNG»).
_PLACES = ("THÀNH PHỐ", "THỊ XÃ", "THỊ TRẤN", "HUYỆN", "TỈNH", "QUẬN", "PHƯỜNG", "XÃ")
# Words of a body's name printed together («KHEN / THƯỞNG» is never split).
_PHRASES = ("LIÊN ĐOÀN", "LAO ĐỘNG", "CÔNG ĐOÀN", "THI ĐUA", "KHEN THƯỞNG", "THƯỜNG VỤ",
            "HỘI ĐỒNG", "VIỆT NAM", "ỦY BAN", "UỶ BAN", "NHÂN DÂN", "CÔNG TY")
_PLACE = re.compile(r"\b(" + "|".join(_PLACES) + r")( [^ –-]+)+$")

# Abbreviations of bodies' names, written out in running text (their usual spellings).
_ABBREVIATIONS = {
    "TỔNG LĐLĐ": "Tổng Liên đoàn Lao động",
    "LĐLĐ": "Liên đoàn Lao động",
    "CĐCS": "Công đoàn cơ sở",
    "CĐ": "Công đoàn",
    "UBND": "Ủy ban nhân dân",
    "HĐTĐKT": "Hội đồng Thi đua – Khen thưởng",
    "BTV": "Ban Thường vụ",
}
# Words that keep their capital inside a name in sentence case (proper names of bodies).
_CAPITALISED = {"liên": "Liên", "lao": "Lao", "công": "Công", "thi": "Thi", "khen": "Khen",
                "thường": "Thường", "việt": "Việt", "nam": "Nam"}
_LEVELS = ("thành phố", "thị xã", "thị trấn", "huyện", "tỉnh", "quận", "phường", "xã")


def kept_whole(name: str) -> str:
    """A body's name (in capitals, for the header block) with non-breaking spaces where a line
    must not break: inside its place («HUYỆN BÀU BÀNG») and inside the words of its kind
    («LIÊN ĐOÀN», «KHEN THƯỞNG»)."""
    text = name
    for phrase in _PHRASES:
        text = text.replace(phrase, phrase.replace(" ", NBSP))
    return _PLACE.sub(lambda match: match.group(0).replace(" ", NBSP), text)


def in_running_text(name: str) -> str:
    """A body's name as running text writes it: abbreviations written out, and a name typed
    in capitals put in sentence case with its place capitalised («LĐLĐ TỈNH BÌNH DƯƠNG» →
    «Liên đoàn Lao động tỉnh Bình Dương»). A name already in mixed case is kept as typed."""
    if not name.strip():
        return ""
    letters = [char for char in name if char.isalpha()]
    shouting = all(char.isupper() for char in letters)
    for short, full in _ABBREVIATIONS.items():
        if name.upper().startswith(short + " ") or name.upper() == short:
            name = full + name[len(short):]
            break
    if not shouting:
        return name
    lowered = name.lower()
    for level in _LEVELS:  # the place after the level word: each word capitalised
        found = re.search(r"\b" + level + r" (.+)$", lowered)
        if found:
            place = " ".join(word[:1].upper() + word[1:] for word in found.group(1).split())
            lowered = lowered[:found.start(1)] + place
            break
    head, *rest = lowered.split(" ")
    return " ".join([head[:1].upper() + head[1:], *(_CAPITALISED.get(word, word)
                                                    for word in rest)])
