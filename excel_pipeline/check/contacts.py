"""Where each unit's feedback may be e-mailed: the registry's Email, else its accepted file's.

A file only has to claim a unit's code to be read, so an address typed in a file cannot be
trusted the way the registry is: a superseded or rejected file, or one attached to the unit by
its name alone (UNIT_MATCHED_BY_NAME), never gives the address. When the accepted file names
another address than the registry, the registry's wins and EMAIL_CHANGED says so.
"""

from __future__ import annotations

import pandas as pd

from ..findings import FINDING_TYPES, Finding
from ..model import ACCEPTED, FileRecord, Registry
from ..template import CELLS, FILE_ID, INFO, SHEET


def unit_contacts(info: pd.DataFrame, files: list[FileRecord], registry: Registry,
                  matched_by_name: set[str],
                  severities: dict) -> tuple[dict[str, str], list[Finding]]:
    """(unit code -> address, EMAIL_CHANGED findings). `info`: the validated info rows (an
    invalid Email is already cleared); `matched_by_name`: files whose unit came from its name."""
    trusted = {record.file_id: record for record in files
               if record.status == ACCEPTED and record.unit
               and record.relpath not in matched_by_name}
    contacts: dict[str, str] = {}
    if not registry.inferred:
        contacts = {code: unit.email for code, unit in registry.units.items() if unit.email}
    findings: list[Finding] = []
    # Only the columns looked at: a frame's dates made into Timestamps one by one cost
    # more than everything else here at a thousand units.
    wanted = [column for column in (FILE_ID, SHEET, "email", CELLS) if column in info.columns]
    for row in info[wanted].to_dict("records"):
        record = trusted.get(int(row[FILE_ID]))
        typed = row.get("email")
        if record is None or not isinstance(typed, str) or not typed.strip():
            continue
        code, typed = str(record.unit), typed.strip()
        known = contacts.get(code)
        if known is None:
            contacts[code] = typed
        elif known.casefold() != typed.casefold():
            cells = row.get(CELLS)
            findings.append(FINDING_TYPES["EMAIL_CHANGED"].at(
                severities,
                {"unit": code, "file": record.relpath, "sheet": str(row[SHEET]),
                 "row": cells.get("email") if isinstance(cells, dict) else None,
                 "column": INFO.column("email").header, "value": typed},
                typed=typed, known=known))
    return contacts, findings
