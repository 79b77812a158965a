"""The records handed from one stage to the next, and nothing else.

ingest gives `ReadFile`s (a `FileRecord` and the recognised `RawForm`, `RawTable`s and legacy-font
`SheetConversion`s of one file); check, allocate and the rules fill a `Consolidation`; write and
deliver read it and add a `Delivery`; `pipeline.run` returns all of it as a `RunResult`.

Every stage imports this module and this module imports no stage: it sits just above the
contracts every stage reads (the campaign, the template, the findings), so the records can be
typed without any import pointing back up the flow.
"""

from __future__ import annotations

import datetime as dt
import sys
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .campaign import Campaign, Level
from .findings import Finding
from .template import CONSIDER, FILE_ID, ROW, STATUS, SheetSpec

if TYPE_CHECKING:
    # Imported where frames are made, not here: the read workers import this module, and
    # forked before pandas is loaded they read without it (`ingest.inbox`).
    import numpy as np
    import pandas as pd

# What a caller is told as files are read: (step, files done, files in all).
Progress = Callable[[str, int, int], None]


class FileStatus(StrEnum):
    """What became of an inbox file (and, for row sheets, of each of its rows)."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"
    SKIPPED = "skipped"


ACCEPTED, REJECTED, SUPERSEDED, SKIPPED = FileStatus
STATUS_LABELS = {ACCEPTED: "Được chấp nhận", REJECTED: "Bị loại", SUPERSEDED: "Bị thay thế",
                 SKIPPED: "Bỏ qua"}


class OutputKind(StrEnum):
    """What a workbook written by dhtt-merge is, as its custom document property `MARK` says.

    A run never takes its own outputs for a unit's data: a consolidated workbook or a feedback
    file found in an inbox is skipped; an upward file is a unit's submission to the level above,
    so it is read, but never from the run's own output folder."""

    CONSOLIDATED = "tong-hop"
    FEEDBACK = "phan-hoi"
    UPWARD = "gui-cap-tren"
    # A unit's own workbook copied back to it with its faulty cells marked: the unit fixes and
    # returns it, so it is read as a submission (unlike a feedback file), and the feedback
    # folder that holds it is still ours to write into.
    MARKED = "ban-danh-dau"


# The custom document property (File › Properties › Custom in Excel) that carries the mark.
MARK = "dhtt-merge"


class FileRole(StrEnum):
    """What an accepted file speaks for: a unit's submission, or the office's unit registry."""

    SUBMISSION = "submission"
    REGISTRY = "registry"


@dataclass
class FileRecord:
    """One inbox file and what became of it."""

    file_id: int
    relpath: str
    sha256: str | None = None
    size: int = 0
    mtime: float = 0.0
    status: FileStatus = ACCEPTED
    unit: str | None = None
    reason: str | None = None
    role: FileRole = FileRole.SUBMISSION
    sheets: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    submitted_on: dt.date | None = None
    # What the reader set aside and why (sheets not read, rows that are not people), for Nguồn.
    notes: list[str] = field(default_factory=list)
    # How the file arrived by e-mail, when `dhtt-merge receive` saved it (`ingest.arrivals`):
    # the server's arrival time (timezone-aware), the sender, the message's Message-ID and
    # subject (a unit's feedback answers that message).
    received_at: dt.datetime | None = None
    sender: str | None = None
    message_id: str | None = None
    subject: str | None = None
    # A list sent as a file of its own (a CSV or Word list) that completes another file of the
    # same unit (`check.submissions`): its rows are the unit's, its unit information is not.
    part_of: str | None = None

    def reject(self, reason: str) -> None:
        self.status, self.reason = REJECTED, reason


@dataclass(frozen=True)
class CellProblem:
    """A cell whose content could not be parsed into its column's type, or (`rejects` False)
    text cut to what an Excel cell can hold: reported, but the row is kept."""

    index: int
    column: str
    raw: Any
    reason: str
    rejects: bool = True


