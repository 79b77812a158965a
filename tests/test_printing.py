"""Outputs print as an office prints them: rendered by LibreOffice, every page is A4, no word
is smaller than 8 pt, no word is printed over another (checked on pdftotext's word boxes)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from excel_pipeline.cli import main

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
    out, feedback, templates = tmp_path / "out", tmp_path / "ph", tmp_path / "mau"
    runner = CliRunner()
    assert runner.invoke(main, ["--out", str(out), "--as-of", "2025-03-31", "--feedback",
                                str(feedback)]).exit_code == 1
    assert runner.invoke(main, ["templates", "--out", str(templates)]).exit_code == 0
    outputs = [out / "tong-hop.xlsx", out / "gui-cap-tren.xlsx",
               next(feedback.glob("*.xlsx")), next(templates.glob("*.xlsx"))]
    for pdf in render(outputs, tmp_path):
        rendered = pages(pdf)
        assert rendered, pdf.name
        for number, (size, boxes) in enumerate(rendered, start=1):
            assert sorted(round(side) for side in size) == sorted(A4), (pdf.name, number)
            small = [box for box in boxes if (box[3] - box[1]) / BOX_PER_POINT < 8]
            assert small == [], (pdf.name, number, len(small))
            assert overlapping(boxes) == 0, (pdf.name, number)
