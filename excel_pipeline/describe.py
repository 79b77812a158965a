"""A campaign's rules in Vietnamese sentences: `dhtt-merge campaigns MÃ` and the guide sheet of
the input templates both print `rule_lines`, so what a unit reads in its template and what the
office reads on screen can never drift apart."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from .campaign import ALLOCATION_METHODS, Campaign, Level
from .textnorm import format_date as _d

_WEIGHTS = {"members": "số đoàn viên", "workers": "số CNVCLĐ"}


class RuleLine(NamedTuple):
    """One rule the campaign sets."""

    title: str  # what the rule is about, naming its level when it binds one level
    sentence: str  # the rule as one Vietnamese sentence, its numbers and dates in words
    source: str  # the document (and section) that sets it
    level: str = ""  # the id of the level it binds; "" when it binds every level


def rule_lines(campaign: Campaign) -> list[RuleLine]:
    """Every rule the campaign sets, levels first (root first), then those of every level."""
    lines = [line for level in campaign.levels for line in _level_lines(campaign, level)]
    lines += _campaign_lines(campaign)
    return lines


def _percent(share: float) -> str:
    """70%, or 7,5% (Vietnamese decimal comma) when the share is not a whole percent."""
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def _weight(campaign: Campaign) -> str:
    """What the upper level's seats and quotas are shared by, in words."""
    weight = campaign.allocation.weight
    return _WEIGHTS.get(weight, f"cột «{weight}» của danh mục đơn vị")


def _range(low: int | None, high: int | None, noun: str) -> str:
    if low is not None and high is not None:
        return f"{low} {noun}" if low == high else f"từ {low} đến {high} {noun}"
    return f"ít nhất {low} {noun}" if low is not None else f"không quá {high} {noun}"


def _level_lines(campaign: Campaign, level: Level) -> Iterable[RuleLine]:
    source = level.source or campaign.document

    def line(topic: str, sentence: str) -> RuleLine:
        return RuleLine(f"{level.name} – {topic}", sentence, source, level.id)

    if level.conference_start and level.conference_end:
        yield line("thời gian hội nghị", f"Tổ chức hội nghị từ ngày {_d(level.conference_start)} "
                   f"đến hết ngày {_d(level.conference_end)}.")
    elif level.conference_end:
        yield line("thời gian hội nghị",
                   f"Tổ chức hội nghị chậm nhất ngày {_d(level.conference_end)}.")
    elif level.conference_start:
        yield line("thời gian hội nghị",
                   f"Tổ chức hội nghị từ ngày {_d(level.conference_start)}.")
    if level.dossier_deadline:
        yield line("hạn gửi hồ sơ", f"Gửi hồ sơ lên cấp trên chậm nhất ngày "
                   f"{_d(level.dossier_deadline)} (gửi trong ngày này vẫn là đúng hạn).")
    if level.delegate_cap is not None:
        yield line("số đại biểu", f"Không quá {level.delegate_cap} đại biểu dự hội nghị "
                   "(hội nghị toàn thể không tính giới hạn này).")
    if level.presidium_min is not None or level.presidium_max is not None:
        people = _range(level.presidium_min, level.presidium_max, "người")
        yield line("Đoàn Chủ tịch", f"Đoàn Chủ tịch hội nghị gồm {people}.")
    if (level.presidium_emulation_min is not None
            or level.presidium_emulation_max is not None):
        people = _range(level.presidium_emulation_min, level.presidium_emulation_max, "người")
        yield line("Đoàn Chủ tịch", f"Trong Đoàn Chủ tịch có {people} là Chiến sĩ thi đua "
                   "(đánh dấu ở cột «Chiến sĩ thi đua»).")
    if level.conference_seats is not None:
        shared = (f"giữ lại {level.conference_reserved} dành riêng, số còn lại chia"
                  if level.conference_reserved else "chia hết")
        yield line("đại biểu phân bổ", f"Hội nghị cấp này có {level.conference_seats} đại "
                   f"biểu, {shared} cho các đơn vị trực thuộc theo {_weight(campaign)}.")
    if not level.submits and level is not campaign.root_level:
        yield line("gửi hồ sơ", "Không gửi hồ sơ trực tiếp lên cấp tổng hợp.")


