"""How long a text may be in a Word document, and the findings for the texts cut to fit.

A cell holds up to 32,767 characters, and a careless paste or a hostile file fills one: a
100,000-character name made a 330-page presidium list that took minutes to render. A document
prints a name, a position or a note on a line or two and an achievement summary in a paragraph,
so each text is cut to a sane length, ending in «…», and the cut is reported (TEXT_TRUNCATED)
at the cell it came from.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from ...findings import FINDING_TYPES, Finding
from ...ingest.frames import optional_text
from ...model import Consolidation
from ...template import BY_KEY, FILE, ROW, SHEET, UNIT
from ...textnorm import count
from ..upward import (
    conference_delegates,
    decided_here,
    forwarded_nominations,
    upward_delegates,
)
from .render import Template, template_xml

ELLIPSIS = "…"
# Characters kept of one text in a document: a paragraph for summaries, a line or two otherwise.
LONG = 2_000
SHORT = 300
# Context keys that hold a paragraph; every other text is a short one.
LONG_KEYS = frozenset({"tom_tat"})
# The placeholders of a list's items that print a unit's cell, and the column they print.
FIELD_COLUMNS: dict[str, dict[str, str]] = {
    "delegates": {"ho_ten": "full_name", "dan_toc": "ethnicity", "chuc_vu": "position",
                  "ghi_chu": "note"},
    "nominations": {"ten": "name", "chuc_vu": "position", "tom_tat": "summary"},
}


def cut(text: str, limit: int) -> str:
    """`text`, or its first characters and «…» in `limit` characters."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + ELLIPSIS


def bounded(value: Any, key: str = "") -> Any:
    """A document context with every text within its limit (lists and mappings walked)."""
    if isinstance(value, str):
        return cut(value, LONG if key in LONG_KEYS else SHORT if key else LONG)
    if isinstance(value, dict):
        return {name: bounded(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [bounded(item, key) for item in value]
    return value


def truncation_findings(c: Consolidation, templates: dict[str, Template]) -> list[Finding]:
    """TEXT_TRUNCATED for each cell a document of this run prints cut: only rows a list holds,
    only fields the template in use (shipped or edited) prints; one finding per cell."""
    used = {kind: _fields(template.path) for kind, template in templates.items()}
    printed: list[tuple[str, pd.DataFrame, set[str]]] = []
    if c.campaign.kind == "conference":
        delegates = c.accepted("delegates")
        presidium = delegates[delegates["presidium"].fillna(False).astype(bool)]
        printed += [("delegates", presidium, used.get("presidium", set())),
                    ("delegates", conference_delegates(c),
                     used.get("conference_delegates", set())),
                    ("delegates", upward_delegates(c), used.get("upward_delegates", set()))]
    # The same selections the documents print (`write.upward`): the proposal carries the forms
    # decided above, the decision and the certificates those decided here.
    printed += [("nominations", forwarded_nominations(c), used.get("proposal", set())),
                ("nominations", decided_here(c),
                 used.get("decision", set()) | used.get("certificates", set()))]
    found: dict[tuple[Any, ...], Finding] = {}
    for key, frame, fields in printed:
        spec = BY_KEY[key]
        for field, column in FIELD_COLUMNS[key].items():
            if field not in fields or column not in frame:
                continue
            limit = LONG if field in LONG_KEYS else SHORT
            for index, value in frame[column].items():
                if not isinstance(value, str) or len(value) <= limit:
                    continue
                row = frame.loc[index]
                header = spec.column(column).header
                where = (optional_text(row.get(FILE)), optional_text(row.get(SHEET)),
                         int(row[ROW]), header)
                found.setdefault(where, FINDING_TYPES["TEXT_TRUNCATED"].at(
                    c.campaign.severities,
                    {"unit": optional_text(row.get(UNIT)), "file": where[0], "sheet": where[1],
                     "row": where[2], "column": header, "value": cut(value, 60)},
                    variant="document", header=header, length=count(len(value)),
                    limit=count(limit)))
    return list(found.values())


def _fields(path: Path) -> set[str]:
    """The names a template's placeholders and loops use (`p.ho_ten` gives `ho_ten`)."""
    code = " ".join(re.findall(r"\{[{%](.*?)[}%]\}", template_xml(path), flags=re.S))
    return set(re.findall(r"[A-Za-z_]\w*", code))

