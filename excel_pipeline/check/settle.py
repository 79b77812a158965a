"""What is considered, decided once, before any check reads a row.

Which file speaks for which unit, which files are rejected or superseded and which rows fail
their cells is `check.consolidate`'s; this stage adds the last exclusion: a dossier sent after
its level's deadline, whose nominations a campaign does not consider («không xét», the rule of
the Điện Biên year-end guidance of 2020, docs/domain.md). Every check after it (`check.rules`,
`check.ledger`, `allocate.quotas`) reads `Consolidation.considered`, so none can judge a row
this stage set aside; and no finding of the earlier stages is left on such a row.

Pure: read files in, a frozen `Consolidation` out; the inputs are left as they were.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from ..campaign import Campaign
from ..ingest.arrivals import arrival_days
from ..model import (
    ACCEPTED,
    Consolidation,
    FileRecord,
    LateDossier,
    ReadFile,
    Registry,
    accepted_first,
)
from ..template import CONSIDER, FILE, FILE_ID, ROW, SHEET, STATUS, UNIT
from .consolidate import merge_inbox

NOT_CONSIDERED_LATE = "Không xét (nộp muộn)"


def settle(read_files: list[ReadFile], campaign: Campaign, as_of: dt.date,
           registry_file: ReadFile | None = None) -> Consolidation:
    """The files read, merged, and every row's fate settled: accepted and considered, accepted
    but not considered (with its reason in `_consider`), rejected or superseded."""
    merged = merge_inbox(read_files, campaign, as_of, registry_file)
    late = late_dossiers(merged.info, merged.registry, merged.files)
    not_considered = set(late) if campaign.late_nominations_not_considered else set()
    sheets = {key: accepted_first(_mark(key, frame, not_considered))
              for key, frame in merged.sheets.items()}
    set_aside = _rows_set_aside(merged.sheets.get("nominations"), not_considered)
    findings = tuple(f for f in merged.findings
                     if f.row is None or (f.file, f.sheet, f.row) not in set_aside)
    return replace(merged, sheets=sheets, late=late, findings=findings)


def late_dossiers(info: pd.DataFrame, registry: Registry,
                  files: tuple[FileRecord, ...] = ()) -> dict[str, LateDossier]:
    """Units of the accepted files sent after their level's deadline. A file taken from the
    mailbox (`dhtt-merge receive`) is judged by the day its message arrived (in Vietnam): the
    server's arrival is evidence, the typed «Ngày gửi báo cáo» a claim."""
    arrivals = arrival_days(files)
    late: dict[str, LateDossier] = {}
    for row in info.to_dict("records"):
        code = str(row["unit_code"])
        unit = registry.units.get(code)
        typed = row.get("submitted_on")
        arrived = arrivals.get(int(row[FILE_ID]))
        day = arrived or (None if typed is None or pd.isna(typed)
                          else pd.Timestamp(typed).date())
        if unit is None or day is None:
            continue
        deadline = unit.level.dossier_deadline
        if deadline is not None and day > deadline:
            late[code] = LateDossier(code, day, deadline, by_mail=arrived is not None)
    return late


def _mark(key: str, frame: pd.DataFrame, late_units: set[str]) -> pd.DataFrame:
    """The sheet with its `_consider` column: missing for a considered row, the reason for an
    accepted nomination of a late unit."""
    consider = pd.Series(pd.NA, index=frame.index, dtype="string")
    if key == "nominations" and late_units:
        late = (frame[STATUS] == ACCEPTED) & frame[UNIT].isin(sorted(late_units))
        consider[late.fillna(False).astype(bool)] = NOT_CONSIDERED_LATE
    return frame.assign(**{CONSIDER: consider})


def _rows_set_aside(nominations: pd.DataFrame | None,
                    late_units: set[str]) -> set[tuple[str, str, int]]:
    """(file, sheet, Excel row) of every nomination row of a unit whose nominations are not
    considered: no finding may be left on them, whatever stage raised it."""
    if nominations is None or not late_units:
        return set()
    rows = nominations[nominations[UNIT].isin(sorted(late_units)).fillna(False).astype(bool)]
    return {(str(file), str(sheet), int(row))
            for file, sheet, row in zip(rows[FILE], rows[SHEET], rows[ROW], strict=True)}
