"""Standard output and error that never fail to encode, on any Windows console code page.

A message in Vietnamese written to a console or file whose encoding lacks some of its letters
(cp1258, cp1252, cp437) would raise UnicodeEncodeError and end the run with a traceback. Output
that is redirected to a file or a pipe is written as UTF-8, which keeps every letter; output to
a console keeps the console's encoding and spells each letter it cannot show as close as it
can: decomposed into letter and tone mark where the code page has both (cp1258), else without
the marks, else "?".
"""

from __future__ import annotations

import codecs
import functools
import gettext
import os
import sys
import unicodedata
from importlib import resources


def errors_for(encoding: str) -> str:
    """The name of a codec error handler that writes what `encoding` lacks as near as it can.
    One per encoding: a code page's error names its codec "charmap", not the code page."""
    name = f"dhtt-nearest-{codecs.lookup(encoding).name}"
    try:
        codecs.lookup_error(name)
    except LookupError:
        codecs.register_error(name, functools.partial(nearest, encoding=encoding))
    return name


def nearest(error: UnicodeError, encoding: str) -> tuple[str, int]:
    """The codec error handler: the unencodable characters as near as `encoding` allows."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    spelled = []
    for char in error.object[error.start:error.end]:
        spelled.append(next((form for form in _spellings(char) if _encodes(form, encoding)),
                            "?"))
    return "".join(spelled), error.end


def _spellings(char: str) -> list[str]:
    """Ways to write a letter, nearest first: its vowel with the tone mark apart (ễ as ê and a
    combining tilde, as Windows' Vietnamese code page stores it), fully decomposed, the vowel
    without its tone, the bare letter."""
    decomposed = unicodedata.normalize("NFD", char)
    tones = "".join(c for c in decomposed if c in _TONES)
    vowel = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    return [form for form in (vowel + tones, decomposed, vowel, bare) if form]


# Vietnamese tone marks: grave, acute, tilde, hook above, dot below.
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def make_streams_safe() -> None:
    """Redirected output in UTF-8; console output in its own encoding, never failing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            if stream.isatty():
                reconfigure(errors=errors_for(stream.encoding))
            else:
                reconfigure(encoding="utf-8", errors="replace")
        except (OSError, ValueError):  # a closed or unusual stream: leave it as it is
            continue


MESSAGES_DOMAIN = "dhtt_merge"


def use_vietnamese_messages() -> None:
    """Make click speak Vietnamese: it asks gettext for every text it shows (usage lines,
    option lists, errors), and gettext answers from our catalogue (`locale/vi`, compiled from
    its .po by `python -m tests.messages`). The catalogue is chosen by the process's LANGUAGE,
    which an officer's Windows does not set; users see Vietnamese only, so this process says
    "vi" whatever the machine's language."""
    folder = resources.files("excel_pipeline").joinpath("locale")
    gettext.bindtextdomain(MESSAGES_DOMAIN, str(folder))
    gettext.textdomain(MESSAGES_DOMAIN)
    os.environ["LANGUAGE"] = "vi"
