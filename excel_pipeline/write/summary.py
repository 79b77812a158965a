"""The figures of the Tổng hợp and Kết quả thi đua sheets, rolled up from leaves to the root.

Pure functions over the consolidation: one row per unit in tree order, and after each unit that
has subordinates a subtotal row over its whole subtree (the root's subtotal is the grand total).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..check.rules import PLENARY
from ..findings import title_of
from ..model import ACCEPTED, REJECTED, SKIPPED, SUPERSEDED, Consolidation, FileRole
from ..template import FILE, ROW, SHEET, STATUS, UNIT
from ..textnorm import fold, percent

COUNT_KEYS = ("members", "delegates", "exemplary", "guests", "women", "minority", "direct",
              "nominations", "errors", "warnings")
SHARES = {"exemplary_share": "exemplary", "women_share": "women", "minority_share": "minority",
          "direct_share": "direct"}


def tree_order(c: Consolidation, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted as the registry lists their units (then by source file and row), so every
    sheet and the upward submission read in the same order as the Tổng hợp sheet."""
    order = tree_positions(c, frame)
    return frame if order is None else frame.take(order)


def tree_positions(c: Consolidation, frame: pd.DataFrame) -> np.ndarray | None:
    """The positions of `frame`'s rows in tree order (`tree_order`), or None when they are in
    it already. Only the four sort keys are sorted: a sheet of a province's rows is then taken
    column by column where it is written (`workbook._rows_sheet`), or not at all, where
    sorting the frame copied every column of 1.5 million rows at once."""
    rank = {code: i for i, code in enumerate(c.registry.order)}
    keys = pd.DataFrame({"_rank": frame[UNIT].map(rank).fillna(len(rank)).to_numpy(),
                         FILE: frame[FILE].array, SHEET: frame[SHEET].array,
                         ROW: frame[ROW].array}, index=pd.RangeIndex(len(frame)))
    order = keys.sort_values(["_rank", FILE, SHEET, ROW], kind="stable").index.to_numpy()
    if np.array_equal(order, np.arange(len(order))):
        return None
    return order


def column_list(frame: pd.DataFrame, key: str, order: np.ndarray | None = None) -> list[Any]:
    """`frame[key].tolist()`, in the order of the positions `order` when given, with each
    distinct value one object where the column's cells are not objects already (numbers,
    dates). A province's sheet written as column lists (`workbook._rows_sheet`) made an int
    object for every row number, STT and birth year of 1.5 million delegates, 140 MB held
    until the sheet was written; their distinct values are a few hundred. Text columns hold
    their texts' objects already: their list is taken as it is."""
    values = frame[key] if order is None else frame[key].take(order)
    if values.dtype == object or isinstance(values.dtype, pd.StringDtype) \
            or pd.api.types.is_bool_dtype(values.dtype):
        return values.tolist()
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) * 4 > len(values):  # mostly distinct: nothing to share
        return values.tolist()
    # The objects `tolist` makes for the distinct values, and for a missing one (-1, last).
    objects = np.array([*pd.Series(uniques, dtype=values.dtype).tolist(),
                        *values[values.isna()].iloc[:1].tolist()], dtype=object)
    shared: list[Any] = objects[codes].tolist()
    return shared


def unit_figures(c: Consolidation) -> dict[str, dict[str, Any]]:
    """Each unit's own figures (not its subtree's), from accepted rows only.

    Computed once per consolidation (kept in its `memo`, a view of its frozen data): the sheet,
    the charts, the terminal summary, the e-mail and gui-cap-tren.xlsx all ask for them."""
    if "unit_figures" not in c.memo:
        c.memo["unit_figures"] = _unit_figures(c)
    figures: dict[str, dict[str, Any]] = c.memo["unit_figures"]
    return figures


def _unit_figures(c: Consolidation) -> dict[str, dict[str, Any]]:
    figures: dict[str, dict[str, Any]] = {code: dict.fromkeys(COUNT_KEYS, 0)
                                          for code in c.registry.order}
    for code, unit in c.registry.units.items():
        figures[code]["members"] = unit.members or 0
    # The two columns read, boxed as `to_dict` boxes them (not every column of the frame).
    read = [key for key in ("unit_code", "members") if key in c.info.columns]
    for row in c.info[read].to_dict("records"):
        code = str(row["unit_code"])
        if code in figures and not pd.isna(row["members"]):
            figures[code]["members"] = int(row["members"])
    delegates = c.accepted("delegates")
    flags = pd.DataFrame({
        "delegates": 1,
        "exemplary": (delegates["delegate_type"] == "Điển hình tiên tiến").fillna(False),
        "guests": (delegates["delegate_type"] == "Khách mời").fillna(False),
        "women": (delegates["gender"] == "Nữ").fillna(False),
        "minority": _each_distinct(delegates["ethnicity"], is_minority),
        "direct": delegates["direct_worker"].fillna(False).astype(bool),
    }, index=delegates.index)
    for code, counts in flags.groupby(delegates[UNIT]).sum().iterrows():
        if code in figures:
            figures[str(code)].update({key: int(value) for key, value in counts.items()})
    for code, count in c.accepted("nominations")[UNIT].value_counts().items():
        if code in figures:
            figures[str(code)]["nominations"] = int(count)
    severity_counts = Counter((f.unit, f.severity) for f in c.findings)
    for code, fig in figures.items():
        fig["errors"] = severity_counts[(code, "error")]
        fig["warnings"] = severity_counts[(code, "warning")]
    return figures


