"""The lines a text takes on paper (`write.paper`): the quick answers equal the measured ones.

`lines_in` places words greedily by their widths; `one_line` answers «one line» from a sum of
character widths without placing words, and `RowHeights` asks it first. Each is compared with
the greedy placement written out plainly, on texts of Vietnamese letters, other letters, odd
spaces and symbols, at many widths.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from excel_pipeline.write.paper import (
    SPACE_EMS,
    TEXT_POINTS,
    RowHeights,
    line_points,
    lines_in,
    one_line,
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


def greedy_lines(text: str, width: float, points: float = TEXT_POINTS) -> int:
    """The definition: each line of the text, its words placed one after the other, a word
    that does not fit starting a line, a word longer than a line broken over lines."""
    holds = room(width, points)
    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0.0
        for word in paragraph.split():
            size = word_ems(word)
            if used and used + SPACE_EMS + size > holds:
                lines, used = lines + 1, 0.0
            if size > holds:
                if used:
                    lines, used = lines + 1, 0.0
                extra = math.ceil(size / holds) - 1
                lines += extra
                used = size - extra * holds
            else:
                used += size + (SPACE_EMS if used else 0.0)
        total += lines
    return total


@settings(max_examples=400, deadline=None)
@given(text=st.lists(TEXTS, min_size=1, max_size=3).map("\n".join), width=WIDTHS)
def test_lines_are_the_greedy_placement_of_the_words(text, width):
    assert lines_in(text, width) == greedy_lines(text, width)


@settings(max_examples=400, deadline=None)
@given(text=TEXTS, width=WIDTHS)
def test_one_line_says_one_line_only_of_text_that_takes_one(text, width):
    if one_line(text, room(width)):
        assert greedy_lines(text, width) == 1


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.text(alphabet=st.sampled_from(LETTERS), min_size=1, max_size=8),
                      min_size=1, max_size=6),
       width=WIDTHS)
def test_one_line_counts_the_spaces_between_words(words, width):
    """Words of the font's letters, one space apart: «one line» exactly when the words and
    their spaces are narrower than the line (the spaces decide near the edge)."""
    text = " ".join(words)
    wide = sum(map(word_ems, words)) + SPACE_EMS * (len(words) - 1)
    if abs(wide - room(width)) > 1e-5:
        assert one_line(text, room(width)) == (wide < room(width))


def test_one_line_answers_for_most_names_that_take_one():
    """It is a shortcut worth having: a name longer in letters than a line in ems, that the
    words still hold on one line, is answered without placing its words."""
    name, width = "Huỳnh Xuân Hạnh Khoa", 26.0
    assert len(name) > room(width) and greedy_lines(name, width) == 1
    assert one_line(name, room(width))
    assert not one_line(name, room(20.0)) and greedy_lines(name, 20.0) == 2


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(TEXTS, st.one_of(st.none(), st.integers()), TEXTS),
                     min_size=1, max_size=8),
       widths=st.tuples(WIDTHS, WIDTHS))
def test_row_heights_are_the_tallest_cells_greedy_lines(rows, widths):
    heights = RowHeights((widths[0], None, widths[1]))
    expected = []
    for row in rows:
        lines = max(greedy_lines(row[0], widths[0]), greedy_lines(row[2], widths[1]))
        expected.append(None if lines == 1 else lines * line_points())
    assert [heights(row) for row in rows] == expected
    columns = [list(column) for column in zip(*rows, strict=True)]
    assert RowHeights((widths[0], None, widths[1])).of_columns(columns, len(rows)) == expected
