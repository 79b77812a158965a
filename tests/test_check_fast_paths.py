"""The consolidation's whole-column shortcuts give what the plain row-by-row definitions give.

Each test keeps a straightforward version (the definition, row by row, or the code the
shortcut replaced) as a reference and compares on inputs chosen to hit every branch."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from excel_pipeline.campaign import load_campaign
from excel_pipeline.check.rules import _distinct, duplicate_person
from excel_pipeline.check.submissions import row_status
from excel_pipeline.findings import FINDING_TYPES, Finding
from excel_pipeline.ingest.examples import inbox_and_day
from excel_pipeline.ingest.frames import (
    SourceRow,
    TablePiece,
    _typed,
    build_frame,
    stack,
)
from excel_pipeline.ingest.inbox import read_inbox
from excel_pipeline.ingest.normalise import parse_rows
from excel_pipeline.model import ACCEPTED, REJECTED, SUPERSEDED, FileRecord
from excel_pipeline.pipeline import consolidate
from excel_pipeline.template import (
    BY_KEY,
    CONSIDER,
    DTYPES,
    FILE,
    FILE_ID,
    REASON,
    ROW,
    SHEET,
    STATUS,
    UNIT,
)
from excel_pipeline.textnorm import fold


def _row_status_reference(frame: pd.DataFrame, files: list[FileRecord],
                          failed: dict[int, set[str]],
                          failure_messages: dict[int, list[str]]) -> pd.DataFrame:
    """`row_status` one row at a time, as it was first written."""
    by_id = {record.file_id: record for record in files}
    statuses, reasons, units = [], [], []
    for index, file_id in zip(frame.index, frame[FILE_ID], strict=True):
        record = by_id[int(file_id)]
        units.append(record.unit)
        if record.status != ACCEPTED:
            statuses.append(REJECTED if record.status == REJECTED else SUPERSEDED)
            reasons.append(record.reason)
        elif index in failed:
            statuses.append(REJECTED)
            reasons.append(" ".join(failure_messages.get(index, [])) or "Dữ liệu không hợp lệ")
        else:
            statuses.append(ACCEPTED)
            reasons.append(None)
    result = frame.copy()
    result[UNIT] = pd.array(units, dtype="string")
    result[STATUS] = pd.array(statuses, dtype="string")
    result[REASON] = pd.array(reasons, dtype="string")
    return result


def test_row_status_matches_the_row_by_row_definition():
    files = [FileRecord(7, "a.xlsx", unit="C1"),
             FileRecord(2, "b.xlsx", unit="C2", status=REJECTED, reason="Mã sai"),
             FileRecord(5, "c.xlsx", unit="C3", status=SUPERSEDED, reason="Đã có tệp mới hơn"),
             FileRecord(9, "d.xlsx", unit=None)]
    ids = [7, 2, 7, 5, 9, 7, 2, 9, 5, 7]
    frame = pd.DataFrame({FILE_ID: pd.array(ids, dtype="Int64"),
                          UNIT: pd.array(["x"] * len(ids), dtype="string"),
                          "full_name": [f"Người {i}" for i in range(len(ids))]},
                         index=pd.Index([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]))
    # Failed rows of an accepted file (with and without messages), of a rejected file, of a
    # superseded one, and a label the frame does not hold.
    failed = {12: {"birth_year"}, 15: {"gender"}, 11: {"gender"}, 13: {"x"}, 99: {"x"}}
    messages = {12: ["Năm sinh sai.", "Giới tính trống."], 11: ["Bỏ qua"], 99: ["?"]}
    expected = _row_status_reference(frame, files, failed, messages)
    pd.testing.assert_frame_equal(row_status(frame, files, failed, messages), expected,
                                  check_exact=True)
    pd.testing.assert_frame_equal(row_status(frame, files, {}, {}),
                                  _row_status_reference(frame, files, {}, {}), check_exact=True)
    empty = frame.iloc[:0]
    pd.testing.assert_frame_equal(row_status(empty, files, failed, messages),
                                  _row_status_reference(empty, files, failed, messages),
                                  check_exact=True)


def _duplicate_person_definition(frame: pd.DataFrame) -> list[Finding]:
    """DUPLICATE_PERSON by its definition, every row paired with every row: the same folded
    name and birth year in another unit, and no sex, ethnicity or ID number that both rows
    give and that differs (folded: «kinh» is «Kinh»). The message names the other units in
    code order, up to five, each with the position of its first such row."""
    traits = [column for column in ("gender", "ethnicity", "id_number") if column in frame]
    people = [row for row in frame.to_dict("records") if not any(
        pd.isna(row[column]) for column in (UNIT, "full_name", "birth_year"))]

    def folded(value: Any) -> str | None:
        return fold(value) or None if isinstance(value, str) else None

    def same_person(one: dict[str, Any], other: dict[str, Any]) -> bool:
        if (fold(one["full_name"]), one["birth_year"]) != \
                (fold(other["full_name"]), other["birth_year"]):
            return False
        return not any(folded(one[column]) and folded(other[column])
                       and folded(one[column]) != folded(other[column]) for column in traits)

    findings = []
    for row in people:
        first_position: dict[str, Any] = {}
        for other in people:
            if same_person(row, other):
                first_position.setdefault(other[UNIT], other["position"])
        others = sorted(unit for unit in first_position if unit != row[UNIT])
        if not others:
            continue
        shown = [f"{unit} ({first_position[unit]})"
                 if isinstance(first_position[unit], str) and first_position[unit] else unit
                 for unit in others[:5]]
        said = "".join(f", {row[column]}" for column in traits
                       if column != "id_number" and isinstance(row[column], str))
        findings.append(FINDING_TYPES["DUPLICATE_PERSON"].at(
            {}, {"unit": row[UNIT], "file": row[FILE], "sheet": row[SHEET], "row": int(row[ROW]),
                 "column": "Họ và tên", "value": row["full_name"]},
            name=row["full_name"], year=row["birth_year"], said=said, others="; ".join(shown),
            more=f" và {len(others) - 5} đơn vị khác" if len(others) > 5 else ""))
    return findings


def _people(with_id: bool) -> pd.DataFrame:
    """Delegates that hit every branch of the duplicate check: one person in nine units (more
    than the five a message names), one unit listing a person twice, names that fold alike
    («Hoà», «Hòa», «HOÀ»), namesakes told apart by sex, ethnicity or ID number, gaps in every
    column, positions given, blank and missing."""
    rows = []
    for unit in range(9):
        rows.append((f"U{unit}", "Nguyễn Văn Hoà" if unit % 3 else "NGUYỄN VĂN HÒA", 1980,
                     "Nam", "Kinh" if unit % 2 else "kinh", "001" if unit < 7 else None,
                     "Tổ trưởng" if unit % 4 else ("" if unit else None)))
    rows += [("U1", "Nguyễn Văn Hòa", 1980, "Nam", "Kinh", "001", "Phó"),  # listed twice
             ("U2", "Nguyễn Văn Hòa", 1980, "Nữ", "Kinh", None, "Kế toán"),  # another person
             ("U3", "Nguyễn Văn Hòa", 1980, None, None, None, None),  # agrees with everyone
             ("U4", "Nguyễn Văn Hòa", 1980, "Nam", "Tày", "002", "Thủ kho"),
             ("U5", "Nguyễn Văn Hòa", 1981, "Nam", "Kinh", None, "Bảo vệ"),  # another year
             ("U6", "Lê Thị Lan", None, "Nữ", "Kinh", None, "Công nhân"),  # no year
             ("U7", "Lê Thị Lan", 1990, "Nữ", "Kinh", None, "Công nhân"),
             ("U8", "Lê Thị Lan.", 1990, "Nữ", "Kinh", None, "Tổ phó"),
             ("U0", None, 1990, "Nữ", "Kinh", None, None),  # no name
             (None, "Lê Thị Lan", 1990, "Nữ", "Kinh", None, None),  # no unit
             ("U1", "Trần An", 1975, "Nam", "Kinh", None, None)]  # no one else
    frame = pd.DataFrame(rows, columns=[UNIT, "full_name", "birth_year", "gender", "ethnicity",
                                        "id_number", "position"])
    if not with_id:
        frame = frame.drop(columns=["id_number"])
    frame[FILE] = frame[UNIT].fillna("x") + ".xlsx"
    frame[SHEET] = "Đại biểu"
    frame[ROW] = pd.array(range(4, 4 + len(frame)), dtype="Int64")
    frame["birth_year"] = frame["birth_year"].astype("Int64")
    for column in {UNIT, "full_name", "gender", "ethnicity", "id_number",
                   "position", FILE, SHEET} & set(frame.columns):
        frame[column] = frame[column].astype("string")
    return frame


@pytest.mark.parametrize("with_id", [True, False])
def test_duplicate_person_matches_its_row_by_row_definition(with_id):
    frame = _people(with_id)
    rules = SimpleNamespace(c=SimpleNamespace(considered=lambda key: frame,
                                              registry=SimpleNamespace(roots=[]),
                                              campaign=SimpleNamespace(severities={})))
    found = duplicate_person(rules)  # type: ignore[arg-type]
    assert found == _duplicate_person_definition(frame)
    assert len(found) > 10
    # Nothing shared, and nothing named at all.
    alone = frame[frame[UNIT] == "U1"]
    rules.c.considered = lambda key: alone
    assert duplicate_person(rules) == _duplicate_person_definition(alone) == []  # type: ignore[arg-type]
    nameless = frame.assign(full_name=pd.array([None] * len(frame), dtype="string"))
    rules.c.considered = lambda key: nameless
    assert duplicate_person(rules) == _duplicate_person_definition(nameless) == []  # type: ignore[arg-type]


def _typed_reference(values: list[Any], dtype: str) -> Any:
    """`_typed` of text and flags as first written: pandas given the Python list."""
    if dtype == "boolean":
        return pd.array([bool(v) if v is not None else None for v in values], dtype="boolean")
    return pd.array(values, dtype=dtype)


def test_distinct_listings_are_numpys_unique():
    """The listings of duplicate_person are made distinct by sorting (numpy 2's hash table is
    slow on them): the same values as `np.unique`, with repeats, none, one, extremes."""
    rng = np.random.default_rng(7)
    cases = [np.array([], dtype=np.int64), np.array([5], dtype=np.int64),
             np.array([3, 3, 3], dtype=np.int64), np.array([2**62, 0, 2**62, 1], dtype=np.int64),
             *(rng.integers(0, high, size) for high, size in ((4, 50), (10**12, 10_000),
                                                              (300, 10_000)))]
    for values in cases:
        before = values.copy()
        got = _distinct(values)
        assert np.array_equal(got, np.unique(values)) and got.dtype == values.dtype
        assert np.array_equal(values, before)  # the caller's array is left as it was


@pytest.mark.parametrize("dtype, values", [
    ("boolean", [True, False, None, True, None]),
    ("boolean", [False, 1, 0, "x", None, 2.5]),  # any value stands for its truth
    ("boolean", []),
    ("string", ["Nguyễn Văn An", None, "", "Kinh", None]),
    ("string", [None, None]),
    ("string", []),
])
def test_typed_text_and_flags_match_pandas_given_the_list(dtype, values):
    expected = _typed_reference(values, dtype)
    for given in (values, np.fromiter(values, dtype=object, count=len(values))):
        got = _typed(given, dtype)
        pd.testing.assert_extension_array_equal(got, expected)


def test_stack_joins_pieces_like_one_frame_of_all_their_rows():
    """Pieces with no rows, units missing, every column type: the stacked frame is the one
    `build_frame` makes of the same rows."""
    spec = BY_KEY["delegates"]
    rows_a = [{"full_name": "An", "birth_year": 1980, "leader": "x", "presidium": None,
               "gender": "Nam", "note": None},
              {"full_name": None, "birth_year": "?", "leader": None, "gender": "nu"}]
    rows_c = [{"full_name": "Cúc", "leader": "có", "emulation_soldier": "x"}]
    pieces = [(3, "a.xlsx", "Đại biểu", [4, 5], "U1", rows_a), (4, "b.xlsx", "DB", [], None, []),
              (9, "c.xlsx", "Đại biểu", [7], None, rows_c)]
    stacked, problems = stack(spec, [
        TablePiece(parse_rows(spec, rows), file_id, file, sheet, excel_rows, unit)
        for file_id, file, sheet, excel_rows, unit, rows in pieces])
    whole, whole_problems = build_frame(spec, [
        SourceRow(file_id, file, sheet, row, values, unit)
        for file_id, file, sheet, excel_rows, unit, rows in pieces
        for row, values in zip(excel_rows, rows, strict=True)])
    reference = whole.copy()
    for column in spec.columns:  # typed as first written, from the Python lists
        if DTYPES[column.kind] in ("boolean", "string"):
            reference[column.key] = _typed_reference(
                parse_rows(spec, rows_a + rows_c).columns[column.key], DTYPES[column.kind])
    pd.testing.assert_frame_equal(stacked, reference, check_exact=True)
    pd.testing.assert_frame_equal(whole, reference, check_exact=True)
    assert problems == whole_problems


def test_views_of_a_consolidation_are_kept_only_for_the_frame_they_were_made_of():
    """accepted / considered / considered_in_order are made once and shared; a consolidation
    replaced with other sheets (it shares the memo) gets views of its own sheets."""
    campaign = load_campaign(None)
    inbox, as_of = inbox_and_day(None, campaign, None)
    c = consolidate(read_inbox(inbox, limits=campaign.limits, workers=1), campaign, as_of)
    assert len(c.sheets["delegates"]) > 10
    frame = c.sheets["delegates"]
    assert c.considered("delegates") is c.considered("delegates")
    pd.testing.assert_frame_equal(
        c.accepted("delegates"), frame[frame[STATUS] == ACCEPTED])
    considered = frame[(frame[STATUS] == ACCEPTED) & frame[CONSIDER].isna()]
    pd.testing.assert_frame_equal(c.considered("delegates"), considered)
    pd.testing.assert_frame_equal(c.considered_in_order("delegates"),
                                  considered.sort_values([FILE_ID, ROW], kind="stable"))
    fewer = frame.iloc[::2]
    other = dataclasses.replace(c, sheets={**c.sheets, "delegates": fewer})
    assert other.memo is c.memo
    pd.testing.assert_frame_equal(other.accepted("delegates"), fewer[fewer[STATUS] == ACCEPTED])
    pd.testing.assert_frame_equal(
        other.considered_in_order("delegates"),
        fewer[(fewer[STATUS] == ACCEPTED) & fewer[CONSIDER].isna()].sort_values(
            [FILE_ID, ROW], kind="stable"))
    pd.testing.assert_frame_equal(c.accepted("delegates"), frame[frame[STATUS] == ACCEPTED])


def test_views_are_their_definitions_and_the_considered_rows_share_the_accepted_ones():
    """Rows in file order or not, a row without its number; with rows rejected and none set
    aside, the considered view shares the accepted one's data rather than being a copy of its
    own; the accepted view shares the sheet's where its rows come first (as settled), and is
    a copy where they do not; changing a view leaves the sheet as it was."""
    campaign = load_campaign(None)
    inbox, as_of = inbox_and_day(None, campaign, None)
    c = consolidate(read_inbox(inbox, limits=campaign.limits, workers=1), campaign, as_of)
    frame = c.sheets["delegates"]
    kept = frame[frame[CONSIDER].isna()]
    assert (kept[STATUS] != ACCEPTED).any() and (kept[STATUS] == ACCEPTED).any()
    shuffled = kept.sample(frac=1, random_state=7)
    gap = kept.copy()
    gap.loc[gap.index[1], ROW] = pd.NA
    gap = gap.iloc[::-1]
    for sheet in (kept, shuffled, gap):
        other = dataclasses.replace(c, sheets={**c.sheets, "delegates": sheet}, memo={})
        accepted = sheet[sheet[STATUS] == ACCEPTED]
        pd.testing.assert_frame_equal(other.accepted("delegates"), accepted)
        pd.testing.assert_frame_equal(other.considered("delegates"), accepted)
        pd.testing.assert_frame_equal(other.considered_in_order("delegates"),
                                      accepted.sort_values([FILE_ID, ROW], kind="stable"))
    other = dataclasses.replace(c, sheets={**c.sheets, "delegates": kept}, memo={})
    accepted, view = other.accepted("delegates"), other.considered_in_order("delegates")
    assert np.shares_memory(view[FILE_ID].to_numpy(), accepted[FILE_ID].to_numpy())
    assert np.shares_memory(accepted[FILE_ID].to_numpy(), kept[FILE_ID].to_numpy())
    mixed = dataclasses.replace(c, sheets={**c.sheets, "delegates": shuffled}, memo={})
    assert not np.shares_memory(mixed.accepted("delegates")[FILE_ID].to_numpy(),
                                shuffled[FILE_ID].to_numpy())
    view.loc[view.index[0], "full_name"] = "Đã đổi"
    view["_added"] = 1
    assert "_added" not in kept.columns and "Đã đổi" not in set(kept["full_name"])
    assert "_added" not in accepted.columns and "Đã đổi" not in set(accepted["full_name"])



def test_rows_already_in_file_order_are_not_sorted_again(monkeypatch):
    """The ordered view of a sheet whose rows merging left in file order (all of them, as
    stacked) is made without a sort; rows out of that order, within a file too, are sorted."""
    campaign = load_campaign(None)
    inbox, as_of = inbox_and_day(None, campaign, None)
    c = consolidate(read_inbox(inbox, limits=campaign.limits, workers=1), campaign, as_of)
    sorts: list[int] = []
    real = pd.DataFrame.sort_values

    def counted(self: pd.DataFrame, *args: Any, **kwargs: Any) -> pd.DataFrame:
        sorts.append(len(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "sort_values", counted)
    kept = c.sheets["delegates"]
    view = dataclasses.replace(c, memo={}).considered_in_order("delegates")
    assert sorts == [] and len(view) > 10
    one_file = kept[kept[FILE_ID] == kept[FILE_ID].iloc[0]]
    swapped = pd.concat([one_file.iloc[1:], one_file.iloc[:1]])  # a row out of order in a file
    for sheet in (swapped, kept.iloc[::-1]):
        other = dataclasses.replace(c, sheets={**c.sheets, "delegates": sheet}, memo={})
        considered = other.considered("delegates")
        ordered = other.considered_in_order("delegates")
        assert sorts and sorts[-1] == len(considered)
        pd.testing.assert_frame_equal(ordered, real(considered, [FILE_ID, ROW], kind="stable"))


def test_tree_order_is_sorting_the_whole_frame():
    """`tree_order` sorts only its four keys and takes the rows (or leaves a frame already in
    order as it is): the same rows, in the same order, as sorting the whole frame by them; the
    column-by-column take of the consolidated sheets gives the same columns."""
    from excel_pipeline.write.summary import tree_order, tree_positions

    campaign = load_campaign(None)
    inbox, as_of = inbox_and_day(None, campaign, None)
    c = consolidate(read_inbox(inbox, limits=campaign.limits, workers=1), campaign, as_of)

    def definition(frame: pd.DataFrame) -> pd.DataFrame:
        rank = {code: i for i, code in enumerate(c.registry.order)}
        order = frame[UNIT].map(rank).fillna(len(rank))
        return frame.assign(_rank=order).sort_values(["_rank", FILE, SHEET, ROW],
                                                     kind="stable").drop(columns="_rank")

    frame = c.accepted("delegates")
    in_order = definition(frame)
    assert not in_order.index.equals(frame.index)  # the example's files are not in tree order
    unknown = frame.copy()
    unknown.loc[unknown.index[::7], UNIT] = None  # units the registry does not list go last
    for sheet in (frame, frame.sample(frac=1, random_state=3), unknown, in_order,
                  frame.iloc[:0], c.accepted("nominations")):
        pd.testing.assert_frame_equal(tree_order(c, sheet), definition(sheet))
        order = tree_positions(c, sheet)
        for key in (UNIT, FILE, ROW, "full_name" if "full_name" in sheet else "name"):
            taken = sheet[key] if order is None else sheet[key].take(order)
            assert taken.tolist() == definition(sheet)[key].tolist()
    assert tree_positions(c, in_order) is None and tree_order(c, in_order) is in_order



def test_column_lists_are_tolist_with_each_distinct_value_one_object():
    """`column_list` gives what `tolist` gives, value for value and type for type (a missing
    value as `tolist` makes it: <NA>, NaN, NaT), in the order asked; the cells of numbers and
    dates are then shared among equal values, where `tolist` made an object per row."""
    from excel_pipeline.write.summary import column_list

    rng = np.random.default_rng(5)
    n = 2_000
    frame = pd.DataFrame({
        "Int64": pd.array(rng.integers(1940, 2010, n), dtype="Int64"),
        "int64": rng.integers(300, 400, n),
        "Float64": pd.array(rng.integers(1, 9, n) / 2, dtype="Float64"),
        "float64": rng.integers(1, 9, n) / 2,
        "dates": pd.to_datetime(rng.integers(0, 40, n), unit="D"),
        "text": pd.array(rng.choice(["An", "Bình", None], n), dtype="string"),
        "flags": pd.array(rng.choice([True, False, None], n), dtype="boolean"),
        "distinct": np.arange(n) + 1_000,
    })
    frame.loc[[3, 700], ["Int64", "Float64", "float64", "dates"]] = [pd.NA, pd.NA, np.nan, pd.NaT]

    def same(a: Any, b: Any) -> bool:
        return type(a) is type(b) and (a is b or a == b or (a != a and b != b))

    for order in (None, rng.permutation(n), np.arange(0)):
        for key in frame:
            expected = (frame[key] if order is None else frame[key].take(order)).tolist()
            got = column_list(frame, key, order)
            assert len(got) == len(expected)
            assert all(same(a, b) for a, b in zip(got, expected, strict=True)), key
            if len(got) and key in ("Int64", "int64", "dates"):
                assert len({id(value) for value in got}) <= frame[key].nunique() + 1


def test_settled_sheets_put_their_accepted_rows_first_in_the_order_they_had():
    """`settle` reorders each sheet, accepted rows first: the rows of each status are those
    merging gave, in the same order, so nothing that takes a sheet's rows by status changes."""
    from excel_pipeline.check.consolidate import merge_inbox
    from excel_pipeline.model import accepted_first

    campaign = load_campaign(None)
    inbox, as_of = inbox_and_day(None, campaign, None)
    read = read_inbox(inbox, limits=campaign.limits, workers=1)
    merged = merge_inbox(read, campaign, as_of)
    settled = consolidate(read, campaign, as_of)
    reordered = 0
    for key, before in merged.sheets.items():
        after = settled.sheets[key]
        statuses = after[STATUS].tolist()
        count = statuses.count(ACCEPTED)
        assert statuses[:count] == [ACCEPTED] * count
        for status in set(before[STATUS].dropna()):
            pd.testing.assert_frame_equal(after[after[STATUS] == status].drop(columns=CONSIDER),
                                          before[before[STATUS] == status])
        reordered += not after.index.equals(before.index)
    assert reordered  # the example rejects rows among accepted ones
    in_order = settled.sheets["delegates"]
    assert accepted_first(in_order) is in_order