def _each_distinct(values: pd.Series, test: Callable[[Any], bool]) -> pd.Series:
    """`test` of each value, False where missing; called once per distinct value (a province
    has 150,000 delegates and a few dozen ethnicities)."""
    codes, distinct = pd.factorize(values)
    outcomes = np.array([test(value) for value in distinct] + [False], dtype=bool)
    return pd.Series(outcomes[codes], index=values.index)  # code -1 (missing) takes the False


def is_minority(ethnicity: str | None) -> bool:
    """An ethnic-minority delegate: any stated ethnicity other than Kinh."""
    key = fold(ethnicity)
    return bool(key) and key != "kinh"


def summary_rows(c: Consolidation) -> list[dict[str, Any]]:
    """Rows of the Tổng hợp sheet: units in tree order, each parent followed by its subtotal."""
    figures = unit_figures(c)
    statuses = unit_statuses(c)
    rows: list[dict[str, Any]] = []

    def visit(code: str) -> dict[str, Any]:
        unit = c.registry.units[code]
        own = figures[code]
        rows.append(_with_shares({"kind": "unit", "unit": code, "name": unit.name,
                                  "level": unit.level.name, "depth": unit.depth,
                                  "status": statuses[code], **own}))
        total = dict(own)
        if unit.children:
            for child in unit.children:
                child_total = visit(child)
                for key in COUNT_KEYS:
                    total[key] += child_total[key]
            label = "TỔNG CỘNG" if unit.parent is None else "Cộng"
            rows.append(_with_shares({"kind": "total" if unit.parent is None else "subtotal",
                                      "unit": code, "name": f"{label}: {unit.name}",
                                      "level": unit.level.name, "depth": unit.depth,
                                      "status": "", **total}))
        return total

    for root in c.registry.roots:
        visit(root)
    return rows


def unit_statuses(c: Consolidation) -> dict[str, str]:
    """Submission status of each unit, in Vietnamese."""
    files_by_unit: dict[str, list[str]] = {}
    for record in c.files:
        if record.unit and record.role == FileRole.SUBMISSION:
            files_by_unit.setdefault(record.unit, []).append(record.status)
    statuses: dict[str, str] = {}
    for code, unit in c.registry.units.items():
        sent = files_by_unit.get(code, [])
        if ACCEPTED in sent:
            statuses[code] = "Đã gửi" + (" (có bản thay thế)" if len(sent) > 1 else "")
        elif sent:
            statuses[code] = "Tệp bị loại"
        elif unit.parent is None:
            statuses[code] = "Đơn vị tổng hợp"
        elif not unit.level.submits:
            statuses[code] = "Không phải gửi"
        else:
            statuses[code] = "Chưa gửi"
    return statuses


def _with_shares(row: dict[str, Any]) -> dict[str, Any]:
    total = row["delegates"]
    for share, key in SHARES.items():
        row[share] = (row[key] / total) if total else None
    return row


def indicator_catalogue(c: Consolidation) -> dict[str, tuple[str | None, str | None]]:
    """code -> (name, measure): the campaign's catalogue first, then codes units reported that
    it lacks, named as the first unit named them."""
    catalogue: dict[str, tuple[str | None, str | None]] = {
        ind.code: (ind.name, ind.measure) for ind in c.campaign.indicators}
    for row in c.accepted("indicators").drop_duplicates("code").to_dict("records"):
        name, measure = (None if pd.isna(row[key]) else row[key] for key in ("name", "measure"))
        catalogue.setdefault(str(row["code"]), (name, measure))
    return catalogue


def indicator_columns(c: Consolidation) -> list[tuple[str, str]]:
    """(code, header) of the Kết quả thi đua columns: the catalogue first, then others reported."""
    return [(code, f"{name or code} ({measure})" if measure else str(name or code))
            for code, (name, measure) in indicator_catalogue(c).items()]


def indicator_rows(c: Consolidation) -> list[dict[str, Any]]:
    """Units × indicators, summed, in tree order with subtotals like the Tổng hợp sheet.

    Computed once per consolidation (kept in its `memo`, like `unit_figures`): the sheet and
    gui-cap-tren.xlsx both ask for them; callers read the rows, never change them."""
    if "indicator_rows" not in c.memo:
        c.memo["indicator_rows"] = _indicator_rows(c)
    rows: list[dict[str, Any]] = c.memo["indicator_rows"]
    return rows


