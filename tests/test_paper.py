"""The lines a text takes on paper (`write.paper`): a few texts whose lines are known, and
`RowHeights` (its shortcuts: text shorter than a line's sure length, each column's distinct
texts measured once, rows found a column at a time) giving each row the lines of its tallest
cell by `lines_in`, on texts of Vietnamese letters, other letters, odd spaces and symbols, at
many widths.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from excel_pipeline.write.paper import (
    RowHeights,
    line_points,
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
