"""Which registry unit a file speaks for when its Mã đơn vị is blank or unknown.

Units do not always know their code; they always write their name, in their own way: «CĐCS
Công ty TNHH May Bàu Bàng», «Công đoàn cơ sở Công ty May Bàu Bàng», «cty may bau bang». Once
case, diacritics, spacing and the usual prefixes are folded away, a name that equals exactly
one registry unit's is that unit (UNIT_MATCHED_BY_NAME, a warning naming the match). Anything
less is not guessed: the officer is shown the likeliest units instead, ranked by rapidfuzz
(a maintained fuzzy-matching library; token order and small typos do not hide a unit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..textnorm import fold

# Words a unit's name may start with or leave out, folded; longest first.
_PREFIXES = sorted({
    "cong doan co so", "cd co so", "cdcs", "cong doan", "cd",
    "cong ty trach nhiem huu han mot thanh vien", "cong ty trach nhiem huu han",
    "cong ty tnhh mot thanh vien", "cong ty tnhh mtv", "cong ty tnhh", "cong ty co phan",
    "cong ty cp", "cty tnhh mtv", "cty tnhh", "cty cp", "cty", "cong ty",
    "doanh nghiep tu nhan", "dntn", "chi nhanh",
}, key=len, reverse=True)
_PREFIX = re.compile(r"^(?:(?:" + "|".join(re.escape(p) for p in _PREFIXES) + r")\b\s*)+")
# Ranked candidates shown when no unit is certain.
SHOWN = 3
_LIKELY = 70


def name_key(name: object) -> str:
    """A unit's name reduced to what identifies it: folded, the usual prefixes removed."""
    key = fold(name)
    stripped = _PREFIX.sub("", key).strip()
    return stripped or key


@dataclass(frozen=True)
class NameMatch:
    """The one unit a name equals once folded (`code`), or None with the likeliest ones."""

    code: str | None
    likeliest: tuple[tuple[str, str], ...] = ()


def match_unit(name: object, units: dict[str, str]) -> NameMatch:
    """The registry unit (`units`: code -> name) whose name is `name`, once both are folded."""
    key = name_key(name)
    if not key:
        return NameMatch(None)
    keys = {code: name_key(unit_name) for code, unit_name in units.items()}
    equal = [code for code, unit_key in keys.items() if unit_key == key]
    if len(equal) == 1:
        return NameMatch(equal[0])
    ranked = process.extract(key, keys, scorer=fuzz.token_sort_ratio, limit=SHOWN,
                             score_cutoff=_LIKELY)
    return NameMatch(None, tuple((code, units[code]) for _, _, code in ranked))


def likeliest_text(match: NameMatch) -> str:
    """The likeliest units as a finding says them, or "" when there are none."""
    if not match.likeliest:
        return ""
    shown = ", ".join(f"{code} ({name})" for code, name in match.likeliest)
    return f" Đơn vị có tên gần giống trong danh mục: {shown}."