@dataclass(frozen=True)
class ParsedRows:
    """One table's rows parsed column by column, with the cells that failed.

    Parsing needs nothing but the cells and the template, so it is done per file where the file
    is read (in the read pool, and kept in the read cache). The values stay plain Python lists
    here: giving them their pandas dtypes costs about as much per column for 150 rows as for
    150,000, so it is done once per sheet type when the files' pieces are stacked
    (`ingest.frames.stack`; `ingest.frames.typed_frame` for one table)."""

    spec: SheetSpec
    columns: dict[str, list[Any]]
    size: int
    problems: list[CellProblem]

    def __len__(self) -> int:
        return self.size

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled (from a read worker to the command) with each column of repeated texts
        coded as its distinct texts and each row's place among them (`coded_texts`), and
        unpickled with those texts shared across files (`shared_texts`): a thousand files'
        «Nam», «Kinh», «Công nhân» become one object each, not one per file (at 10,000 files
        the run's peak memory fell from 1,528 to 1,452 MB)."""
        return (_parsed_rows, (self.spec, {key: coded_texts(values)
                                           for key, values in self.columns.items()},
                               self.size, self.problems))


# A column of texts is coded when it has this many rows or more, at most half of them distinct.
_CODED_FROM = 16
_TEXTS = frozenset({str, type(None)})


def coded_texts(values: list[Any]) -> list[Any] | tuple[list[str | None], array]:
    """A column of texts (or blanks) whose values repeat, as (its distinct values, each row's
    place among them); any other column (numbers, dates, names: mostly distinct) as it is."""
    if len(values) < _CODED_FROM or not _TEXTS.issuperset(map(type, values)):
        return values
    distinct = list(dict.fromkeys(values))
    if len(distinct) * 2 > len(values):
        return values
    places = {value: place for place, value in enumerate(distinct)}
    return distinct, array("I", map(places.__getitem__, values))


def shared_texts(distinct: list[str | None], places: Any) -> list[str | None]:
    """The column `coded_texts` coded, each text the one object the interpreter keeps for it
    (`sys.intern`), so that equal texts of different files are one object."""
    texts = [value if value is None else sys.intern(value) for value in distinct]
    return list(map(texts.__getitem__, places))


def _parsed_rows(spec: SheetSpec, columns: dict[str, Any], size: int,
                 problems: list[CellProblem]) -> ParsedRows:
    return ParsedRows(spec, {key: shared_texts(*values) if type(values) is tuple else values
                             for key, values in columns.items()}, size, problems)


@dataclass
class RawTable:
    """The data rows of one recognised table sheet, held a column at a time.

    `cells` holds each column's raw cells by column key, one per data row, and `excel_rows` the
    rows' Excel row numbers; `extras` the filled cells of columns the template does not know, by
    the row's index (most rows have none). The reader takes a row's cells in one call and turns
    the rows into columns at once, so no row is ever a dictionary: parsing reads columns, and
    a dictionary per row, made and then read again column by column, was a quarter of the time
    recognising and parsing a table took. Once the table is parsed
    (`ingest.inbox.parse_tables`, in the read pool), the typed columns are in `parsed` and the
    raw cells and extras are let go, so they are not carried twice."""

    spec: SheetSpec
    sheet: str
    header_row: int
    cells: dict[str, list[Any]] = field(default_factory=dict)
    extras: dict[int, dict[str, Any]] = field(default_factory=dict)
    missing_columns: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)
    parsed: ParsedRows | None = None
    excel_rows: list[int] = field(default_factory=list)
    # Rows of the form that are not people, by kind (dòng tiêu đề mục: 2, …), for Nguồn.
    set_aside: dict[str, int] = field(default_factory=dict)
    # (Excel row, count) of a total line under the list («Tổng cộng: 25»), for TOTAL_MISMATCH.
    stated_total: tuple[int, int] | None = None
    # Cells the reader itself finds wrong (a birth year under both «Nam» and «Nữ»):
    # (Excel row, column key, value, reason); parsed into CellProblems with the rest.
    problems: list[tuple[int, str, Any, str]] = field(default_factory=list)
    # Headers of columns the sheet lacks whose values the reader inferred (Đối tượng from the
    # names), for one info finding per sheet.
    inferred: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        """The number of data rows."""
        return len(self.excel_rows)

    def records(self) -> list[tuple[int, dict[str, Any]]]:
        """Each raw row as (Excel row, cells by column key, with «_extra» when it has extras),
        for the readers that want rows (the registry) while the table
        still holds its raw cells; empty once it is parsed."""
        if self.parsed is not None:
            return []
        records = []
        for index, excel_row in enumerate(self.excel_rows):
            record = {key: column[index] for key, column in self.cells.items()}
            if index in self.extras:
                record["_extra"] = self.extras[index]
            records.append((excel_row, record))
        return records


