"""What each Word document says, taken from the consolidation: pure functions, no files.

Every list is built from the frames the workbook is built from, with the same selections:
the upward delegates and the forwarded nominations are `write.upward`'s own, so the documents
and gui-cap-tren.xlsx can never name different people. A kind with nothing to list is not
made, and the reason is given (`Skipped`), so an officer never prints an empty list.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ...findings import SEVERITY_LABELS, title_of
from ...model import Consolidation
from ...template import AWARD_FORMS, BY_KEY, UNIT
from ...textnorm import fold, format_date, percent
from ..summary import summary_rows, tree_order, unit_figures, unit_statuses
from ..upward import (
    conference_delegates,
    considered_nominations,
    decided_here,
    delegation_note,
    forwarded_nominations,
    upward_delegates,
)
from .catalogue import KINDS, DocumentKind
from .limits import bounded
from .wording import in_running_text, kept_whole

# A value still to be filled by hand in the printed document.
BLANK = "…"


@dataclass(frozen=True)
class Skipped:
    """A document not made, and why (said on screen)."""

    kind: DocumentKind
    reason: str


def document_contexts(c: Consolidation) -> tuple[dict[str, dict[str, Any]], list[Skipped]]:
    """The context of every document this consolidation calls for (kind -> placeholders), and
    the documents not made with their reasons: conference documents only for a conference
    campaign, lists only when someone is on them, award documents only with nominations."""
    common = _common(c)
    made: dict[str, dict[str, Any]] = {}
    skipped: list[Skipped] = []
    for kind in KINDS:
        if kind.conference and c.campaign.kind != "conference":
            skipped.append(Skipped(kind, "đợt thi đua này không có hội nghị"))
            continue
        own = _BUILDERS[kind.kind](c)
        if isinstance(own, str):
            skipped.append(Skipped(kind, own))
        else:
            made[kind.kind] = bounded({**common, **own})  # no text longer than it prints
    return made, skipped


def _common(c: Consolidation) -> dict[str, Any]:
    settings = c.campaign.documents
    root = _root(c)
    name = root["name"] if root else ""
    issuer = (settings.issuer or name).upper()
    # Who decides: «TM. BAN THƯỜNG VỤ» of «LĐLĐ HUYỆN …» is the collective «BAN THƯỜNG VỤ LĐLĐ
    # HUYỆN …»; without a «TM.» collective the signer decides in person: «CHỦ TỊCH ỦY BAN NHÂN
    # DÂN TỈNH …». The council (`hoi_dong`) only proposes: it is never the decider.
    body = settings.authority.upper().removeprefix("TM.").strip() or settings.signer.upper()
    deciding = issuer if not body or issuer.startswith(body) else f"{body} {issuer or BLANK}"
    issuer_name = settings.issuer or name
    return {
        "du_lieu_mau": c.example,
        # Names in the header block kept whole on their lines (`wording.kept_whole`).
        "co_quan_cap_tren": kept_whole(settings.superior.upper()),
        "ten_co_quan_cap_tren": in_running_text(settings.superior) or BLANK,
        "co_quan": kept_whole(issuer) or BLANK,
        "chu_the": kept_whole(deciding) or BLANK,
        "co_quan_ten": issuer_name or BLANK,
        "chu_the_ten": _sentence_case(body, issuer_name) or BLANK,
        "ten_don_vi": name or BLANK,
        "ky_hieu": settings.symbol or BLANK,
        "noi_ban_hanh": settings.place or BLANK,
        "nam": str(_year(c)),
        "tham_quyen": settings.authority,
        "chuc_vu_ky": settings.signer,
        "hoi_dong": settings.council,
        "dot_thi_dua": c.campaign.name,
        "van_ban_can_cu": c.campaign.document,
        "can_cu_luat": list(settings.basis),
        "ngay_so_lieu": format_date(c.as_of),
    }


# The deciding collectives and persons as running text writes them.
_RUNNING_TEXT = {"BAN THƯỜNG VỤ": "Ban Thường vụ", "BAN CHẤP HÀNH": "Ban Chấp hành",
                 "ĐOÀN CHỦ TỊCH": "Đoàn Chủ tịch", "CHỦ TỊCH": "Chủ tịch"}


def _sentence_case(body: str, issuer_name: str) -> str:
    """The decider as running text names it: «Ban Thường vụ Liên đoàn Lao động huyện …»,
    «Chủ tịch Ủy ban nhân dân tỉnh …»; the issuer itself when it decides as a whole."""
    if not body or fold(issuer_name).startswith(fold(body)):
        return issuer_name
    words = body.split()
    head = _RUNNING_TEXT.get(body, " ".join([words[0].capitalize(), *map(str.lower, words[1:])]))
    return f"{head} {issuer_name}".strip()


def _year(c: Consolidation) -> int:
    return c.campaign.documents.year or c.as_of.year


def _root(c: Consolidation) -> dict[str, Any] | None:
    """The consolidating unit (the registry's root), or None when the tree has none. Without a
    registry the root is only the code units gave as their parent: its name is not known, and
    stays a blank to fill rather than the code."""
    if not c.registry.roots:
        return None
    unit = c.registry.units[c.registry.roots[0]]
    named = not (c.registry.inferred and unit.name == unit.code)
    return {"code": unit.code, "name": unit.name if named else "", "level": unit.level}


def _conference_titles(c: Consolidation) -> dict[str, Any]:
    """The conference's name lines, number and period, from the root level's document."""
    settings = c.campaign.documents
    root = _root(c)
    level = root["level"] if root else c.campaign.root_level
    return {"phong": list(level.backdrop or settings.backdrop or ["HỘI NGHỊ",
                                                                 "ĐIỂN HÌNH TIÊN TIẾN"]),
            "lan_thu": settings.session or BLANK, "nhiem_ky": settings.period or BLANK}


def _agenda(c: Consolidation) -> dict[str, Any] | str:
    root = _root(c)
    level = root["level"] if root else c.campaign.root_level
    items = level.agenda or c.campaign.documents.agenda
    if not items:
        return ("cấu hình đợt thi đua không có chương trình hội nghị ([documents] agenda)")
    return {"chuong_trinh": list(items), **_conference_titles(c)}


def _backdrop(c: Consolidation) -> dict[str, Any] | str:
    titles = _conference_titles(c)
    root = _root(c)
    return {**titles, "ten_don_vi_in_hoa": ((root and root["name"]) or BLANK).upper(),
            "dia_diem_ngay": f"{c.campaign.documents.place or 'Địa điểm'}, ngày {BLANK} tháng "
                             f"{BLANK} năm {_year(c)}"}


def _presidium(c: Consolidation) -> dict[str, Any] | str:
    frame = c.accepted("delegates")
    frame = tree_order(c, frame[frame["presidium"].fillna(False).astype(bool)])
    if frame.empty:
        return "không đơn vị nào đánh dấu đại biểu Đoàn Chủ tịch"
    groups = []
    for code, people in frame.groupby(UNIT, sort=False):
        unit = c.registry.units.get(str(code))
        level = unit.level if unit else None
        rows = _people(c, people)
        groups.append({"don_vi": unit.name if unit else str(code), "so_nguoi": len(rows),
                       "so_cstd": sum(1 for row in rows if row["cstd"]),
                       "quy_dinh": _presidium_rule(level), "nguoi": rows})
    return {"nhom_doan_chu_tich": groups, "so_doan_chu_tich": len(frame)}


def _presidium_rule(level: Any) -> str:
    """The level's presidium size and emulation-soldier range, as the document states it."""
    if level is None or (level.presidium_min is None and level.presidium_max is None):
        return ""
    size = _range(level.presidium_min, level.presidium_max)
    rule = f"Quy định: {size} người"
    low, high = level.presidium_emulation_min, level.presidium_emulation_max
    if low is not None or high is not None:
        rule += f", trong đó {_range(low, high)} Chiến sĩ thi đua"
    return rule + "."


def _range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low:02d} - {high:02d}" if low != high else f"{low:02d}"
    return f"từ {low:02d}" if low is not None else f"đến {high:02d}"