def _campaign_lines(campaign: Campaign) -> Iterable[RuleLine]:
    doc = campaign.document
    if campaign.plans_deadline:
        yield RuleLine("Kế hoạch tổ chức hội nghị", "Gửi kế hoạch tổ chức hội nghị chậm nhất "
                       f"ngày {_d(campaign.plans_deadline)}.", doc)
    if campaign.plenary_threshold:
        n = campaign.plenary_threshold
        yield RuleLine("Hình thức hội nghị", f"Đơn vị dưới {n} đoàn viên tổ chức Hội nghị toàn "
                       f"thể; từ {n} đoàn viên trở lên tổ chức Hội nghị đại biểu.", doc)
    if campaign.exemplary_share:
        share, tolerance = campaign.exemplary_share, campaign.exemplary_tolerance
        floor = f" (không thấp hơn {_percent(share - tolerance)})" if tolerance else ""
        yield RuleLine("Tỷ lệ đại biểu điển hình tiên tiến", "Đại biểu điển hình tiên tiến "
                       f"chiếm {'khoảng' if tolerance else 'ít nhất'} {_percent(share)} tổng số "
                       f"đại biểu{floor}; còn lại là khách mời.", doc)
    if campaign.leader_share:
        yield RuleLine("Tỷ lệ lãnh đạo được khen thưởng", "Cá nhân giữ chức vụ lãnh đạo, quản "
                       f"lý không quá {_percent(campaign.leader_share)} số cá nhân được đề nghị "
                       "khen thưởng.", doc)
    if campaign.collective_share:
        yield RuleLine("Tỷ lệ tập thể được khen thưởng", "Mỗi khối thi đua đề nghị Cờ thi đua, "
                       f"Bằng khen cho tập thể không quá {_percent(campaign.collective_share)} "
                       "số đơn vị xếp loại «Hoàn thành xuất sắc nhiệm vụ».", doc)
    by_count: dict[int, list[str]] = {}
    for form, count in campaign.reports_required.items():
        by_count.setdefault(count, []).append(f"«{form}»")
    for count, forms in by_count.items():
        yield RuleLine("Báo cáo thành tích", f"Mỗi đề nghị {', '.join(forms)} kèm {count} bản "
                       "báo cáo thành tích.", doc)
    if campaign.late_nominations_not_considered:
        yield RuleLine("Hồ sơ nộp muộn", "Không xét khen thưởng các đề nghị của đơn vị gửi hồ "
                       "sơ sau hạn.", doc)
    if campaign.registration_deadline:
        yield RuleLine("Đăng ký thi đua", "Đăng ký danh hiệu thi đua năm sau (trang «Đăng ký thi "
                       f"đua») chậm nhất ngày {_d(campaign.registration_deadline)}.", doc)
    for chain in campaign.chains:
        needs = " hoặc ".join(f"«{need}»" for need in chain.needs)
        when = ("trong cùng năm được đề nghị" if chain.years == "same"
                else f"trong {chain.count} năm liên tục liền trước")
        yield RuleLine(f"Điều kiện «{chain.form}»", f"Chỉ đề nghị «{chain.form}» cho người (tập "
                       f"thể) đã đạt {needs} {when}.", chain.source or doc)
    plan = campaign.allocation
    weight = _weight(campaign)
    method = ALLOCATION_METHODS.get(plan.method, plan.method)
    if plan.seats is not None:
        shared = (f"giữ lại {plan.reserved} dành riêng, số còn lại chia" if plan.reserved
                  else "chia hết")
        yield RuleLine("Chỉ tiêu đại biểu dự hội nghị cấp trên", f"Cấp trên có {plan.seats} chỉ "
                       f"tiêu, {shared} cho các đơn vị trực thuộc theo {weight}, mỗi đơn vị ít "
                       f"nhất {plan.minimum}, theo phương pháp {method}.", plan.source or doc)
    for form, quota in plan.quotas.items():
        yield RuleLine(f"Chỉ tiêu khen thưởng «{form}»", f"Cấp trên có {quota} chỉ tiêu "
                       f"«{form}», chia cho các đơn vị trực thuộc theo {weight}.",
                       plan.source or doc)


def catalogue_markdown(campaigns: Iterable[Campaign]) -> str:
    """docs/rules.md: every finding code (from `findings.CATALOGUE`) and every preset's rules
    (from `rule_lines`), the same text the command and the templates print. Written by
    `python -m excel_pipeline.describe docs/rules.md`; a test fails when the committed page
    differs, so the documentation cannot drift from the code."""
    from .findings import CATALOGUE, SEVERITY_LABELS

    out = ["# Phát hiện và quy định của các đợt thi đua", "",
           "Trang này được sinh từ mã nguồn (`python -m excel_pipeline.describe docs/rules.md`):",
           "danh mục phát hiện trong `excel_pipeline/findings.py` và quy định của từng đợt trong",
           "`excel_pipeline/presets/`. Không sửa tay.", "", "## Phát hiện", "",
           "| Mã | Mức độ mặc định | Tên | Khi nào | Cách sửa |", "|---|---|---|---|---|"]
    out += [f"| `{kind.code}` | {SEVERITY_LABELS[kind.severity]} | {kind.title_for(None)} | "
            f"{kind.description} | {kind.advice} |" for kind in CATALOGUE]
    for campaign in campaigns:
        out += ["", f"## {campaign.name} (`{campaign.id}`)", "", f"Theo {campaign.document}.",
                ""]
        out += [f"- **{line.title}**: {line.sentence} _(Nguồn: {line.source})_"
                for line in rule_lines(campaign)]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import sys
    from pathlib import Path

    from .campaign import load_campaign, preset_ids

    text = catalogue_markdown(load_campaign(campaign_id) for campaign_id in preset_ids())
    Path(sys.argv[1]).write_text(text, encoding="utf-8")
