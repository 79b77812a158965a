"""Names on disk for what arrives by mail: a sender's data never becomes a path.

An attachment keeps its name as the unit gave it, made safe for Windows (the officer's
machine): no folder part, no forbidden character, no reserved device name, no trailing dot or
space, no leading dot (discovery would skip it as hidden) or «~$» (Excel's lock files), and
never the name of a file already there («DS đại biểu (2).xlsx»). A unit's folder is named from
the registry (code and name), never from the sender's address.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from ..textnorm import reserved_on_windows

UNKNOWN_FOLDER = "Chưa rõ đơn vị"
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# Room for the unit's folder and the inbox's path within Windows' 260 characters.
MAX_NAME = 120


def safe_part(text: str, fallback: str) -> str:
    """One path component from untrusted text."""
    text = unicodedata.normalize("NFC", text)
    text = " ".join(_FORBIDDEN.sub("_", text).split())
    text = text.lstrip(". ").removeprefix("~$").rstrip(". ")
    if reserved_on_windows(text):
        text = f"_{text}"
    return text or fallback


def safe_file_name(name: str) -> str:
    """An attachment's name, kept as far as it is safe: the last part of any path it carries,
    its extension kept when the name is shortened."""
    base = re.split(r"[/\\]", name)[-1]
    stem, suffix = os.path.splitext(base)
    suffix = _FORBIDDEN.sub("", suffix)[:10]
    stem = safe_part(stem, "tep-dinh-kem")[:MAX_NAME].rstrip(". ")
    return f"{stem}{suffix.lower() if suffix.isascii() else suffix}"


def unit_folder(code: str | None, name: str | None) -> str:
    """The folder of a registry unit («C01 - CĐCS Công ty A»), or the unknown senders' one."""
    if not code:
        return UNKNOWN_FOLDER
    label = f"{code} - {name}" if name and name != code else code
    return safe_part(label, UNKNOWN_FOLDER)[:MAX_NAME].rstrip(". ")


def free_path(folder: Path, name: str) -> Path:
    """`folder/name`, or «name (2)», «name (3)»… when a file of that name (in any letter case,
    as Windows compares them) is there already."""
    taken = {entry.name.casefold() for entry in folder.iterdir()} if folder.is_dir() else set()
    stem, suffix = os.path.splitext(name)
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem} ({number}){suffix}"
    return folder / candidate