def _conference_delegates(c: Consolidation) -> dict[str, Any] | str:
    """This level's conference: the delegates the units flagged «Dự hội nghị cấp trên»."""
    frame = conference_delegates(c)
    if frame.empty:
        return "không đơn vị nào đánh dấu đại biểu «Dự hội nghị cấp trên»"
    return _delegate_list(c, frame)


def _upward_delegates(c: Consolidation) -> dict[str, Any] | str:
    """This level's delegation to the next level (the people of gui-cap-tren.xlsx), or why
    there is none yet."""
    frame = upward_delegates(c)
    if frame.empty:
        return delegation_note(c) or "chưa có danh sách đoàn đại biểu đi dự hội nghị cấp trên"
    return _delegate_list(c, frame)


def _delegate_list(c: Consolidation, frame: pd.DataFrame) -> dict[str, Any]:
    rows = _people(c, frame)
    return {"dai_bieu": rows, "so_dai_bieu": len(rows),
            "so_dai_bieu_nu": sum(1 for row in rows if row["gioi_tinh"] == "Nữ"),
            "so_dien_hinh": sum(1 for row in rows if row["loai"] == "Điển hình tiên tiến"),
            "so_khach_moi": sum(1 for row in rows if row["loai"] == "Khách mời")}


def _people(c: Consolidation, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Delegates as the documents list them, numbered from 1."""
    names = _unit_names(c)
    rows = []
    for number, row in enumerate(frame.to_dict("records"), start=1):
        year, gender = _text(row.get("birth_year")), _text(row.get("gender"))
        rows.append({
            "stt": number, "ho_ten": _text(row.get("full_name")), "nam_sinh": year,
            "nam_sinh_nam": year if gender == "Nam" else "",
            "nam_sinh_nu": year if gender == "Nữ" else "", "gioi_tinh": gender,
            "dan_toc": _text(row.get("ethnicity")), "chuc_vu": _text(row.get("position")),
            "dang_vien": _tick(row.get("party_member")), "loai": _text(row.get("delegate_type")),
            "lanh_dao": _tick(row.get("leader")), "truc_tiep": _tick(row.get("direct_worker")),
            "cstd": _tick(row.get("emulation_soldier")),
            "don_vi": names.get(str(row[UNIT]), _text(row[UNIT])),
            "ghi_chu": _text(row.get("note")),
        })
    return rows


def _proposal(c: Consolidation) -> dict[str, Any] | str:
    frame = forwarded_nominations(c)
    if frame.empty:
        return "không có đề nghị khen thưởng hình thức do cấp trên xét"
    return _annex(c, frame)


def _decision(c: Consolidation) -> dict[str, Any] | str:
    frame = decided_here(c)
    if frame.empty:
        return "không có đề nghị khen thưởng hình thức do cấp này xét"
    return _annex(c, frame)


def _annex(c: Consolidation, frame: pd.DataFrame) -> dict[str, Any]:
    """Nominations grouped by form (in the template's order of forms), collectives first,
    numbered within each form."""
    nominees = _nominees(c, frame)
    groups: list[dict[str, Any]] = []
    for form in AWARD_FORMS:
        rows = [row for row in nominees if row["hinh_thuc"] == form]
        if not rows:
            continue
        rows.sort(key=lambda row: row["doi_tuong"] != "Tập thể")  # stable: tree order kept
        for number, row in enumerate(rows, start=1):
            row["stt"] = number
        collectives = sum(1 for row in rows if row["doi_tuong"] == "Tập thể")
        groups.append({"so_muc": _roman(len(groups) + 1), "hinh_thuc": form,
                       "so_tap_the": collectives, "so_ca_nhan": len(rows) - collectives,
                       "so_luong": len(rows), "danh_sach": rows})
    collectives = sum(group["so_tap_the"] for group in groups)
    return {"nhom": groups, "so_luong": len(nominees), "so_tap_the": collectives,
            "so_ca_nhan": len(nominees) - collectives,
            "cac_hinh_thuc": ", ".join(group["hinh_thuc"] for group in groups)}


def _nominees(c: Consolidation, frame: pd.DataFrame) -> list[dict[str, Any]]:
    names = _unit_names(c)
    rows = []
    for number, row in enumerate(frame.to_dict("records"), start=1):
        rows.append({
            "stt": number, "ten": _text(row.get("name")), "doi_tuong": _text(row.get("subject")),
            "nam_sinh": _text(row.get("birth_year")), "gioi_tinh": _text(row.get("gender")),
            "chuc_vu": _text(row.get("position")),
            "don_vi": names.get(str(row[UNIT]), _text(row[UNIT])),
            "hinh_thuc": _text(row.get("award")), "so_bao_cao": _text(row.get("reports")),
            "tom_tat": _text(row.get("summary")),
        })
    return rows


def _per_form(c: Consolidation) -> list[dict[str, Any]]:
    """Accepted nominations counted per form: collectives, individuals, not considered."""
    frame = c.accepted("nominations")
    late = ~frame.index.isin(considered_nominations(c).index)
    rows: list[dict[str, Any]] = []
    for form in AWARD_FORMS:
        mine = frame["award"] == form
        if not mine.any():
            continue
        considered = mine & ~late
        collectives = int((considered & (frame["subject"] == "Tập thể")).sum())
        rows.append({"stt": len(rows) + 1, "hinh_thuc": form,
                     "cap_xet": _decider_name(c, form),
                     "so_tap_the": collectives,
                     "so_ca_nhan": int(considered.sum()) - collectives,
                     "so_luong": int(considered.sum()), "khong_xet": int((mine & late).sum())})
    return rows


def _decider_name(c: Consolidation, form: str) -> str:
    """Who decides a form, by the body's name: this level's or the level above's, else the
    body the campaign names (a body outside the union, a lower level)."""
    here, above = _deciders(c)
    return {"here": here, "above": above}.get(c.campaign.decided_by(form)) \
        or c.campaign.decider_label(form)


def _deciders(c: Consolidation) -> tuple[str, str]:
    """Who decides a form, by name: (this level, the level above)."""
    root = _root(c)
    return ((root and root["name"]) or "Cấp này",
            in_running_text(c.campaign.documents.superior) or "Cấp trên")


def _minutes(c: Consolidation) -> dict[str, Any] | str:
    frame = c.accepted("nominations")
    if frame.empty:
        return "không có đề nghị khen thưởng hợp lệ"
    considered = considered_nominations(c)
    forwarded = int(considered["award"].isin(c.campaign.forwarded_awards).sum())
    here = int(considered["award"].isin(c.campaign.forms_decided("here")).sum())
    sheet = BY_KEY["nominations"].title
    counts = Counter(f.code for f in c.findings
                     if f.sheet == sheet and f.severity in ("error", "warning"))
    return {"theo_hinh_thuc": _per_form(c), "so_don_vi_de_nghi": int(frame[UNIT].nunique()),
            "tong_de_nghi": len(frame), "so_khong_xet": len(frame) - len(considered),
            "de_nghi_cap_tren": forwarded, "khen_cap_nay": here,
            "van_de_de_nghi": [{"ma": code, "noi_dung": title_of(code, c.campaign), "so": count}
                               for code, count in sorted(counts.items())]}


def _report(c: Consolidation) -> dict[str, Any]:
    statuses = unit_statuses(c)
    expected = [code for code in c.registry.order
                if statuses[code] not in ("Đơn vị tổng hợp", "Không phải gửi")]
    sent = [code for code in expected if statuses[code].startswith("Đã gửi")]
    late_units = {f.unit for f in c.findings if f.code == "DOSSIER_LATE"}
    names = _unit_names(c)
    figures = unit_figures(c)
    severities = Counter((f.code, f.severity) for f in c.findings
                         if f.severity in ("error", "warning"))
    nominations = c.accepted("nominations")
    considered = considered_nominations(c)
    return {
        "don_vi_phai_gui": len(expected), "don_vi_da_gui": len(sent),
        "don_vi_nop_muon": [{"ma": code, "ten": names[code]} for code in c.registry.order
                            if code in late_units],
        "don_vi_chua_gui": [{"ma": code, "ten": names[code], "tinh_trang": statuses[code]}
                            for code in expected if code not in sent],
        "dai_bieu_so_lieu": _delegate_figures(c),
        "don_vi_so_lieu": [
            {"stt": number, "ma": code, "ten": names[code], "tinh_trang": statuses[code],
             "dai_bieu": figures[code]["delegates"], "de_nghi": figures[code]["nominations"],
             "loi": figures[code]["errors"], "canh_bao": figures[code]["warnings"]}
            for number, code in enumerate(expected, start=1)],
        "theo_hinh_thuc": _per_form(c), "tong_de_nghi": len(nominations),
        "so_khong_xet": len(nominations) - len(considered),
        "phat_hien": [{"ma": code, "muc_do": SEVERITY_LABELS[severity],
                       "noi_dung": title_of(code, c.campaign), "so": count}
                      for (code, severity), count in sorted(
                          severities.items(), key=lambda item: (item[0][1] != "error",
                                                                item[0][0]))],
        "so_loi": sum(n for (_, severity), n in severities.items() if severity == "error"),
        "so_canh_bao": sum(n for (_, severity), n in severities.items()
                           if severity == "warning"),
    }


def _delegate_figures(c: Consolidation) -> list[dict[str, Any]]:
    """The whole tree's delegates and their shares (the Tổng hợp sheet's grand total)."""
    rows = summary_rows(c)
    totals = [row for row in rows if row["kind"] == "total"]
    if totals:
        total = totals[0]
    else:  # no unit has subordinates: add the units' own figures
        total = Counter()
        for row in rows:
            total.update({key: row[key] for key in ("delegates", "exemplary", "guests", "women",
                                                    "minority", "direct")})
    count = total["delegates"]

    def line(label: str, key: str | None) -> dict[str, Any]:
        value = count if key is None else total[key]
        share = percent(value / count) if count and key is not None else ""
        return {"noi_dung": label, "so": value, "ty_le": share}

    return [line("Tổng số đại biểu", None), line("Điển hình tiên tiến", "exemplary"),
            line("Khách mời", "guests"), line("Nữ", "women"),
            line("Dân tộc thiểu số", "minority"), line("Trực tiếp sản xuất, công tác", "direct")]


def _certificates(c: Consolidation) -> dict[str, Any] | str:
    frame = decided_here(c)
    if frame.empty:
        return "không có người, tập thể nào được khen tại cấp này"
    year = str(_year(c))  # in the decision annex's order: by form, collectives first
    return {"giay_khen": [{**row, "nam": year} for group in _annex(c, frame)["nhom"]
                          for row in group["danh_sach"]]}


_BUILDERS = {"agenda": _agenda, "backdrop": _backdrop, "presidium": _presidium,
             "conference_delegates": _conference_delegates,
             "upward_delegates": _upward_delegates, "proposal": _proposal,
             "decision": _decision, "minutes": _minutes, "report": _report,
             "certificates": _certificates}


def _unit_names(c: Consolidation) -> dict[str, str]:
    return {code: unit.name for code, unit in c.registry.units.items()}


def _text(value: Any) -> str:
    """A cell as the document prints it: blank for missing, whole numbers without «.0»."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _tick(value: Any) -> str:
    """A flag as a list prints it: «x» when set (Python or numpy booleans alike)."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return "x" if bool(value) else ""


def _roman(number: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    text = ""
    for value, numeral in numerals:
        while number >= value:
            text, number = text + numeral, number - value
    return text