@dataclass(frozen=True)
class NearMiss:
    """A sheet that looks like one of our lists but lacks required columns: not read, and said
    once (sheet, the list type's title, header row, columns missing, headings seen)."""

    sheet: str
    kind: str
    header_row: int
    missing: list[str]
    seen: list[str]


@dataclass
class RawForm:
    """The labelled fields of a Thông tin đơn vị sheet: key -> (value, Excel row)."""

    sheet: str
    fields: dict[str, tuple[Any, int]] = field(default_factory=dict)
    letters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SheetConversion:
    """What was converted from a legacy encoding on one sheet, for the info finding."""

    sheet: str
    encodings: tuple[str, ...]
    cells: int
    example: tuple[str, str]
    # Recognised from the characters, the cells' font being an ordinary one.
    by_characters: bool = False


@dataclass
class WorkbookContent:
    """What one workbook holds, as recognised."""

    sheet_names: list[str]
    form: RawForm | None = None
    tables: list[RawTable] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)
    conversions: list[SheetConversion] = field(default_factory=list)
    # Sheets not read as data, with the reason (hidden, a chart, the template's own lists).
    not_read: list[tuple[str, str]] = field(default_factory=list)
    # Sheets that look like one of our lists but lack required columns.
    near_misses: list[NearMiss] = field(default_factory=list)


@dataclass
class ReadFile:
    """A file as read: its record plus its recognised content (None when unreadable/skipped)."""

    record: FileRecord
    form: RawForm | None = None
    tables: list[RawTable] = field(default_factory=list)
    conversions: list[SheetConversion] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)


@dataclass
class Unit:
    """A node of the unit tree."""

    code: str
    name: str
    parent: str | None
    level: Level
    depth: int
    members: int | None = None
    workers: int | None = None
    block: str | None = None
    children: list[str] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)  # registry columns beyond the template
    email: str | None = None  # the registry's Email: where its feedback goes (never a file's)


@dataclass
class Registry:
    """Units by code, in tree order (parents before children, siblings by code)."""

    units: dict[str, Unit]
    order: list[str]
    inferred: bool
    source: str | None = None

    @property
    def roots(self) -> list[str]:
        return [code for code in self.order if self.units[code].parent is None]

    def descendants(self, code: str) -> list[str]:
        """The unit itself and every unit below it, in tree order."""
        result = [code]
        for child in self.units[code].children:
            result.extend(self.descendants(child))
        return result

    def frame(self) -> pd.DataFrame:
        """One row per unit, in tree order (for writers and rules)."""
        import pandas as pd

        return pd.DataFrame(
            [{"unit": u.code, "name": u.name, "parent": u.parent, "level": u.level.id,
              "level_name": u.level.name, "depth": u.depth, "members": u.members,
              "block": u.block} for u in (self.units[c] for c in self.order)],
            columns=["unit", "name", "parent", "level", "level_name", "depth", "members", "block"],
        )



# A source cell's column letter: (file, sheet, column header) -> letter, to point at cells.
CellLetters = dict[tuple[str, str, str], str]
# One row of the Phân bổ sheet and of `allocation` in the JSON (see `allocate.quotas`).
AllocationRow = dict[str, Any]


@dataclass(frozen=True)
class LateDossier:
    """A unit whose dossier came after its level's deadline, as `check.settle` decided it: the
    DOSSIER_LATE check reports it, and under a campaign that does not consider late nominations
    they are marked «không xét» from the same decision."""

    unit: str
    sent: dt.date
    deadline: dt.date
    by_mail: bool = False  # `sent` is the day its message arrived (`dhtt-merge receive`)


