"""`dhtt-merge documents`: the Word documents, made through the real command and read back with
python-docx: the right people in the right lists and nobody else, the consolidation's figures,
the administrative header block, A4 pages; broken templates refused, edited ones used."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from docx import Document
from docx.shared import Mm

from excel_pipeline.campaign import load_campaign
from excel_pipeline.pipeline import RunOptions, run
from excel_pipeline.write.documents.catalogue import ITEM_FIELDS, KINDS, placeholders
from excel_pipeline.write.documents.context import document_contexts
from excel_pipeline.write.documents.render import shipped_folder
from excel_pipeline.write.submission import write_registry, write_submission
from tests import document_templates
from tests.test_end_to_end import run_cli, sheet_rows
from tests.test_printing import A4, BOX_PER_POINT, overlapping, page_texts, pages, render

ALL_KINDS = [kind.kind for kind in KINDS]
NAME_HEADER = "Họ tên / Tên tập thể"


def documents_of(out: Path) -> dict[str, Path]:
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    return {entry["kind"]: Path(entry["path"]) for entry in report["documents"]}


def all_text(path: Path) -> str:
    """The document's text; the non-breaking spaces that keep a body's name whole in the
    header read as spaces."""
    document = Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return "\n".join(texts).replace("\xa0", " ")


def addressed(name: str) -> str:
    """A certificate's name line without its «Ông »/«Bà »/«Ông/Bà »."""
    for title in ("Ông/Bà ", "Ông ", "Bà "):
        if name.startswith(title):
            return name.removeprefix(title)
    return name


def list_rows(path: Path, header: str) -> list[list[str]]:
    """The rows (below the header) of every list table whose second column is `header`, and
    of the table of its last rows that follows it (split off to be kept with the signature,
    `render.keep_with_signature`)."""
    rows = []
    width = 0  # the columns of the list just read, 0 after any other table
    for table in Document(str(path)).tables:
        cells = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        if cells and len(cells[0]) > 1 and cells[0][1] == header:
            rows += [row for row in cells[1:] if row[1] not in ("", header) and row[0] != ""]
            width = len(cells[0])
        elif cells and width and len(cells[0]) == width and cells[0][0].isdigit():
            rows += [row for row in cells if row[1] != "" and row[0] != ""]
        else:
            width = 0
    return rows


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """The bundled example inbox, consolidated with its documents."""
    out = tmp_path_factory.mktemp("documents") / "out"
    code, stdout, _ = run_cli("documents", "--out", str(out), "--as-of", "2025-03-31")
    assert code == 1, stdout  # the example inbox holds errors to fix
    return out


def test_every_kind_is_written_listed_in_the_json_and_printed(example):
    found = documents_of(example)
    # the example district has not chosen its delegation to the province yet: no upward list
    assert list(found) == [kind for kind in ALL_KINDS if kind != "upward_delegates"]
    for kind in KINDS:
        if kind.kind == "upward_delegates":
            continue
        path = found[kind.kind]
        assert path == example / "van-ban" / kind.file_name and path.is_file()
        Document(str(path))  # python-docx opens it
    # the JSON names exactly the files written; no temporary file is left beside them
    assert sorted(p.name for p in (example / "van-ban").iterdir()) == \
        sorted(kind.file_name for kind in KINDS if kind.kind != "upward_delegates")


