"""Outputs print as an office prints them: rendered by LibreOffice, every page is A4, no word
is smaller than 8 pt, no word is printed over another (checked on pdftotext's word boxes), no
word of a list is cut off, and the lists take few pages: the example's tong-hop.xlsx at most
40, a 150-person gui-cap-tren.xlsx at most 12, its text at 8.5 pt or more."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from excel_pipeline.cli import main
from excel_pipeline.model import OutputKind
from excel_pipeline.template import DELEGATES
from excel_pipeline.write.submission import write_submission
from tests.conftest import REPO

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and poppler (pdftotext) are needed to render the outputs")

# pdftotext's word box is the font's ascent plus descent: 1.3 times its size for Times New
# Roman as LibreOffice prints it (Liberation Serif), measured on an unscaled 11-pt page.
BOX_PER_POINT = 1.3
A4 = (595, 842)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                   r"([^<]*)</word>")


def render(paths: list[Path], folder: Path) -> list[Path]:
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/lo",
                    "--convert-to", "pdf", "--outdir", str(folder / "pdf"),
                    *map(str, paths)], check=True, capture_output=True, timeout=300)
    return sorted((folder / "pdf").glob("*.pdf"))


def pages(pdf: Path) -> list[tuple[tuple[float, float], list[tuple[float, ...]]]]:
    """Each page's size and its words' boxes (x0, y0, x1, y1)."""
    text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    found = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', text,
                            re.DOTALL):
        boxes = [tuple(map(float, match.groups()[:4])) for match in _WORD.finditer(page[3])]
        found.append(((float(page[1]), float(page[2])), boxes))
    return found


def overlapping(boxes: list[tuple[float, ...]]) -> int:
    """Pairs of words drawn over each other (more than a sliver: boxes of adjacent lines
    touch, since a box includes the letters' ascent and descent)."""
    count = 0
    boxes = sorted(boxes, key=lambda box: (box[1], box[0]))
    for index, a in enumerate(boxes):
        for b in boxes[index + 1:index + 60]:
            across = min(a[2], b[2]) - max(a[0], b[0])
            down = min(a[3], b[3]) - max(a[1], b[1])
            if across > 1 and down > 0.4 * min(a[3] - a[1], b[3] - b[1]):
                count += 1
    return count


@pytest.mark.slow  # LibreOffice renders every output
def test_every_output_prints_on_a4_at_8_points_or_more_with_no_text_over_text(tmp_path):
    # The templates print as test_every_committed_template_prints_readably checks.
    out, feedback = tmp_path / "out", tmp_path / "ph"
    runner = CliRunner()
    assert runner.invoke(main, ["--out", str(out), "--as-of", "2025-03-31", "--feedback",
                                str(feedback)]).exit_code == 1
    outputs = [out / "tong-hop.xlsx", out / "gui-cap-tren.xlsx", next(feedback.glob("*.xlsx"))]
    for pdf in render(outputs, tmp_path):
        rendered = pages(pdf)
        assert rendered, pdf.name
        for number, (size, boxes) in enumerate(rendered, start=1):
            assert sorted(round(side) for side in size) == sorted(A4), (pdf.name, number)
            small = [box for box in boxes if (box[3] - box[1]) / BOX_PER_POINT < 8]
            assert small == [], (pdf.name, number, len(small))
            assert overlapping(boxes) == 0, (pdf.name, number)


# The numbers of a blank form's STT column: a whole number alone, at the page's left edge.
_STT = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="[\d.]+">'
                  r"(\d{1,3})</word>")


@pytest.mark.slow
def test_every_committed_template_prints_readably(tmp_path):
    """Every template in input_templates/ (test_templates checks they are what the command
    writes), as LibreOffice prints it: A4, no word under 8 pt or over another, the code lists
    not printed, and a blank form's full pages holding 15 to 20 rows to write in by hand."""
    committed = sorted((REPO / "input_templates").glob("*.xlsx"))
    assert len(committed) >= 6
    pdfs = render(committed, tmp_path)
    assert [pdf.stem for pdf in pdfs] == [path.stem for path in committed]
    for pdf in pdfs:
        text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        numbered = []
        for page in re.findall(r'<page width="[\d.]+" height="[\d.]+">(.*?)</page>', text,
                               re.DOTALL):
            numbers = [int(match[2]) for match in _STT.finditer(page)
                       if float(match[1]) < 70]
            if len(numbers) > 1 and numbers == list(range(numbers[0], numbers[-1] + 1)):
                numbered.append(numbers)
            # A closed list's values print nowhere else (the drop-downs are not printed).
            assert "cấp bộ/tỉnh" not in page, pdf.name
        for number, (size, boxes) in enumerate(pages(pdf), start=1):
            assert sorted(round(side) for side in size) == sorted(A4), (pdf.name, number)
            small = [box for box in boxes if (box[3] - box[1]) / BOX_PER_POINT < 8]
            assert small == [], (pdf.name, number, len(small))
            assert overlapping(boxes) == 0, (pdf.name, number)
        if pdf.stem != "mau-danh-muc-don-vi":
            assert numbered, pdf.name
        for index, numbers in enumerate(numbered):
            assert len(numbers) <= 20, (pdf.name, numbers)
            following = numbered[index + 1:index + 2]
            if following and following[0][0] != 1:  # a full page: its form goes on overleaf
                assert len(numbers) >= 15, (pdf.name, numbers)
