"""Write the consolidated workbook (tong-hop.xlsx) with xlsxwriter.

Text is always written as text (`strings_to_formulas` off), so a name typed as "=A1" can never
become a formula. The file is written under a temporary name and renamed, so a crash never leaves
half a workbook under the real name.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from xlsxwriter.utility import xl_col_to_name

from ..allocate.methods import METHOD_LABELS
from ..campaign import weight_label
from ..findings import SEVERITY_LABELS, cell_ref, title_of
from ..ingest.arrivals import VIETNAM
from ..model import (
    ACCEPTED,
    MARK,
    REJECTED,
    STATUS_LABELS,
    SUPERSEDED,
    Consolidation,
    OutputKind,
)
from ..template import (
    BY_KEY,
    CONSIDER,
    FILE,
    FILE_ID,
    REASON,
    ROW,
    ROW_SHEETS,
    SHEET,
    STATUS,
    UNIT,
    SheetSpec,
)
from .advice import how_to_fix, shown_value
from .atomic import Staging, scratch_beside, written_atomically
from .cells import ROWS_OPTIONS, Link, write_cell
from .changes import change_rows
from .fast.parallel_rows import WriteHelper
from .fast.row_blocks import BlockStore, BlockWriter
from .fast.rows import ColumnRows, TakenColumn, write_rows
from .fast.xlsx_zip import package
from .paper import fit_to_content, header_height, print_setup, serif_book, wrapped
from .styles import FONT, Col, Styles
from .summary import (
    CHART_SHARES,
    EXAMPLE_NOTE,
    column_list,
    delegates_against_cap,
    findings_by_code,
    grand_total,
    indicator_columns,
    indicator_rows,
    summary_rows,
    tree_positions,
)

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet


SHEET_SUMMARY = "Tổng hợp"
SHEET_FINDINGS = "Phát hiện"
SHEET_REJECTED = "Lỗi dữ liệu"
SHEET_SUPERSEDED = "Bị thay thế"
SHEET_SOURCES = "Nguồn"
SHEET_ALLOCATION = "Phân bổ"
SHEET_CHART_DATA = "Số liệu biểu đồ"
SHEET_CHANGES = "Thay đổi"
NOT_CONSIDERED_COLUMN = "Tình trạng xét"
EMPTY_NOTE = "không có dòng nào"
# Excel's rows per sheet (the header takes one).
SHEET_ROWS = 1_048_576


def write_workbook(c: Consolidation, path: Path, helper: WriteHelper,
                   store: BlockStore | None = None, staging: Staging | None = None) -> Path:
    """Write every sheet to a temporary file beside `path`, then rename it into place.

    The rows of large sheets are written in compressed blocks (`row_blocks`), part of them by
    the `helper` process, and reused from `store` where a previous run wrote the same; without a
    `store` nothing is kept for the next run."""
    import xlsxwriter

    with written_atomically(path, staging) as temp_name, ExitStack() as cleanup:
        if store is None:
            store = cleanup.enter_context(BlockStore(None, path.parent))
        parts = Path(temp_name).with_suffix(".parts")
        cleanup.callback(parts.unlink, missing_ok=True)
        blocks = BlockWriter(helper, store)
        # constant_memory (ROWS_OPTIONS): every sheet is written strictly row after row, which
        # write_table does. Column widths in our font's units (`paper.serif_book`).
        scratch = cleanup.enter_context(scratch_beside(path))  # the sheets' row files
        book = xlsxwriter.Workbook(str(parts), {**ROWS_OPTIONS, "tmpdir": scratch,
                                                **serif_book()})
        book.set_custom_property(MARK, OutputKind.CONSOLIDATED.value)
        book.set_properties({"title": f"Tổng hợp – {c.campaign.name}"
                             + (f" – {EXAMPLE_NOTE}" if c.example else ""),
                             "subject": c.campaign.document, "author": "dhtt-merge"})
        styles = Styles(book)
        _summary_sheet(book, styles, c)
        if c.changes:
            write_table(book, styles, SHEET_CHANGES,
                        [Col("Thay đổi", 22), Col("Mã đơn vị", 11), Col("Nội dung", 80),
                         Col("Mã phát hiện", 20)], change_rows(c.changes),
                        title=f"Thay đổi so với lần chạy trước – tính đến {c.as_of:%d/%m/%Y}")
        # Each chart on a page of its own, just after the table it sums up; drawn at the end,
        # once the figures they show are written on their sheet.
        chart_pages = [(kind, _chart_page(book, title)) for kind, title in _chart_kinds(c)]
        found = _findings_per_row(c)
        # Where each row findings point at went: filled as the sheets are ordered and written.
        targets: RowTargets = {}
        for spec in ROW_SHEETS:
            if spec.key == "indicators":
                _indicator_sheet(book, styles, c)
            else:
                _rows_sheet(book, styles, c, spec, blocks, found, targets)
        # gui-cap-tren.xlsx, in the helper once the rows queued so far are rendered: on a
        # re-run that is at once, as the last run's blocks leave the helper nothing to render.
        helper.start_deferred()
        _allocation_sheet(book, styles, c)
        _place_problem_rows(c, found, targets)
        _findings_sheet(book, styles, c, blocks, targets)
        _problem_rows_sheet(book, styles, c, SHEET_REJECTED, REJECTED, blocks)
        _problem_rows_sheet(book, styles, c, SHEET_SUPERSEDED, SUPERSEDED, blocks)
        _sources_sheet(book, styles, c)
        _summary_charts(book, styles, c, chart_pages)
        blocks.finish()
        book.close()
        package(parts, Path(temp_name), blocks.placed(), store.read)
        store.commit()
    return path


def write_table(book: Workbook, styles: Styles, name: str, columns: Sequence[Col],
                rows: Sequence[Sequence[Any]], bold_rows: set[int] | None = None,
                title: str | None = None, blocks: BlockWriter | None = None,
                printed: int | None = None, flagged: int | None = None) -> Worksheet:
    """A sheet with a frozen, filtered, repeated header row and A4 landscape print settings
    (`paper`); only the first `printed` columns are printed (the rest, where a row came from,
    are for the screen); rows with a count in column `flagged` are filled.

    Rows beyond what one Excel sheet holds continue on "Name (2)", "Name (3)", … each with its
    own header, so a very large consolidation is split, never cut. Returns the first sheet.
    With `blocks`, the rows of a large part are written as compressed blocks (`row_blocks`).
    """
    per_sheet = SHEET_ROWS - 1
    bold_rows = bold_rows or set()
    first: Worksheet | None = None
    for part, start in enumerate(range(0, max(len(rows), 1), per_sheet), start=1):
        sheet_name = name if part == 1 else f"{name} ({part})"
        chunk = rows[start:start + per_sheet]
        bold = {index - start for index in bold_rows if start <= index < start + per_sheet}
        sheet = _table_part(book, styles, sheet_name, columns, chunk, bold, title or name,
                            blocks, printed, flagged)
        first = first or sheet
    assert first is not None
    return first


def _table_part(book: Workbook, styles: Styles, name: str, columns: Sequence[Col],
                rows: Sequence[Sequence[Any]], bold_rows: set[int], title: str,
                blocks: BlockWriter | None, printed: int | None = None,
                flagged: int | None = None) -> Worksheet:
    sheet = book.add_worksheet(name)
    printed = printed or len(columns)
    # Printed fit to width: the printed columns as wide as their text needs, narrow enough
    # for 8.5-pt text (`paper.fit_to_content`).
    columns = [*fit_to_content(columns[:printed], rows), *columns[printed:]]
    # Before any cell: with constant_memory a written row is final.
    sheet.set_row(0, header_height(columns))
    for position, column in enumerate(columns):
        sheet.set_column(position, position, column.width)
        sheet.write_string(0, position, column.header, styles.header)
    formats = [styles.cells[column.style] for column in columns]
    bold_formats = [styles.bold[column.style] for column in columns]
    heights = wrapped(columns)
    if blocks is not None and blocks.takes(sheet, rows):
        blocks.write(sheet, rows, formats, bold_formats, bold_rows, heights=heights)
    else:
        write_rows(sheet, rows, formats, bold_formats, bold_rows, heights=heights)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    if printed < len(columns):
        sheet.print_area(0, 0, max(len(rows), 1), printed - 1)
    if flagged is not None and len(rows):  # a row that carries findings stands out
        letter = xl_col_to_name(flagged)
        sheet.conditional_format(1, 0, len(rows), len(columns) - 1, {
            "type": "formula", "criteria": f"=${letter}2>0", "format": styles.flagged})
    # Printed, an empty table says so in its page's title line (no row is added: the sheet
    # reads back empty).
    print_setup(sheet, title if len(rows) else f"{title} – {EMPTY_NOTE}", FONT)
    return sheet


def _summary_sheet(book: Workbook, styles: Styles, c: Consolidation) -> Worksheet:
    columns = [
        Col("Mã đơn vị", 12), Col("Tên đơn vị", 36), Col("Cấp", 18),
        Col("Số đoàn viên", 11, "int"), Col("Số đại biểu", 10, "int"),
        Col("Đại biểu điển hình tiên tiến", 12, "int"), Col("Đại biểu khách mời", 11, "int"),
        Col("Tỷ lệ điển hình tiên tiến", 11, "percent"), Col("Tỷ lệ nữ", 9, "percent"),
        Col("Tỷ lệ dân tộc thiểu số", 11, "percent"),
        Col("Tỷ lệ trực tiếp sản xuất", 11, "percent"),
        Col("Số đề nghị khen thưởng", 11, "int"), Col("Tình trạng", 20),
        Col("Số lỗi", 8, "int"), Col("Số cảnh báo", 9, "int"),
    ]
    rows, bold = [], set()
    for index, row in enumerate(summary_rows(c)):
        indent = "   " * row["depth"] if row["kind"] == "unit" else ""
        if row["kind"] != "unit":
            bold.add(index)
        rows.append([row["unit"], indent + row["name"], row["level"], row["members"],
                     row["delegates"], row["exemplary"], row["guests"], row["exemplary_share"],
                     row["women_share"], row["minority_share"], row["direct_share"],
                     row["nominations"], row["status"], row["errors"], row["warnings"]])
    sheet = write_table(book, styles, SHEET_SUMMARY, columns, rows, bold,
                        title=f"Tổng hợp – {c.campaign.name} (tính đến {c.as_of:%d/%m/%Y})"
                        + (f" – {EXAMPLE_NOTE}" if c.example else ""))
    return sheet


CHART_TITLES = {"delegates": "Số đại biểu của đơn vị so với mức tối đa",
                "shares": "Tỷ lệ đại biểu điển hình tiên tiến, nữ, dân tộc thiểu số",
                "findings": "Phát hiện theo loại"}
CHART_PAGES = {"delegates": "Biểu đồ đại biểu", "shares": "Biểu đồ tỷ lệ",
               "findings": "Biểu đồ phát hiện"}
PLENARY_MARK = " (HN toàn thể: không giới hạn)"


def _chart_kinds(c: Consolidation) -> list[tuple[str, str]]:
    """The summary charts this consolidation has figures for, and their sheets' names."""
    total = grand_total(c)
    kinds = [("delegates", bool(delegates_against_cap(c))),
             ("shares", bool(total and total["delegates"])),
             ("findings", bool(c.findings))]
    return [(kind, CHART_PAGES[kind]) for kind, wanted in kinds if wanted]


