"""File names for per-unit outputs, one per unit by construction.

A unit code is whatever a registry or a submitted file says, so two codes may read alike once
made safe for a file system (`.BB01` and `BB01`, `a/b` and `a:b`, `bb01` and `BB01` on a
case-insensitive disk), or be a name Windows reserves (`CON`, `LPT1.x`). Were two units given the
same name, one unit's feedback would overwrite, or be sent as, the other's. A code is used as it
is only when it is plainly safe; otherwise its safe form carries a short hash of the exact code.
The stems never hold a space, so «STEM - file (đánh dấu).xlsx» can never be another unit's stem.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from ..textnorm import reserved_on_windows

# Characters a plain stem may hold: letters, digits, `_`, `-` and `.` (not at either end).
_PLAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*$")
_NOT_PLAIN = re.compile(r"[^\w.-]")
# Characters of the code kept in a stem: with the hash, at most 49, so that a marked copy's
# name («STEM - tệp (đánh dấu).xlsx») stays within 255 bytes of UTF-8.
STEM_LIMIT = 40
_HASH_LENGTHS = (8, 16, 64)


def unit_stems(codes: Iterable[str]) -> dict[str, str]:
    """Each code's file stem: distinct for distinct codes, even ignoring case."""
    stems = {code: _stem(code, 0) for code in codes}
    for level in range(1, len(_HASH_LENGTHS)):
        seen: dict[str, list[str]] = {}
        for code, stem in stems.items():
            seen.setdefault(stem.casefold(), []).append(code)
        # In a clash the first plain code keeps its name (BB01 stays BB01 whatever else came).
        clashes = [code for group in seen.values() if len(group) > 1
                   for code in group if code != _keeper(group, stems)]
        if not clashes:
            break
        for code in clashes:
            stems[code] = _stem(code, level, force=True)
    return stems


def _keeper(group: list[str], stems: dict[str, str]) -> str | None:
    plain = sorted(code for code in group if stems[code] == code)
    return plain[0] if plain else None


def _stem(code: str, level: int, force: bool = False) -> str:
    text = unicodedata.normalize("NFC", code)
    if not force and text == code and len(code) <= STEM_LIMIT and _PLAIN.match(code) \
            and not reserved_on_windows(code):
        return code
    safe = _NOT_PLAIN.sub("_", text)[:STEM_LIMIT].strip("._") or "_"
    if reserved_on_windows(safe):
        safe = f"_{safe}"
    digest = hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{safe}-{digest[:_HASH_LENGTHS[level]]}"