# The pages the example's workbooks may take (99 and 23 before rows were sized from
# their text), and the smallest text the lists may print at.
TONG_HOP_PAGES, UPWARD_PAGES, SMALLEST = 40, 12, 8.5
UPWARD_PEOPLE = 150


def page_texts(pdf: Path) -> list[str]:
    """Each page's text, in reading order."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]


def smallest_text(boxes: list[tuple[float, ...]]) -> float:
    """The size of the page's smallest word, in points (its box's height over `BOX_PER_POINT`,
    the box of a word taken as its line's; a lone dot or dash may be lower)."""
    return min(((box[3] - box[1]) / BOX_PER_POINT for box in boxes), default=99.0)


def delegates_of(book: Path, sheet: str, header_row: int) -> list[dict[str, object]]:
    """The rows of a delegates sheet as records keyed like the template's columns."""
    rows = list(openpyxl.load_workbook(book, read_only=True)[sheet].iter_rows(
        min_row=header_row, values_only=True))
    by_header = {column.header: column for column in DELEGATES.columns}
    keys = [by_header.get(str(header)) for header in rows[0]]
    return [{column.key: (value == "x") if column.kind == "flag" else value
             for column, value in zip(keys, row, strict=False) if column is not None}
            for row in rows[1:]]


@pytest.mark.slow
def test_the_example_lists_print_on_few_pages_with_no_word_cut_at_8_5_points(tmp_path):
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["--out", str(out), "--as-of", "2025-03-31"]).exit_code == 1
    tong_hop = out / "tong-hop.xlsx"
    book = openpyxl.load_workbook(tong_hop, read_only=True)
    # The charts' figures are for the charts only: hidden, so never printed on their own.
    assert book["Số liệu biểu đồ"].sheet_state == "hidden"
    people = delegates_of(tong_hop, "Đại biểu", 1)
    assert len(people) >= UPWARD_PEOPLE
    # gui-cap-tren.xlsx's writer, given a 150-person list whatever the example sends up.
    upward = write_submission(tmp_path / "gui-150" / "gui-cap-tren.xlsx",
                              {"unit_code": "BB", "unit_name": "Liên đoàn Lao động huyện Bàu Bàng"},
                              {"delegates": people[:UPWARD_PEOPLE]},
                              title="Liên đoàn Lao động huyện Bàu Bàng gửi cấp trên",
                              streamed=True, mark=OutputKind.UPWARD)
    rendered = dict(zip(["gui-cap-tren", "tong-hop"],
                        render([upward, tong_hop], tmp_path), strict=True))
    tong_hop_pages = pages(rendered["tong-hop"])
    assert len(tong_hop_pages) <= TONG_HOP_PAGES
    upward_pages = pages(rendered["gui-cap-tren"])
    assert len(upward_pages) <= UPWARD_PAGES
    texts = page_texts(rendered["tong-hop"])
    listed = [number for number, text in enumerate(texts) if text.lstrip().startswith("Đại biểu")]
    assert listed
    for number in listed:
        assert smallest_text(tong_hop_pages[number][1]) >= SMALLEST, number
    for _, boxes in upward_pages[1:-1]:  # between Thông tin đơn vị and the short last sheets
        assert smallest_text(boxes) >= SMALLEST
    # Nothing cut: every word of every person's printed text is on the list's pages (a row
    # too short for its text loses its last lines).
    printed = Counter(" ".join(texts[number] for number in listed).split())
    wanted = Counter(word for person in people for key in ("full_name", "position", "achievements")
                     for word in str(person.get(key) or "").split())
    assert wanted - printed == Counter()