def template_rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    """The rows of a sheet in the unit template (title rows above its header)."""
    values = list(openpyxl.load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    top = next(i for i, row in enumerate(values) if "Họ và tên" in row)
    return [dict(zip(values[top], row, strict=False)) for row in values[top + 1:]
            if row[values[top].index("Họ và tên")]]


def test_conference_list_is_exactly_the_units_flagged_delegates(example):
    """The units' delegates marked «Dự hội nghị cấp trên» are this level's conference."""
    listed = list_rows(documents_of(example)["conference_delegates"], "Họ và tên")
    upward = [row for row in sheet_rows(example / "tong-hop.xlsx", "Đại biểu")
              if row["Dự hội nghị cấp trên"] == "x"]
    assert [row[1] for row in listed] == [row["Họ và tên"] for row in upward]
    assert len(listed) > 100
    # birth years fall in the Nam or Nữ column as the person's sex says
    for row, source in zip(listed, upward, strict=True):
        column = 2 if source["Giới tính"] == "Nam" else 3
        assert row[column] == str(source["Năm sinh"] or "") and row[5 - column] == ""


def test_presidium_and_award_lists_hold_the_right_people(example):
    delegates = sheet_rows(example / "tong-hop.xlsx", "Đại biểu")
    presidium = [row["Họ và tên"] for row in delegates if row["Đoàn Chủ tịch"] == "x"]
    listed = list_rows(documents_of(example)["presidium"], "Họ và tên")
    assert sorted(row[1] for row in listed) == sorted(presidium) and presidium

    nominations = sheet_rows(example / "tong-hop.xlsx", "Đề nghị khen thưởng")
    forwarded = {"Cờ thi đua TLĐ", "Bằng khen TLĐ", "Bằng Lao động sáng tạo",
                 "Cờ thi đua LĐLĐ tỉnh", "Bằng khen LĐLĐ tỉnh"}  # bau-bang-2025 forwards these
    # a district's union decides its Giấy khen and the union's titles, not the State's
    decided = {"Giấy khen", "Đoàn viên công đoàn xuất sắc", "Tổ công đoàn xuất sắc",
               "CĐCS vững mạnh xuất sắc"}
    above = sorted(r[NAME_HEADER] for r in nominations if r["Hình thức khen thưởng"] in forwarded)
    here = sorted(r[NAME_HEADER] for r in nominations if r["Hình thức khen thưởng"] in decided)
    assert above and here
    paths = documents_of(example)
    assert sorted(r[1] for r in list_rows(paths["proposal"], NAME_HEADER)) == above
    decision = list_rows(paths["decision"], NAME_HEADER)
    assert sorted(r[1] for r in decision) == here
    # grouped by form: each group is numbered from 1, and headed by its form and count
    text = all_text(paths["decision"])
    forms = [r["Hình thức khen thưởng"] for r in nominations
             if r["Hình thức khen thưởng"] in decided]
    assert "Lao động tiên tiến" not in text and "Tập thể lao động xuất sắc" not in text
    for form in set(forms):  # only the counts that are not zero
        subjects = [r["Đối tượng"] for r in nominations if r["Hình thức khen thưởng"] == form]
        said = [f"{subjects.count(kind)} {kind.lower()}" for kind in ("Tập thể", "Cá nhân")
                if subjects.count(kind)]
        assert f"{form}: {' và '.join(said)}\n" in text, form
    assert "Điều 1. " in text
    assert [int(r[0]) for r in decision].count(1) == len(set(forms))
    # one certificate page per awardee of this level, in the decision's order
    certificates = Document(str(paths["certificates"]))
    names = [addressed(t.rows[1].cells[0].text) for t in certificates.tables]
    assert names == [r[1] for r in decision]
    breaks = certificates.element.body.xpath(".//w:pPr/w:sectPr")
    assert len(breaks) == len(names) - 1


def test_report_and_minutes_carry_the_consolidation_figures(example):
    report = json.loads((example / "tong-hop.json").read_text(encoding="utf-8"))
    paths = documents_of(example)
    text = all_text(paths["report"])
    summary = sheet_rows(example / "tong-hop.xlsx", "Tổng hợp")
    total = next(row for row in summary if str(row["Tên đơn vị"]).startswith("TỔNG CỘNG"))
    accepted = report["rows"]["delegates"]["accepted"]
    assert total["Số đại biểu"] == accepted
    assert f"Tổng số đại biểu\n{accepted}\n" in text
    share = f"{total['Tỷ lệ điển hình tiên tiến']:.1%}".replace(".", ",")
    assert f"Điển hình tiên tiến\n{total['Đại biểu điển hình tiên tiến']}\n{share}" in text
    assert "Số đơn vị phải gửi: 10; đã gửi và được tổng hợp: 9" in text
    assert "CĐCS Trường Mầm non Hoa Sen (chưa gửi)" in text
    errors = sum(1 for f in report["findings"] if f["severity"] == "error")
    assert f"Còn {errors} lỗi" in text

    minutes = all_text(paths["minutes"])
    nominations = report["rows"]["nominations"]["accepted"]
    assert f"với {nominations} đề nghị" in minutes


def test_the_documents_read_as_the_decree_and_an_officer_write_them(example):
    paths = documents_of(example)
    decision = Document(str(paths["decision"]))
    basis = [p for p in decision.paragraphs if p.text.startswith(("Căn cứ", "Xét đề nghị"))]
    assert len(basis) >= 3 and all(run.italic for p in basis for run in p.runs if run.text)
    assert [p.text[-1] for p in basis] == [";"] * (len(basis) - 1) + ["."]
    articles = [p for p in decision.paragraphs if p.text.startswith("Điều ")]
    assert [(p.runs[0].text, p.runs[0].bold, bool(p.runs[1].bold)) for p in articles] == [
        (f"Điều {n}. ", True, False) for n in (1, 2, 3)]
    assert "tập thể và 0 cá nhân" not in all_text(paths["decision"])
    proposal = all_text(paths["proposal"])
    assert "Kính gửi: Liên đoàn Lao động tỉnh Bình Dương" in proposal
    assert "kính trình Liên đoàn Lao động tỉnh Bình Dương xem xét" in proposal
    assert "(0 tập thể" not in proposal and "LĐLĐ TỈNH BÌNH DƯƠNG xem xét" not in proposal
    annex = [table for table in Document(str(paths["proposal"])).tables
             if table.rows[0].cells[-1].text == "Tóm tắt thành tích"]
    assert annex and any(row.cells[-1].text for row in annex[0].rows[1:])
    # the forms are decided by bodies named, not «Cấp này / Cấp trên»
    for kind in ("minutes", "report"):
        text = all_text(paths[kind])
        assert "Cấp này" not in text and "Cấp trên" not in text, kind
        assert "Liên đoàn Lao động huyện Bàu Bàng" in text, kind
    assert "trang tính «Phát hiện» trong tệp tổng hợp" in all_text(paths["report"])
    minutes = Document(str(paths["minutes"])).tables[-1].rows[0].cells
    assert all("…………" in cell.text for cell in minutes)  # THƯ KÝ and CHỦ TRÌ: a name line
    header = Document(str(paths["decision"])).tables[0].rows[0].cells[0].text
    assert "HUYỆN\xa0BÀU\xa0BÀNG" in header  # the place never split over two lines


def mm(*lengths: int) -> tuple[int, ...]:
    """Lengths in whole millimetres (Word stores them in twentieths of a point)."""
    return tuple(round(length / Mm(1)) for length in lengths)


def test_header_block_page_and_fonts_follow_the_decree(example):
    paths = documents_of(example)
    for kind in ("decision", "proposal", "report", "minutes", "agenda", "presidium"):
        document = Document(str(paths[kind]))
        section = document.sections[0]
        assert mm(section.page_width, section.page_height) == (210, 297)
        assert mm(section.top_margin, section.bottom_margin, section.left_margin,
                  section.right_margin) == (20, 20, 30, 15)
        left, right = (cell.text.replace("\xa0", " ")
                       for cell in document.tables[0].rows[0].cells)
        assert left.splitlines()[:2] == ["LĐLĐ TỈNH BÌNH DƯƠNG",
                                          "LIÊN ĐOÀN LAO ĐỘNG HUYỆN BÀU BÀNG"], kind
        assert right.splitlines()[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                           "Độc lập - Tự do - Hạnh phúc"]
        assert "Bàu Bàng, ngày … tháng … năm 2025" in right
        assert document.styles["Normal"].font.name == "Times New Roman"
        sizes = {run.font.size.pt for p in document.paragraphs for run in p.runs
                 if run.font.size and p.text.strip()}
        assert sizes and min(sizes) >= 13 and max(sizes) <= 14, (kind, sizes)
        assert "DỮ LIỆU MẪU" in all_text(paths[kind])  # the bundled example says so
    numbers = {"decision": "Số: …/QĐ-LĐLĐ", "proposal": "Số: …/TTr-LĐLĐ",
               "report": "Số: …/BC-LĐLĐ", "minutes": "Số: …/BB-LĐLĐ"}
    for kind, number in numbers.items():
        assert number in Document(str(paths[kind])).tables[0].rows[0].cells[0].text
    backdrop = Document(str(paths["backdrop"]))
    assert mm(backdrop.sections[0].page_width) == (297,)
    lines = [p.text for p in backdrop.paragraphs if p.text]
    assert lines[1:] == ["HỘI NGHỊ", "ĐIỂN HÌNH TIÊN TIẾN", "LIÊN ĐOÀN LAO ĐỘNG HUYỆN BÀU BÀNG",
                         "Lần thứ … (2025 - 2030)", "Bàu Bàng, ngày … tháng … năm 2025"]
    assert min(r.font.size.pt for p in backdrop.paragraphs for r in p.runs
               if r.text and "DỮ LIỆU MẪU" not in r.text) >= 24
    agenda = all_text(paths["agenda"])
    assert "Chào cờ." in agenda and "Tổng kết và bế mạc." in agenda


def nominee(name: str, award: str, subject: str = "Cá nhân", reports: int = 1) -> dict[str, Any]:
    row = {"subject": subject, "name": name, "award": award, "reports": reports,
           "position": f"Chức vụ của {name}"}
    if subject == "Cá nhân":
        row.update(birth_year=1980, gender="Nam", category="Người trực tiếp lao động, công tác")
    return row


def year_end_inbox(folder: Path) -> Path:
    """A year-end summary (dien-bien-tong-ket-2020): a late unit, a missing one, forms decided
    by the confederation (forwarded) and by the province (decided here)."""
    units = [{"unit_code": "R", "unit_name": "Liên đoàn Lao động tỉnh Điện Biên",
              "level": "LĐLĐ tỉnh"}]
    units += [{"unit_code": f"H{i}", "unit_name": f"LĐLĐ huyện số {i}", "level": "LĐLĐ huyện",
               "parent_code": "R", "members": 800} for i in range(4)]
    write_registry(folder / "danh-muc.xlsx", units)
    indicators = [{"code": "SK", "name": "Sáng kiến được áp dụng", "measure": "sáng kiến",
                   "value": 3}]
    plans = {
        "H0": ([nominee("Tổ sản xuất H0", "Bằng khen LĐLĐ tỉnh", "Tập thể"),
                nominee("Hà Văn Một", "Giấy khen"), nominee("Lò Thị Hai", "Giấy khen"),
                nominee("Quàng Văn Ba", "Bằng khen TLĐ", reports=3)], dt.date(2020, 12, 10)),
        "H1": ([nominee("Người Nộp Muộn", "Giấy khen")], dt.date(2020, 12, 11)),
        "H2": ([nominee("Tập thể H2", "Bằng khen TLĐ", "Tập thể", reports=3)],
               dt.date(2020, 12, 9)),
    }
    for code, (rows, sent) in plans.items():
        write_submission(folder / f"{code}.xlsx",
                         {"unit_code": code, "unit_name": f"LĐLĐ huyện số {code[1]}",
                          "level": "LĐLĐ huyện", "parent_code": "R", "members": 800,
                          "rating": "Hoàn thành xuất sắc nhiệm vụ", "submitted_on": sent},
                         {"nominations": rows, "indicators": indicators}, title=code)
    return folder


def test_year_end_inbox_makes_award_documents_without_late_nominations(tmp_path):
    inbox = year_end_inbox(tmp_path / "inbox")
    out = tmp_path / "out"
    code, stdout, _ = run_cli("documents", str(inbox), "--campaign", "dien-bien-tong-ket-2020",
                              "--as-of", "2020-12-15", "--out", str(out))
    assert code == 1, stdout  # DOSSIER_LATE, MISSING_SUBMISSION after the deadline
    paths = documents_of(out)
    # no conference in a year-end summary: its four documents are not made, and it is said
    assert list(paths) == ["proposal", "decision", "minutes", "report", "certificates"]
    assert "Không lập Chương trình hội nghị: đợt thi đua này không có hội nghị." in stdout
    for kind, path in paths.items():
        assert f"{path}" in stdout, kind
    decision = list_rows(paths["decision"], NAME_HEADER)
    # a province decides its Bằng khen; the Giấy khen is the lower union level's to decide
    assert [(r[0], r[1]) for r in decision] == [("1", "Tổ sản xuất H0")]
    text = all_text(paths["decision"])
    assert "Bằng khen LĐLĐ tỉnh: 1 tập thể\n" in text
    assert "Giấy khen" not in text and "Hà Văn Một" not in text
    assert "Người Nộp Muộn" not in text  # không xét: late, left out
    # a 2020 decision cites the law of 2003 as amended in 2013, not the 2022 law (in force 2024)
    assert "Căn cứ Luật Thi đua, Khen thưởng ngày 26 tháng 11 năm 2003;" in text
    assert "2022" not in text
    assert "BAN THƯỜNG VỤ LIÊN ĐOÀN LAO ĐỘNG TỈNH ĐIỆN BIÊN" in text
    assert "DỮ LIỆU MẪU" not in text  # a real inbox
    proposal = list_rows(paths["proposal"], NAME_HEADER)
    assert [r[1] for r in proposal] == ["Tập thể H2", "Quàng Văn Ba"]  # collectives first
    certificates = Document(str(paths["certificates"]))
    assert [t.rows[1].cells[0].text for t in certificates.tables] == ["Tổ sản xuất H0"]
    assert certificates.tables[0].rows[4].cells[0].text == "Bằng khen LĐLĐ tỉnh năm 2020"
    # the decision's number is left to fill
    assert certificates.tables[0].rows[6].cells[0].text.startswith("(Kèm theo Quyết định số …")
    minutes = all_text(paths["minutes"])
    assert "Ban Thường vụ công đoàn cấp trên trực tiếp cơ sở" in minutes  # who decides them
    assert "hồ sơ đề nghị khen thưởng của 3 đơn vị với 6 đề nghị" in minutes
    assert "trong đó 1 đề nghị không xét" in minutes
    report = all_text(paths["report"])
    assert "Số đơn vị phải gửi: 4; đã gửi và được tổng hợp: 3; gửi quá hạn: 1" in report
    assert "Đơn vị gửi quá hạn: LĐLĐ huyện số 1." in report
    assert "LĐLĐ huyện số 3 (chưa gửi)" in report


@pytest.mark.slow  # two whole runs with the documents
def test_a_rerun_with_nothing_for_a_document_says_its_old_file_is_stale(tmp_path):
    inbox = year_end_inbox(tmp_path / "inbox")
    out = tmp_path / "out"
    args = ["--campaign", "dien-bien-tong-ket-2020", "--as-of", "2020-12-15", "--out", str(out)]
    run_cli("documents", str(inbox), *args)
    (inbox / "H0.xlsx").unlink()  # the only unit with awards decided here
    code, stdout, _ = run_cli("documents", str(inbox), *args)
    assert code == 1  # H1 is still late
    assert "du-thao-quyet-dinh-khen-thuong.docx" not in json.dumps(
        json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))["documents"])
    assert "Không lập Dự thảo quyết định khen thưởng: không có đề nghị khen thưởng hình thức do " \
           "cấp này xét." in stdout
    assert "du-thao-quyet-dinh-khen-thuong.docx là của lần chạy trước" in stdout