def _chart_page(book: Workbook, name: str) -> Any:
    """A chart sheet: the chart fills one landscape A4 page of its own."""
    page = book.add_chartsheet(name)
    page.set_landscape()
    page.set_paper(9)
    page.set_footer(f"&C&\"{FONT}\"&12Trang &P/&N")
    return page


def _summary_charts(book: Workbook, styles: Styles, c: Consolidation,
                    pages: list[tuple[str, Any]]) -> None:
    """Charts a leader reads at a glance, each on its own page after Tổng hợp: delegates by
    unit against the cap of their level (a plenary conference, exempt, said so), the shares of
    exemplary, women and ethnic-minority delegates, findings by their Vietnamese titles. Their
    figures (the counts of the terminal summary) sit on the last sheet."""
    data = book.add_worksheet(SHEET_CHART_DATA)
    # Only the charts read it: hidden, so it is not printed as pages of bare figures.
    data.hide()
    values_by_kind: dict[str, tuple[list[str], list[list[Any]], str]] = {
        "delegates": (["Đơn vị", "Số đại biểu", "Mức tối đa"],
                      [[code + ("" if cap is not None else PLENARY_MARK), count, cap]
                       for code, count, cap in delegates_against_cap(c)], "int"),
        "findings": (["Loại phát hiện", "Số lượng"],
                     [[title_of(code, c.campaign), count]
                      for code, count in findings_by_code(c)], "int"),
    }
    total = grand_total(c)
    if total:
        values_by_kind["shares"] = (["Tỷ lệ đại biểu", "Giá trị"],
                                    [[label, total[key]] for key, label in CHART_SHARES],
                                    "percent")
    row = 0
    data.set_column(0, 0, 40)
    data.set_column(1, 2, 14)
    for kind, page in pages:
        headers, values, style = values_by_kind[kind]
        for offset, header in enumerate(headers):
            data.write_string(row, offset, header, styles.header)
        for number, record in enumerate(values, start=row + 1):
            write_cell(data, number, 0, record[0], styles.cells["text"])
            for offset, value in enumerate(record[1:], start=1):
                write_cell(data, number, offset, value, styles.cells[style])
        first, last = row + 1, row + len(values)
        largest = max((value for record in values for value in record[1:]
                       if isinstance(value, int | float)), default=1)
        page.set_chart(_chart(book, kind, headers, first, last, largest))
        row = last + 2


