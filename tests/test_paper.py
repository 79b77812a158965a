"""The lines a text takes on paper (`write.paper`): a few texts whose lines are known, and
`RowHeights` (its shortcuts: text shorter than a line's sure length, each column's distinct
texts measured once, rows found a column at a time) giving each row the lines of its tallest
cell by `lines_in`, on texts of Vietnamese letters, other letters, odd spaces and symbols, at
many widths; and the choice of a table's widths (`lines_at_widths`, `_Layout`: every text at
every width at once) giving what measuring each text at each width with `lines_in` gives.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from excel_pipeline.write.paper import (
    LOOK_AHEAD,
    RowHeights,
    _Layout,
    line_points,
    lines_at_widths,
    lines_in,
    room,
    word_ems,
)

# Vietnamese letters (wide and narrow), spaces of other kinds, a tab, symbols, letters from
# other scripts (a full em each), a Latin letter outside the table (its base letter's width).
LETTERS = list("aăâbcdđeêghiklmnoôơpqrstuưvxyWMmĐƯƠáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọ"
               "ốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")
ALPHABET = [*LETTERS, *" " * 8, "\xa0", "\t", "\u2003", "-", "–", "…", "“", "%", "@", "中", "Ø",
            "Å"]
TEXTS = st.text(alphabet=st.sampled_from(ALPHABET), min_size=1, max_size=60)
WIDTHS = st.floats(min_value=3.0, max_value=60.0).map(lambda width: round(width * 2) / 2)


def test_known_texts_take_their_known_lines():
    """A name that fits, the same name a little narrower, a word longer than two lines, the
    text's own line breaks."""
    name = "Huỳnh Xuân Hạnh Khoa"  # 9.97 ems
    assert room(23.0) > 9.97 > room(22.0)
    assert lines_in(name, 23.0) == 1
    assert lines_in(name, 22.0) == 2
    long_word = "W" * 30  # 28.3 ems: three lines of 10.2, the last partly filled
    assert lines_in(long_word, 23.0) == math.ceil(word_ems(long_word) / room(23.0)) == 3
    assert lines_in("An\nBình\n\nCường", 30.0) == 4
    assert lines_in("", 30.0) == 1


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(TEXTS, st.one_of(st.none(), st.integers()),
                               st.lists(TEXTS, min_size=1, max_size=3).map("\n".join)),
                     min_size=1, max_size=8),
       widths=st.tuples(WIDTHS, WIDTHS))
def test_row_heights_are_the_lines_of_the_tallest_cell(rows, widths):
    heights = RowHeights((widths[0], None, widths[1]))
    expected = []
    for row in rows:
        lines = max(lines_in(row[0], widths[0]), lines_in(row[2], widths[1]))
        expected.append(None if lines == 1 else lines * line_points())
    assert [heights(row) for row in rows] == expected
    columns = [list(column) for column in zip(*rows, strict=True)]
    assert RowHeights((widths[0], None, widths[1])).of_columns(columns, len(rows)) == expected


# Texts of a few lines, with words up to longer than a narrow line («W» and «中» are wide).
LONG_WORDS = st.sampled_from(["W" * 14, "中" * 9, "Nguyễn" * 4, "Đ" * 25])
LINES = st.lists(st.one_of(TEXTS, LONG_WORDS), min_size=1, max_size=3).map(" ".join)
PARAGRAPHS = st.lists(LINES, min_size=1, max_size=3).map("\n".join)
POINTS = st.sampled_from([11.0, 8.5, 14.0])


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.one_of(PARAGRAPHS, st.just("")), min_size=1, max_size=10),
       low=st.integers(min_value=3, max_value=30), span=st.integers(min_value=0, max_value=40),
       points=POINTS)
def test_lines_at_every_width_at_once_are_lines_in_at_each_width(texts, low, span, points):
    widths = [float(width) for width in range(low, low + span + 1)]
    table = lines_at_widths(texts, widths, points)
    assert table.tolist() == [[lines_in(text, width, points) for width in widths]
                              for text in texts]


def _measured(texts: dict[int, list[str]], position: int, width: float) -> list[int]:
    """Each sampled row's lines in this column at this width, by `lines_in`."""
    return [lines_in(text, width) if text else 1 for text in texts[position]]


def _tallest(texts: dict[int, list[str]], widths: list[float]) -> list[int]:
    columns = [_measured(texts, position, widths[position]) for position in sorted(texts)]
    return [max(row) for row in zip(*columns, strict=True)]


