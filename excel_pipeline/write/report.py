"""tong-hop.json: the same facts as the workbook, for scripts (its keys: docs/domain.md, The
command and its outputs)."""

from __future__ import annotations

import json
from enum import StrEnum
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from ..model import REJECTED, SUPERSEDED, Consolidation
from ..template import CONSIDER, ROW_SHEETS, STATUS, UNIT
from .atomic import Staging, written_atomically


def build_report(c: Consolidation, workbook: Path, delivery: dict[str, Any] | None = None,
                 documents: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The JSON document as a dict (keys of docs/domain.md, The command and its outputs, plus a
    few extras: the registry's source, and `delivery`: the upward submission, feedback files
    and messages sent). `documents`
    (the Word documents, `{"kind", "path", "pdf"}`) is there only when some were made."""
    rows: dict[str, dict[str, int]] = {}
    # How files arrived by e-mail (`dhtt-merge receive`), on every file once any has it.
    mailed = any(r.received_at for r in c.files)
    units: dict[str, dict[str, int]] = {code: {} for code in c.registry.order}
    for spec in ROW_SHEETS:
        frame = c.sheets[spec.key]
        status = frame[STATUS]
        accepted = c.accepted(spec.key)  # the shared view, not a copy of its every column
        not_considered = int(accepted[CONSIDER].notna().sum())
        rows[spec.key] = {
            "read": len(frame),
            "accepted": len(accepted),
            "rejected": int((status == REJECTED).sum()),
            "superseded": int((status == SUPERSEDED).sum()),
            "not_considered": not_considered,
        }
        per_unit = accepted[UNIT].value_counts()
        for code in units:
            units[code][spec.key] = int(per_unit.get(code, 0))
    return {
        "campaign": c.campaign.id,
        "as_of": c.as_of.isoformat(),
        "example": c.example,
        "workbook": workbook.as_posix(),
        "files": [
            {"path": r.relpath, "sha256": r.sha256, "status": r.status, "unit": r.unit,
             "reason": r.reason, "role": r.role, "notes": r.notes,
             **({"received_at": r.received_at.isoformat() if r.received_at else None,
                 "sender": r.sender, "message_id": r.message_id, "subject": r.subject}
                if mailed else {})}
            for r in c.files
        ],
        "rows": rows,
        "findings": [f.to_dict() for f in c.findings],
        "allocation": c.allocation,
        "units": units,
        "registry": {"source": c.registry.source, "inferred": c.registry.inferred},
        "delivery": delivery or {},
        "changes": c.changes,
        **({"documents": documents} if documents is not None else {}),
    }


def write_report(c: Consolidation, path: Path, workbook: Path,
                 delivery: dict[str, Any] | None = None,
                 documents: list[dict[str, Any]] | None = None,
                 run: dict[str, Any] | None = None, staging: Staging | None = None) -> Path:
    """Write the JSON atomically (temporary file, then rename; with `staging`, with the run's
    other outputs). `run` is the run key and the digests of the outputs (`write.unchanged`),
    when the run may be reused."""
    document = build_report(c, workbook, delivery, documents)
    if run is not None:  # first: the next run reads its key without parsing the rest
        document = {"run": run, **document}
    # Bytes as they are made (orjson's are UTF-8 already): decoding 20 MB of findings to
    # write them as text, encoded again, took a fifth of a second.
    text = _orjson_text(document)
    if text is None:
        text = json.dumps(document, ensure_ascii=False, indent=2,
                          default=_default).encode("utf-8")
    with written_atomically(path, staging) as temp_name, open(temp_name, "wb") as stream:
        stream.write(text)
        stream.write(b"\n")
    return path


def plain(value: Any) -> Any:
    """A value as the JSON report writes it (dates as ISO text, numpy numbers as numbers), as
    reading the report back gives it: through orjson where it writes what json writes (the
    round trip of 45,000 findings took 0.7 s through json)."""
    text = _orjson_text(value, indent=False)
    if text is not None:
        return orjson.loads(text)
    return json.loads(json.dumps(value, ensure_ascii=False, default=_default))


# Floats that Python's json and orjson write alike: json writes repr's exponent form
# ("1e-05", "1e+16") outside this range, orjson its own ("1e-5", "1e16").
_SAME_FLOATS = (1e-4, 1e16)


# numpy's integers, as a frame's cells give them (orjson writes them with OPT_SERIALIZE_NUMPY
# as json writes their `item()`).
_NUMPY_INTS = frozenset({np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                         np.uint64})


def _orjson_text(value: Any, indent: bool = True) -> bytes | None:
    """`value` written by orjson (indented unless `indent` is False), where it writes the very
    bytes Python's json writes (`_orjson_writes_alike`); else None."""
    if not _orjson_writes_alike(value):
        return None
    try:
        return orjson.dumps(value, option=(orjson.OPT_INDENT_2 if indent else 0)
                            | orjson.OPT_SERIALIZE_NUMPY)
    except orjson.JSONEncodeError:  # text that is not Unicode (a lone surrogate)
        return None


def _orjson_writes_alike(value: Any) -> bool:
    """Whether orjson writes `value` to the byte as `json.dump(..., ensure_ascii=False,
    indent=2)` does: only dicts with text keys, lists, tuples, text, booleans, None, integers
    of 64 bits and finite floats without an exponent.
    Python's encoder, pure Python once indented, took seconds on 45,000 findings; anything
    else (a date, a numpy number: `_default`) is left to it. The document is looked at a
    level at a time, each level's values sorted by their type in one pass (45,000 findings
    are 405,000 values)."""
    level: list[Any] = [value]
    while level:
        below: list[Any] = []
        for kind in set(map(type, level)):
            if kind in _TEXT_LIKE:
                continue
            items: list[Any] = [item for item in level if type(item) is kind]
            if kind is dict:
                if not set(map(type, chain.from_iterable(items))) <= {str}:
                    return False
                below.extend(chain.from_iterable(map(dict.values, items)))
            elif kind is list or kind is tuple:
                below.extend(chain.from_iterable(items))
            elif kind is int or kind in _NUMPY_INTS:
                if not (min(items) >= -(1 << 63) and max(items) < 1 << 64):
                    return False
            elif kind is float or kind is np.float64:
                if not all(item - item == 0 and (not item or _LOW <= abs(item) < _HIGH)
                           for item in items):
                    return False
            elif not issubclass(kind, StrEnum):  # a StrEnum is its text to both
                return False
        level = below
    return True


# What both write alike whatever its value.
_TEXT_LIKE = frozenset({str, bool, type(None), np.bool_})
_LOW, _HIGH = _SAME_FLOATS


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)