def _chart(book: Workbook, kind: str, headers: list[str], first: int, last: int,
           largest: float) -> Any:
    font = {"name": FONT, "size": 11}
    categories = [SHEET_CHART_DATA, first, 0, last, 0]
    chart = book.add_chart({"type": "column" if kind == "delegates" else "bar"})
    chart.show_hidden_data()  # its figures are on a hidden sheet
    chart.add_series({"name": headers[1], "categories": categories,
                      "values": [SHEET_CHART_DATA, first, 1, last, 1],
                      "data_labels": {"value": True, "num_format": "0.0%" if kind == "shares"
                                      else "0", "font": font}})
    values_axis = {"num_font": font, "min": 0, "major_gridlines": {"visible": True}}
    if kind == "shares":
        values_axis |= {"num_format": "0%", "max": 1}
    else:  # counts: whole numbers on the axis, never 0.5 steps
        values_axis |= {"num_format": "0", "major_unit": max(1, math.ceil(largest / 10))}
    if kind == "delegates":
        # The cap of each unit's level, a mark above its column (none for a plenary
        # conference, whose label says it is exempt).
        cap = book.add_chart({"type": "line"})
        cap.add_series({"name": headers[2], "categories": categories,
                        "values": [SHEET_CHART_DATA, first, 2, last, 2],
                        "line": {"none": True},
                        "marker": {"type": "dash", "size": 14,
                                   "fill": {"color": "#C00000"},
                                   "border": {"color": "#C00000"}}})
        chart.combine(cap)
        chart.set_y_axis(values_axis)
        chart.set_x_axis({"num_font": {**font, "rotation": -45}})
    else:
        chart.set_x_axis(values_axis)
        chart.set_y_axis({"num_font": font, "reverse": True})
    chart.set_title({"name": CHART_TITLES[kind], "name_font": {**font, "size": 14}})
    chart.set_legend({"position": "bottom", "font": font} if kind == "delegates"
                     else {"none": True})
    return chart