def _indicator_rows(c: Consolidation) -> list[dict[str, Any]]:
    reported = c.accepted("indicators")
    # Indicator values may be fractional (a share, an amount): summed as floats.
    own: dict[str, dict[str, float]] = {code: {} for code in c.registry.order}
    sums = reported.groupby([UNIT, "code"], dropna=True)["value"].sum()
    for (unit, code), value in sums.items():
        if unit in own and not pd.isna(value):
            values = own[str(unit)]
            values[str(code)] = values.get(str(code), 0.0) + float(value)
    rows: list[dict[str, Any]] = []

    def visit(code: str) -> dict[str, float]:
        unit = c.registry.units[code]
        rows.append({"kind": "unit", "unit": code, "name": unit.name, "depth": unit.depth,
                     "values": dict(own[code])})
        total = dict(own[code])
        if unit.children:
            for child in unit.children:
                for key, value in visit(child).items():
                    total[key] = total.get(key, 0.0) + value
            label = "TỔNG CỘNG" if unit.parent is None else "Cộng"
            rows.append({"kind": "total" if unit.parent is None else "subtotal", "unit": code,
                         "name": f"{label}: {unit.name}", "depth": unit.depth,
                         "values": dict(total)})
        return total

    for root in c.registry.roots:
        visit(root)
    return rows


def grand_total(c: Consolidation) -> dict[str, Any] | None:
    """The TỔNG CỘNG row of the Tổng hợp sheet (None when the tree has no subordinates)."""
    return next((row for row in summary_rows(c) if row["kind"] == "total"), None)


def summary_lines(c: Consolidation) -> list[str]:
    """The run in a few lines and a compact table: what the terminal prints and what the e-mail
    body says, with the same counts as the charts of the Tổng hợp sheet."""
    statuses = Counter(r.status for r in c.files)
    lines = [
        *([f"Lưu ý: {EXAMPLE_NOTE}, vì lệnh không ghi THƯ_MỤC_HỒ_SƠ."] if c.example else []),
        f"Đợt thi đua: {c.campaign.id} – {c.campaign.name}",
        f"Tính đến ngày: {c.as_of:%d/%m/%Y}",
        f"Tệp: {statuses[ACCEPTED]} được tổng hợp, {statuses[SUPERSEDED]} bị "
        f"thay thế, {statuses[REJECTED]} bị loại, {statuses[SKIPPED]} bỏ qua",
    ]
    for key, label in (("delegates", "Đại biểu"), ("nominations", "Đề nghị khen thưởng"),
                       ("indicators", "Kết quả thi đua"), ("registrations", "Đăng ký thi đua")):
        counts = c.sheets[key][STATUS].value_counts()
        lines.append(f"{label}: {counts.get(ACCEPTED, 0)} dòng hợp lệ, "
                     f"{counts.get('rejected', 0)} dòng lỗi, "
                     f"{counts.get('superseded', 0)} dòng bị thay thế")
    total = grand_total(c)
    if total and total["delegates"]:
        shares = "; ".join(f"{label} {percent(total[key])}" for key, label in CHART_SHARES)
        over = sum(1 for item in delegates_against_cap(c) if item[2] is not None
                   and item[1] > item[2])
        lines.append(f"Tỷ lệ đại biểu: {shares}; đơn vị vượt số đại biểu tối đa: {over}")
    severities = Counter(f.severity for f in c.findings)
    lines.append(f"Phát hiện: {severities.get('error', 0)} lỗi, "
                 f"{severities.get('warning', 0)} cảnh báo, {severities.get('info', 0)} thông tin "
                 "(xem trang «Phát hiện»)")
    for code, count in findings_by_code(c):
        lines.append(f"  {code:<22}{count:>6}  {title_of(code, c.campaign)}")
    return lines


EXAMPLE_NOTE = "DỮ LIỆU MẪU: hộp thư mẫu kèm theo chương trình, không phải hồ sơ thật"

CHART_SHARES = (("exemplary_share", "điển hình tiên tiến"), ("women_share", "nữ"),
                ("minority_share", "dân tộc thiểu số"))


def findings_by_code(c: Consolidation) -> list[tuple[str, int]]:
    """(code, count), most frequent first: the findings chart and the terminal table."""
    counts = Counter(f.code for f in c.findings)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def delegates_against_cap(c: Consolidation) -> list[tuple[str, int, int | None]]:
    """(unit, delegates, cap of its level or None when exempt) for units that sent delegates;
    a plenary conference has no cap (docs/domain.md, Findings)."""
    figures = unit_figures(c)
    # The two columns read, boxed as `to_dict` boxes them (not every column of the frame).
    read = [key for key in ("unit_code", "conference_form") if key in c.info.columns]
    forms = {str(row["unit_code"]): row.get("conference_form")
             for row in c.info[read].to_dict("records")}
    result = []
    for code in c.registry.order:
        count = figures[code]["delegates"]
        if not count:
            continue
        cap = c.registry.units[code].level.delegate_cap
        result.append((code, count, None if forms.get(code) == PLENARY else cap))
    return result