@dataclass(frozen=True)
class Consolidation:
    """Everything a run produced; writers and the JSON report are views of it. Frozen: each
    stage that adds to it (`pipeline`) makes a new one with `dataclasses.replace`.

    `cells` points findings at source cells, `contacts` gives each unit's e-mail address,
    `allocation` the Phân bổ rows, `late` the units whose dossier was late. Row sheets carry
    `_status` (accepted, rejected, superseded) and `_consider` (a reason when an accepted row is
    not considered, else missing): `considered(key)` is what a check may judge. `memo` keeps
    views derived from the frozen data (`write.summary.unit_figures`), never data of its own."""

    campaign: Campaign
    as_of: dt.date
    files: tuple[FileRecord, ...]
    registry: Registry
    info: pd.DataFrame
    sheets: dict[str, pd.DataFrame]
    findings: tuple[Finding, ...]
    cells: CellLetters = field(default_factory=dict)
    contacts: dict[str, str] = field(default_factory=dict)
    allocation: tuple[AllocationRow, ...] = ()
    late: dict[str, LateDossier] = field(default_factory=dict)
    # The bundled example inbox was consolidated (no inbox given): every output says so.
    example: bool = False
    # What changed since the last run into the same output folder (`write.changes`).
    changes: dict[str, Any] = field(default_factory=dict)
    # The inbox read (to copy a unit's own workbook back to it, marked).
    inbox: Path | None = None
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def accepted(self, key: str) -> pd.DataFrame:
        """Accepted rows of a sheet. Like every view below, shared: the checks and writers ask
        for the same rows many times, so it is made once (kept in `memo` while the sheet is the
        same frame); a caller never changes the frame it is given."""
        return self._view("accepted", key, lambda: _accepted_rows(self.sheets[key]))

    def considered(self, key: str) -> pd.DataFrame:
        """Accepted rows that are not set aside («không xét»): all a check may judge."""
        return self._view("considered", key, lambda: _considered_rows(self.accepted(key)))

    def considered_in_order(self, key: str) -> pd.DataFrame:
        """The considered rows in the order of their files, then of their rows in each file
        (what the rules and the allocation point into)."""
        return self._view("considered_in_order", key, lambda: _in_file_order(
            self.considered(key)))

    def _view(self, kind: str, key: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A view of sheet `key`, made by `make` unless `memo` holds one of this very frame (a
        consolidation replaced with other sheets shares the memo but not their views)."""
        name = f"{kind}:{key}"
        frame = self.sheets[key]
        kept = self.memo.get(name)
        if kept is None or kept[0] is not frame:
            kept = self.memo[name] = (frame, make())
        view: pd.DataFrame = kept[1]
        return view

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


def accepted_first(frame: pd.DataFrame) -> pd.DataFrame:
    """The sheet with its accepted rows first, each status's rows in the order they had
    (`check.settle` settles sheets so): the accepted view (`Consolidation.accepted`), which
    every check and writer reads, is then a slice sharing the sheet's data instead of a copy
    of every column. Whoever reads the whole sheet takes its rows by status, so their order
    within a status is all that counts."""
    import numpy as np

    accepted, leading = _accepted(frame)
    if leading:
        return frame
    return frame.take(np.concatenate([np.flatnonzero(accepted), np.flatnonzero(~accepted)]))


def _accepted_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The accepted rows; where they come first (`accepted_first`), a slice that shares the
    sheet's data, where a mask copied every column of up to 1.5 million rows."""
    accepted, leading = _accepted(frame)
    return frame.iloc[:int(accepted.sum())] if leading else frame[accepted]


def _accepted(frame: pd.DataFrame) -> tuple[np.ndarray, bool]:
    """Which rows of a sheet are accepted, and whether they all come before the others."""
    accepted = (frame[STATUS] == ACCEPTED).to_numpy(dtype=bool, na_value=False)
    return accepted, bool(accepted[:int(accepted.sum())].all())


def _in_file_order(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` sorted by file, then row (stable), without sorting when its rows are in that
    order already, as merging leaves them: a frame of its own that shares their data. Sorting
    them by two keys gave back the order they had, after 7 ms and 6 MB of sort keys at 1,000
    workbooks (ten times that at 10,000)."""
    ids, rows = frame[FILE_ID], frame[ROW]
    if not (ids.hasnans or rows.hasnans):
        ids, rows = ids.to_numpy(dtype="int64"), rows.to_numpy(dtype="int64")
        same = ids[1:] == ids[:-1]
        if bool(((ids[1:] > ids[:-1]) | (same & (rows[1:] >= rows[:-1]))).all()):
            return frame.copy(deep=False)
    return frame.sort_values([FILE_ID, ROW], kind="stable")


def _considered_rows(accepted: pd.DataFrame) -> pd.DataFrame:
    """Taken from the accepted rows, not from the sheet: when none is set aside (most of a
    province's), pandas takes every row as a shallow copy sharing the accepted rows' data,
    where a mask over the sheet made a second copy of every column of up to 1.5 million rows
    (and the ordered view, rows already in file order, shares them in turn)."""
    return accepted[accepted[CONSIDER].isna()]


@dataclass(frozen=True)
class UnitFeedback:
    """One unit's feedback workbook: where it was written, and where it may be e-mailed."""

    unit: str
    name: str
    path: Path
    email: str | None
    errors: int
    warnings: int
    # The unit's own workbook, copied with its faulty cells marked, or why there is none.
    marked: Path | None = None
    marked_reason: str | None = None


@dataclass(frozen=True)
class Delivered:
    """What happened to one recipient of one message."""

    label: str
    recipient: str
    ok: bool
    attempts: int
    error: str | None = None
    eml: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"message": self.label, "recipient": self.recipient, "ok": self.ok,
                "attempts": self.attempts, "error": self.error, "eml": self.eml}


@dataclass
class Delivery:
    """What was delivered: feedback files and the fate of every message."""

    feedback: list[UnitFeedback] = field(default_factory=list)
    messages: list[Delivered] = field(default_factory=list)
    outbox: Path | None = None

    @property
    def failures(self) -> list[Delivered]:
        return [m for m in self.messages if not m.ok]

    def to_dict(self) -> dict[str, Any]:
        return {"feedback": [{"unit": f.unit, "path": f.path.as_posix(), "email": f.email,
                              "errors": f.errors, "warnings": f.warnings,
                              "marked": f.marked.as_posix() if f.marked else None,
                              "marked_reason": f.marked_reason} for f in self.feedback],
                "messages": [m.to_dict() for m in self.messages],
                "outbox": self.outbox.as_posix() if self.outbox else None}


@dataclass(frozen=True)
class WrittenDocument:
    """One Word document of `dhtt-merge documents`, and its PDF when one was made."""

    kind: str
    title: str
    path: Path
    pdf: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": self.path.as_posix(),
                "pdf": self.pdf.as_posix() if self.pdf else None}


@dataclass
class Paperwork:
    """The Word documents a run wrote, those it did not make and why, and why there are no
    PDFs when they were asked for and could not be made."""

    written: list[WrittenDocument] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (title, reason)
    pdf_problem: str | None = None
    stale: list[Path] = field(default_factory=list)  # earlier runs' documents not made now
    edited: list[str] = field(default_factory=list)  # templates taken from --templates
    ignored: list[str] = field(default_factory=list)  # .docx there named for no document


@dataclass
class RunResult:
    """What `pipeline.run()` returns to its caller."""

    consolidation: Consolidation
    workbook: Path
    report: Path
    upward: Path | None = None
    delivery: Delivery = field(default_factory=Delivery)
    # Outputs another program held open (Excel on Windows): real name -> the free name the
    # new file went under, the previous file left as it was.
    moved: dict[Path, Path] = field(default_factory=dict)
    paperwork: Paperwork | None = None  # `dhtt-merge documents` only

    @property
    def exit_code(self) -> int:
        return 1 if self.consolidation.has_errors else 0