def _unit_names(c: Consolidation) -> dict[str, str]:
    return {code: unit.name for code, unit in c.registry.units.items()}


def _spec_columns(spec: SheetSpec) -> list[Col]:
    styles = {"int": "int", "year": "year", "number": "number", "date": "date", "flag": "flag"}
    wide = {"full_name": 24, "name": 28, "position": 30, "achievements": 36, "summary": 36,
            "award": 22, "category": 22, "delegate_type": 16, "title": 24, "note": 18}
    return [Col(col.header, wide.get(col.key, 10 if col.kind == "flag" else 12),
                styles.get(col.kind, "text")) for col in spec.columns]


def _rows_sheet(book: Workbook, styles: Styles, c: Consolidation, spec: SheetSpec,
                blocks: BlockWriter, found: dict[tuple[str, str, int], int],
                targets: RowTargets) -> None:
    names = _unit_names(c)
    frame = c.accepted(spec.key)
    order = tree_positions(c, frame)

    def ordered(key: str) -> list[Any]:
        """A column in tree order, taken alone (not the whole frame sorted at once)."""
        return column_list(frame, key, order)

    def cells(key: str) -> Sequence[Any]:
        """A column as the sheet takes it: its texts read from the frame's own array a block
        at a time (`TakenColumn`), other values as a list."""
        values = frame[key]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            array = values.to_numpy()
            if array.dtype == object:
                return TakenColumn(array, order)
        return ordered(key)

    files, sheets, rows = ordered(FILE), ordered(SHEET), ordered(ROW)
    if found:
        _place_rows(targets, found, spec.title, files, sheets, rows, 0)
    # The «không xét» column, where the campaign sets late nominations aside (the Điện Biên
    # year-end guidance of 2020: docs/domain.md, Campaigns).
    considered = spec.key == "nominations" and c.campaign.late_nominations_not_considered
    columns = [Col("Mã đơn vị", 11), Col("Tên đơn vị", 26), *_spec_columns(spec)]
    if considered:
        columns.append(Col(NOT_CONSIDERED_COLUMN, 20))
    columns.append(Col(FOUND_COLUMN, 9, "int"))
    columns += [Col("Tệp nguồn", 28), Col("Dòng", 7, "int")]
    keys = spec.keys
    # Column lists, made into rows only where rendered: a re-run builds none of the rows of
    # the blocks it reuses.
    units = ordered(UNIT)
    parts: list[Sequence[Any]] = [units, [names.get(unit, "") for unit in units],
                                  *(cells(k) for k in keys)]
    if considered:
        parts.append(cells(CONSIDER))
    parts.append([found.get((file, sheet, row)) for file, sheet, row in zip(files, sheets, rows,
                                                                              strict=True)])
    parts += [files, rows]
    write_table(book, styles, spec.title, columns, ColumnRows(parts), blocks=blocks,
                printed=len(columns) - 2, flagged=len(columns) - 3)


