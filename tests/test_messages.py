"""Users see Vietnamese only: click's own texts come from our catalogue, and no help page or
usual error of the real command shows English."""

from __future__ import annotations

import gettext
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_file

from tests.messages import MO, catalogue, compiled

# Words click, Python or a library would show in English; none of them is Vietnamese.
ENGLISH = re.compile(
    r"\b(usage|options?|error|missing|argument|arguments|show|message|exit|the|and|for|"
    r"try|help|invalid|value|required|default|such|command|commands|path|integer|text|"
    r"choice|file|directory|aborted|did|you|mean|got|unexpected|extra|traceback|exception|"
    r"version|not|does|exist|is)\b", re.IGNORECASE)
# Words of ours that an English scan would take for English: option names, file endings, the
# names of the commands (what the user types: `dhtt-merge ledger show`).
OURS = re.compile(r"--[a-z-]+|-h\b|\.(xlsx|toml|json|eml)\b|dhtt-merge|"
                  r"\b(ledger|import|show|export|allocate|templates|campaigns|documents)\b")


def click_texts() -> set[str]:
    """Every text the installed click asks gettext for, found as a translator's tool finds it."""
    found: set[str] = set()
    folder = Path(click.__file__).parent
    for source in folder.glob("*.py"):
        for _, message, _, _ in extract_from_file(
                "python", str(source), keywords={"_": None, "ngettext": (1, 2)}):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_the_compiled_catalogue_is_the_po_file():
    """Compared text by text (not byte by byte: the .mo's header names babel's version)."""
    shipped = gettext.GNUTranslations(io.BytesIO(MO.read_bytes()))
    fresh = gettext.GNUTranslations(io.BytesIO(compiled()))
    for message in catalogue():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for count in (1, 2):
                assert shipped.ngettext(*message.id, count) == fresh.ngettext(*message.id, count), \
                    "run: python -m tests.messages"
        else:
            assert shipped.gettext(message.id) == fresh.gettext(message.id), \
                "run: python -m tests.messages"


def test_every_text_of_the_installed_click_is_translated_with_its_placeholders():
    messages = {m.id[0] if isinstance(m.id, tuple) else m.id: m for m in catalogue() if m.id}
    untranslated = sorted(text for text in click_texts()
                          if text not in messages or not messages[text].string)
    assert untranslated == []
    problems = [(message.id, errors) for message, errors in catalogue().check()]
    assert problems == []


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("LANGUAGE", None)
    return subprocess.run([sys.executable, "-m", "excel_pipeline", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def english_in(text: str) -> list[str]:
    return ENGLISH.findall(OURS.sub(" ", text))


@pytest.mark.parametrize("command", [[], ["tong-hop"], ["allocate"], ["templates"],
                                     ["campaigns"], ["documents"], ["ledger"], ["ledger", "import"],
                                     ["ledger", "show"], ["ledger", "export"], ["receive"]])
def test_every_help_page_is_vietnamese(command, tmp_path):
    result = run(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "Cách dùng:" in result.stdout and "Tùy chọn:" in result.stdout
    assert english_in(result.stdout) == [], result.stdout


@pytest.mark.parametrize("args", [
    ["--bogus"],                                  # no such option, with a suggestion
    ["allocate"],                                 # missing argument
    ["allocate", "x.xlsx", "--seats", "abc"],     # not a number
    ["allocate", "x.xlsx", "--seats", "3", "--method", "foo"],  # not a choice
    ["allocate", "x.xlsx"],                       # missing required option
    ["tong-hop", "a", "b"],                       # extra argument
    ["--as-of", "31/02/2025"],                    # not a date
    ["--campaign"],                               # option without its value
    ["campaigns", "khong-co"],                    # unknown preset
    ["khong-co-thu-muc"],                         # inbox that does not exist
])
def test_usual_mistakes_are_explained_in_vietnamese(args, tmp_path):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("Lỗi:") == 1
    assert english_in(result.stdout + result.stderr) == [], result.stderr