def test_shipped_templates_are_what_the_builder_makes(tmp_path):
    """The shipped .docx files are built by tests/document_templates.py: rebuild after editing
    it (`python -m tests.document_templates`)."""
    built = document_templates.build(tmp_path)
    for path in built:
        with zipfile.ZipFile(path) as new, \
                zipfile.ZipFile(shipped_folder() / path.name) as shipped:
            assert new.read("word/document.xml") == shipped.read("word/document.xml"), path.name


def test_every_placeholder_filled_is_described_and_every_described_one_filled(example):
    """The guide (cho-dien.txt) and the checks use the catalogue; the contexts fill exactly
    it, so an officer's template can use every name the guide lists."""
    result = run(RunOptions(None, load_campaign("bau-bang-2025"), example.parent / "again",
                 as_of=dt.date(2025, 3, 31)))
    contexts, skipped = document_contexts(result.consolidation)
    # the district's delegation to the province is not chosen yet in the example
    assert [item.kind.kind for item in skipped] == ["upward_delegates"]
    contexts["upward_delegates"] = contexts["conference_delegates"]  # the same placeholders
    for kind in KINDS:
        context = contexts[kind.kind]
        assert set(context) == set(placeholders(kind)), kind.kind
        for value in context.values():
            items = value if isinstance(value, list) else []
            for item in items:
                if isinstance(item, dict):
                    assert set(item) <= ITEM_FIELDS, set(item) - ITEM_FIELDS
                    for inner in item.values():
                        if isinstance(inner, list) and inner and isinstance(inner[0], dict):
                            assert set(inner[0]) <= ITEM_FIELDS