def _indicator_sheet(book: Workbook, styles: Styles, c: Consolidation) -> None:
    indicators = indicator_columns(c)
    columns = [Col("Mã đơn vị", 11), Col("Tên đơn vị", 36),
               *(Col(f"{code} – {header}", 14, "number") for code, header in indicators)]
    rows, bold = [], set()
    for index, row in enumerate(indicator_rows(c)):
        indent = "   " * row["depth"] if row["kind"] == "unit" else ""
        if row["kind"] != "unit":
            bold.add(index)
        rows.append([row["unit"], indent + row["name"],
                     *(row["values"].get(code) for code, _ in indicators)])
    write_table(book, styles, BY_KEY["indicators"].title, columns, rows, bold)


def _allocation_sheet(book: Workbook, styles: Styles, c: Consolidation) -> None:
    """Phân bổ: weight, exact quota, seats and what each unit sent, with a bar chart."""
    rows_data = c.allocation
    plan = c.campaign.allocation
    columns = [Col("Nội dung phân bổ", 26), Col("Đơn vị phân bổ", 11), Col("Mã đơn vị", 11),
               Col("Tên đơn vị", 34),
               Col(f"Trọng số ({weight_label(plan.weight)})", 11, "int"),
               Col("Hạn mức chính xác", 12, "number"),
               Col("Số được phân bổ", 11, "int"), Col("Đơn vị đã cử / đề nghị", 12, "int"),
               Col("Chênh lệch", 10, "int")]
    rows = [[r["what"], r["parent"], r["unit"], r["name"], r["weight"], round(r["quota"], 4),
             r["seats"], r["sent"], r["sent"] - r["seats"]] for r in rows_data]
    title = (f"Phân bổ – phương pháp {METHOD_LABELS[plan.method]}, trọng số: "
             f"{weight_label(plan.weight)}, tối thiểu {plan.minimum}")
    write_table(book, styles, SHEET_ALLOCATION, columns, rows, title=title)
    if not rows:
        return
    first = (rows_data[0]["what"], rows_data[0]["parent"])  # the chart shows the first sharing
    count = sum(1 for r in rows_data if (r["what"], r["parent"]) == first)
    chart = book.add_chart({"type": "bar"})
    for position, label in ((6, "Số được phân bổ"), (7, "Đã cử / đề nghị")):
        chart.add_series({"name": label,
                          "categories": [SHEET_ALLOCATION, 1, 2, count, 2],
                          "values": [SHEET_ALLOCATION, 1, position, count, position]})
    font = {"name": FONT, "size": 11}
    chart.set_title({"name": f"Phân bổ: {first[0]} ({first[1]})",
                     "name_font": {**font, "size": 14}})
    chart.set_legend({"position": "bottom", "font": font})
    largest = max(max(r["seats"], r["sent"]) for r in rows_data[:count])
    chart.set_x_axis({"num_format": "0", "min": 0, "num_font": font,
                      "major_unit": max(1, math.ceil(largest / 10))})
    chart.set_y_axis({"num_font": font, "reverse": True})
    _chart_page(book, "Biểu đồ phân bổ").set_chart(chart)


