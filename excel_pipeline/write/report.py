"""tong-hop.json: the same facts as the workbook, for scripts (its keys: docs/domain.md, The
command and its outputs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..model import ACCEPTED, REJECTED, SUPERSEDED, Consolidation
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
        accepted = frame[status == ACCEPTED]
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
    with written_atomically(path, staging) as temp_name, \
            open(temp_name, "w", encoding="utf-8") as stream:
        json.dump(document, stream, ensure_ascii=False, indent=2, default=_default)
        stream.write("\n")
    return path


def plain(value: Any) -> Any:
    """A value as the JSON report writes it (dates as ISO text, numpy numbers as numbers)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=_default))


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)