def _hand_out(texts, highs, widths, spare):
    """`_Layout.hand_out` by its definition: widen, a few units at a time, the column that
    saves the most lines a unit (the first column and the fewest units on a tie)."""
    widths = list(widths)
    while spare >= 1:
        total = sum(_tallest(texts, widths))
        best = None
        for position in sorted(texts):
            for units in range(1, int(min(LOOK_AHEAD, highs[position] - widths[position],
                                          spare)) + 1):
                wider = {**dict(enumerate(widths)), position: widths[position] + units}
                saved = total - sum(_tallest(texts, [wider[index] for index in
                                                     range(len(widths))]))
                if saved > 0 and (best is None or saved / units > best[0]):
                    best = (saved / units, position, units)
        if best is None:
            return widths
        widths[best[1]] += best[2]
        spare -= best[2]
    return widths


def _take_back(texts, lows, widths, excess):
    """`_Layout.take_back` by its definition: narrow, a few units at a time, the column that
    adds the fewest lines a unit."""
    widths = list(widths)
    while excess > 0:
        total = sum(_tallest(texts, widths))
        best = None
        for position in sorted(texts):
            for units in range(1, int(min(LOOK_AHEAD, widths[position] - lows[position])) + 1):
                narrower = list(widths)
                narrower[position] -= units
                added = sum(_tallest(texts, narrower)) - total
                if best is None or added / units < best[0]:
                    best = (added / units, position, units)
        if best is None:
            return widths
        widths[best[1]] -= best[2]
        excess -= best[2]
    return widths


def _narrowest_for(text: str, low: int, high: int, most: int) -> int:
    """The narrowest width for at most `most` lines, by the bisection `for_lines` makes."""
    narrow, wide = low, high
    while narrow < wide:
        middle = (narrow + wide) // 2
        if lines_in(text, float(middle)) <= most:
            wide = middle
        else:
            narrow = middle + 1
    return narrow


@settings(max_examples=60, deadline=None)
# Two columns that save lines a unit alike: the first column and the fewest units are chosen.
@example(columns=[(8, 5, ["@ @@ aaaaa\nWWWWWWWWWWWWWW WWWWWWWWWWWWWW @@"]),
                  (5, 1, ["", "", "@ @ @\n@ WWWWWWWWWWWWWW @"])],
         picks=[0, 0, 0, 2, 2], spare=5, most=1)
@given(columns=st.lists(st.tuples(st.integers(min_value=3, max_value=12),
                                  st.integers(min_value=0, max_value=25),
                                  st.lists(st.one_of(PARAGRAPHS, st.just("")), min_size=1,
                                           max_size=4)),
                        min_size=1, max_size=3),
       picks=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=12),
       spare=st.integers(min_value=0, max_value=30), most=st.integers(min_value=1, max_value=4))
def test_the_layouts_widths_are_those_measuring_each_text_at_each_width_gives(
        columns, picks, spare, most):
    # A table with a number column at 0 and text columns after it, each row's text picked
    # among its column's few distinct texts (they repeat, as names and units do).
    lows, highs = [6.0], [6.0]
    layout_texts: dict[int, tuple[list[str], np.ndarray]] = {}
    rows: dict[int, list[str]] = {}
    for position, (low, span, distinct) in enumerate(columns, start=1):
        lows.append(float(low))
        highs.append(float(low + span))
        codes = np.array([pick % len(distinct) for pick in picks], dtype=np.int64)
        layout_texts[position] = (distinct, codes)
        rows[position] = [distinct[code] for code in codes]
    layout = _Layout(lows, highs, layout_texts, 11.0)
    for position in rows:
        for width in range(int(lows[position]), int(highs[position]) + 1):
            assert layout.lines(position, float(width)).tolist() == _measured(
                rows, position, float(width))
        for width in (float(lows[position]) - 1, highs[position] + 1.5):  # not measured ahead
            assert layout.lines(position, width).tolist() == _measured(rows, position, width)
    assert layout.total(lows) == sum(_tallest(rows, lows))
    assert layout.hand_out(lows, spare) == _hand_out(rows, highs, lows, spare)
    assert layout.take_back(highs, spare) == _take_back(rows, lows, highs, spare)
    shares = (1.0, 0.75)
    chosen = layout.for_lines(most, shares)
    for position, (distinct, codes) in layout_texts.items():
        needed = [_narrowest_for(text, int(lows[position]), int(highs[position]), most)
                  for text in distinct]
        for widths, share in zip(chosen, shares, strict=True):
            # The narrowest width at which `share` of the sampled rows take at most `most`.
            by_width = sorted(needed[code] for code in codes)
            assert widths[position] == float(by_width[math.ceil(share * len(codes)) - 1])