def _findings_sheet(book: Workbook, styles: Styles, c: Consolidation, blocks: BlockWriter,
                    targets: RowTargets) -> None:
    """Phát hiện: each finding, what to do about it («Cách sửa»), and its source cell as a link
    to the row it became in this workbook (the consolidated sheet, or Lỗi dữ liệu)."""
    letters = c.cells
    columns = [Col("Mức độ", 10), Col("Mã phát hiện", 20), Col("Loại", 28), Col("Mã đơn vị", 11),
               Col("Tệp", 28), Col("Trang", 16), Col("Dòng", 7, "int"), Col("Cột", 18),
               Col("Ô", 20), Col("Giá trị", 18), Col("Nội dung", 60),
               Col("Cách sửa", 44)]
    findings = c.findings
    titles = {code: title_of(code, c.campaign) for code in {f.code for f in findings}}
    this_year = c.as_of.year
    places: list[Any] = []
    links = 0
    for f in findings:
        where: Any = cell_ref(f, letters)
        target = targets.get((f.file or "", f.sheet or "", f.row or 0))
        if target is not None and links < MAX_LINKS:
            where = Link(where or f"{f.sheet}!{f.row}", f"'{target[0]}'!A{target[1]}")
            links += 1
        places.append(where)
    # Column lists (`ColumnRows`): rows sized and rendered a column at a time, in blocks like
    # the other large sheets (their links recorded in this sheet by `row_blocks`).
    rows = ColumnRows([
        [SEVERITY_LABELS[f.severity] for f in findings], [f.code for f in findings],
        [titles[f.code] for f in findings], [f.unit for f in findings],
        [f.file for f in findings], [f.sheet for f in findings], [f.row for f in findings],
        [f.column for f in findings], places, [shown_value(f) for f in findings],
        [f.message for f in findings], [how_to_fix(f, this_year) for f in findings]],
        linked=frozenset({8}))
    write_table(book, styles, SHEET_FINDINGS, columns, rows, blocks=blocks)


# Excel keeps at most 65,530 links a sheet; findings past these are shown without one.
MAX_LINKS = 65_000
FOUND_COLUMN = "Phát hiện"


def _findings_per_row(c: Consolidation) -> dict[tuple[str, str, int], int]:
    """How many findings point at each source row (file, sheet, Excel row)."""
    counts: dict[tuple[str, str, int], int] = {}
    for f in c.findings:
        if f.file and f.sheet and f.row:
            key = (f.file, f.sheet, f.row)
            counts[key] = counts.get(key, 0) + 1
    return counts


# Source row (file, sheet, Excel row) -> (sheet, Excel row) of the row it became here.
RowTargets = dict[tuple[str, str, int], tuple[str, int]]


def _place(targets: RowTargets, found: dict[tuple[str, str, int], int], name: str,
           frame: pd.DataFrame, start: int) -> int:
    """Record where the rows of `frame`, written from position `start` of the sheet `name`
    (and its continuations «name (2)»…), went; only the rows findings point at (`found`, a
    few among a province's rows) are looked up. Returns the position after them."""
    if found and len(frame):
        _place_rows(targets, found, name, frame[FILE].astype(object).tolist(),
                    frame[SHEET].astype(object).tolist(), frame[ROW].astype("int64").tolist(),
                    start)
    return start + len(frame)