def edited_copy(source: Path, target: Path, old: str, new: str) -> Path:
    """`source` with the first `old` of its body replaced by `new`, as an officer's edit."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert old in text, old
                data = text.replace(old, new, 1).encode("utf-8")
            copy.writestr(item, data)
    return target


@pytest.mark.parametrize(("file_name", "old", "new", "said"), [
    ("doan-chu-tich.docx", "{{ p.ho_ten }}", "{{ p.ho_tn }}", "{{ p.ho_tn }}"),
    ("bao-cao-tong-hop.docx", "{{ so_loi }}", "{{ so_loi_con }}", "{{ so_loi_con }}"),
    ("to-trinh-de-nghi-khen-thuong.docx", "kính trình {{ ten_co_quan_cap_tren }}",
     "kính trình {{ ten_co_quan_cap_tren }", "«{{ ten_co_quan_cap_tren } xem xét"),
    ("du-thao-quyet-dinh-khen-thuong.docx", "{%p endfor %}", "",
     "thiếu dòng đóng của vòng lặp"),
])
def test_a_broken_template_is_refused_naming_it_and_nothing_is_written(
        tmp_path, file_name, old, new, said):
    exported = tmp_path / "mau"
    assert run_cli("documents", "--export-templates", str(exported))[0] == 0
    edited_copy(exported / file_name, tmp_path / "sua" / file_name, old, new)
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("documents", "--templates", str(tmp_path / "sua"),
                                   "--out", str(out), "--as-of", "2025-03-31")
    assert code == 2
    assert stderr.startswith(f"Lỗi: Mẫu văn bản «{file_name}»") and said in stderr, stderr
    assert "Traceback" not in stderr + stdout
    assert not out.exists()


def test_a_file_that_is_not_word_is_refused(tmp_path):
    (tmp_path / "sua").mkdir()
    (tmp_path / "sua" / "giay-khen-in-phoi.docx").write_text("không phải Word")
    code, _, stderr = run_cli("documents", "--templates", str(tmp_path / "sua"),
                              "--out", str(tmp_path / "out"))
    assert code == 2 and "«giay-khen-in-phoi.docx» không phải tệp Word .docx" in stderr


@pytest.mark.slow  # whole runs with the documents
def test_exported_templates_are_kept_and_an_edited_one_is_used(tmp_path):
    exported = tmp_path / "mau"
    code, stdout, _ = run_cli("documents", "--export-templates", str(exported))
    assert code == 0
    names = sorted(p.name for p in exported.iterdir())
    assert names == sorted([*(kind.file_name for kind in KINDS), "cho-dien.txt"])
    guide = (exported / "cho-dien.txt").read_text(encoding="utf-8")
    assert all(name in guide for kind in KINDS for name in placeholders(kind))
    agenda = exported / "chuong-trinh-hoi-nghi.docx"
    edited_copy(shipped_folder() / agenda.name, agenda, "CHƯƠNG TRÌNH",
                "CHƯƠNG TRÌNH ĐÃ SỬA")
    before = agenda.read_bytes()
    code, stdout, _ = run_cli("documents", "--export-templates", str(exported))
    assert agenda.read_bytes() == before  # an officer's edit is never copied over
    assert f"Giữ nguyên tệp đã có (không chép đè): {agenda}" in stdout
    shutil.copyfile(agenda, exported / "chuong trinh (sua).docx")  # a misnamed copy
    out = tmp_path / "out"
    code, stdout, _ = run_cli("documents", "--templates", str(exported), "--out", str(out),
                              "--as-of", "2025-03-31")
    assert code == 1
    assert "CHƯƠNG TRÌNH ĐÃ SỬA" in all_text(documents_of(out)["agenda"])
    assert "Dùng mẫu của cơ quan (--templates): chuong-trinh-hoi-nghi.docx, phong-hoi" in stdout
    assert "mẫu «chuong trinh (sua).docx» không trùng tên mẫu nào" in stdout
    assert "ĐÃ SỬA" not in all_text(documents_of(out)["decision"])


@pytest.mark.slow  # a whole run in a subprocess
def test_pdf_without_libreoffice_says_so_and_keeps_the_word_files(tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    if shutil.which("soffice", path=env["PATH"]):
        pytest.skip("LibreOffice sits beside this Python")
    done = subprocess.run([sys.executable, "-m", "excel_pipeline", "documents", "--pdf",
                           "--out", str(out), "--as-of", "2025-03-31"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 1  # the example's own errors: the missing PDFs change nothing
    assert "Cảnh báo: không tạo được PDF vì máy chưa cài LibreOffice" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(documents_of(out)) == len(KINDS) - 1  # no delegation to the province yet
    assert not list((out / "van-ban").glob("*.pdf"))


needs_office = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and poppler (pdftotext) are needed to render the documents")


@pytest.mark.slow  # LibreOffice renders the documents
@needs_office
def test_pdf_with_libreoffice_writes_one_beside_each_document(tmp_path):
    out = tmp_path / "out"
    code, stdout, _ = run_cli("documents", "--pdf", "--out", str(out), "--as-of", "2025-03-31")
    assert code == 1
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    for entry in report["documents"]:
        pdf = Path(entry["pdf"])
        assert pdf == Path(entry["path"]).with_suffix(".pdf") and pdf.read_bytes()[:5] == b"%PDF-"
        assert f"(PDF): {pdf}" in stdout


@pytest.mark.slow  # LibreOffice renders the documents
@needs_office
def test_documents_print_on_a4_with_nothing_cut_or_overlapping(example, tmp_path):
    """Rendered by LibreOffice: A4 pages, every word inside the page, none over another, none
    smaller than 10 pt; the certificates one page each, all alike but for the text."""
    paths = documents_of(example)
    awardees = len(list_rows(paths["decision"], NAME_HEADER))
    for pdf in render(list(paths.values()), tmp_path):
        rendered = pages(pdf)
        for number, (size, boxes) in enumerate(rendered, start=1):
            assert sorted(round(side) for side in size) == sorted(A4), (pdf.name, number)
            assert boxes, (pdf.name, number)  # no blank page
            assert all(b[0] >= 0 and b[2] <= size[0] and b[1] >= 0 and b[3] <= size[1]
                       for b in boxes), (pdf.name, number)
            small = [b for b in boxes if (b[3] - b[1]) / BOX_PER_POINT < 10]
            assert small == [], (pdf.name, number, len(small))
            assert overlapping(boxes) == 0, (pdf.name, number)
        if pdf.stem == "giay-khen-in-phoi":
            assert len(rendered) == awardees
            tops = {round(min(b[1] for b in boxes)) for _, boxes in rendered}
            assert len(tops) == 1  # the name sits at the same height on every page
        if pdf.stem == "phong-hoi-nghi":
            assert len(rendered) == 1
        assert alone_signatures(pdf) == [], pdf.name


# The first line of a signature block, on its left or its right.
SIGNATURE_TITLES = ("Nơi nhận", "TM.", "NGƯỜI LẬP", "THƯ KÝ", "CHỦ TRÌ")


def alone_signatures(pdf: Path) -> list[int]:
    """The pages holding a signature block (its signer's dotted name line) and nothing above
    it: a list's last rows or the last paragraph belong on the signature's page."""
    alone = []
    for number, text in enumerate(page_texts(pdf), start=1):
        lines = [line for line in text.splitlines() if line.strip()]
        if not any("………………" in line for line in lines):
            continue
        first = next((index for index, line in enumerate(lines)
                      if any(title in line for title in SIGNATURE_TITLES)), None)
        if first == 0:
            alone.append(number)
    return alone


@pytest.mark.parametrize("preset", ["bau-bang-2025", "dien-bien-2020",
                                    "dien-bien-tong-ket-2020", "lai-chau-2015",
                                    "ninh-thuan-2020"])
def test_every_preset_says_who_issues_and_what_its_conference_is(preset):
    campaign = load_campaign(preset)
    settings = campaign.documents
    assert settings.place and settings.symbol and settings.source
    # a provincial People's Committee heads its documents alone, without a superior line
    assert settings.superior or preset == "lai-chau-2015"
    if campaign.kind == "conference":
        assert settings.agenda and settings.agenda[0].startswith(("Chào cờ", "Văn nghệ"))
        assert settings.backdrop[0] in ("HỘI NGHỊ", "ĐẠI HỘI")


def test_without_a_registry_the_issuer_is_a_blank_not_a_code(tmp_path, make_unit):
    make_unit("C01", rows={"nominations": [nominee("Hà Văn Một", "Giấy khen")]})
    out = tmp_path / "out"
    run_cli("documents", str(tmp_path / "inbox"), "--out", str(out), "--as-of", "2025-03-12")
    decision = Document(str(documents_of(out)["decision"]))
    issuer = decision.tables[0].rows[0].cells[0].text.replace("\xa0", " ").splitlines()
    assert issuer[:2] == ["LĐLĐ TỈNH BÌNH DƯƠNG", "…"]  # the units named «ROOT» as parent
    assert "ROOT" not in all_text(documents_of(out)["decision"])