def _place_rows(targets: RowTargets, found: dict[tuple[str, str, int], int], name: str,
                files: list[Any], sheets: list[Any], rows: list[Any], start: int) -> None:
    """`_place` for rows given as their files', sheets' and Excel rows' lists."""
    per_sheet = SHEET_ROWS - 1
    # Plain lists and a dict: a lookup per row, none of pandas' per-element indexing (a
    # MultiIndex's __getitem__ took seconds at 45,000 findings).
    for position, key in enumerate(zip(files, sheets, rows, strict=True)):
        if key in found:
            part = (start + position) // per_sheet
            targets.setdefault(key, (name if part == 0 else f"{name} ({part + 1})",
                                     (start + position) % per_sheet + 2))


def _place_problem_rows(c: Consolidation, found: dict[tuple[str, str, int], int],
                        targets: RowTargets) -> None:
    """Where the rejected and superseded rows go on Lỗi dữ liệu and Bị thay thế, in the order
    `_problem_rows_sheet` writes them."""
    for name, status in ((SHEET_REJECTED, REJECTED), (SHEET_SUPERSEDED, SUPERSEDED)):
        start = 0
        for spec in ROW_SHEETS:
            frame = c.sheets[spec.key]
            start = _place(targets, found, name, frame[frame[STATUS] == status], start)


def _problem_rows_sheet(book: Workbook, styles: Styles, c: Consolidation, name: str,
                        status: str, blocks: BlockWriter) -> None:
    columns = [Col("Loại dữ liệu", 18), Col("Mã đơn vị", 11), Col("Tệp", 28), Col("Trang", 16),
               Col("Dòng", 7, "int"), Col("Lý do", 50), Col("Nội dung dòng", 80)]
    rows = []
    for spec in ROW_SHEETS:
        frame = c.sheets[spec.key]
        frame = frame[frame[STATUS] == status]
        for record in frame.to_dict("records"):
            content = "; ".join(f"{col.header}: {_show(record[col.key])}" for col in spec.columns
                                if not _empty(record[col.key]))
            rows.append([spec.title, record[UNIT], record[FILE], record[SHEET],
                         record[ROW], record[REASON], content])
    write_table(book, styles, name, columns, rows, blocks=blocks)


def _sources_sheet(book: Workbook, styles: Styles, c: Consolidation) -> None:
    counts: dict[int, dict[str, int]] = {}
    for spec in ROW_SHEETS:
        for file_id, n in c.sheets[spec.key][FILE_ID].value_counts().items():
            counts.setdefault(int(file_id), {})[spec.key] = int(n)
    columns = [Col("Tệp", 34), Col("Trạng thái", 16), Col("Mã đơn vị", 11),
               Col("Ngày gửi báo cáo", 12, "date"), Col("Lý do / ghi chú", 40),
               Col("Không tính là dữ liệu", 40),
               *(Col(f"Số dòng {spec.title}", 11, "int") for spec in ROW_SHEETS),
               Col("Trang tính trong tệp", 30), Col("Cột ngoài mẫu", 30), Col("Kích thước (byte)",
                                                                              11, "int"),
               Col("SHA-256", 66)]
    # Files saved from the mailbox by `dhtt-merge receive`: when (Vietnam time) and from whom.
    mailed = any(r.received_at for r in c.files)
    if mailed:
        columns[4:4] = [Col("Thời điểm nhận thư", 17), Col("Người gửi", 26)]
    rows = []
    for r in c.files:
        arrival = [r.received_at.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
                   if r.received_at else None, r.sender] if mailed else []
        rows.append([r.relpath, STATUS_LABELS[r.status], r.unit, r.submitted_on, *arrival,
                     r.reason, "; ".join(r.notes) or None,
                     *(counts.get(r.file_id, {}).get(spec.key, 0) for spec in ROW_SHEETS),
                     ", ".join(r.sheets), "; ".join(r.extra_columns), r.size or None, r.sha256])
    write_table(book, styles, SHEET_SOURCES, columns, rows)


def _empty(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, bool):
        return not value
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _show(value: Any) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d/%m/%Y")
    if value is True:
        return "x"
    return str(value)


__all__ = ["ACCEPTED", "write_workbook"]
