"""A campaign's rules as a readable table (level, rule, limit, source): `dhtt-merge campaigns`."""

from __future__ import annotations

from .campaign import ALLOCATION_METHODS, Campaign, weight_label
from .textnorm import format_date as _d


def rule_table(campaign: Campaign) -> list[tuple[str, str, str, str]]:
    """One row per rule the campaign sets, in Vietnamese."""
    rows: list[tuple[str, str, str, str]] = []
    everywhere = "Mọi cấp"
    for level in campaign.levels:
        source = level.source or campaign.document
        if level.delegate_cap is not None:
            rows.append((level.name, "Số đại biểu tối đa (trừ hội nghị toàn thể)",
                         str(level.delegate_cap), source))
        if level.conference_start or level.conference_end:
            start = _d(level.conference_start) if level.conference_start else "…"
            end = _d(level.conference_end) if level.conference_end else "…"
            rows.append((level.name, "Thời gian tổ chức hội nghị", f"{start} – {end}", source))
        if level.dossier_deadline:
            rows.append((level.name, "Hạn gửi hồ sơ (chậm nhất)", _d(level.dossier_deadline),
                         source))
        if level.presidium_min is not None or level.presidium_max is not None:
            rows.append((level.name, "Số người Đoàn Chủ tịch",
                         f"{level.presidium_min}–{level.presidium_max}", source))
        if level.presidium_emulation_min is not None:
            rows.append((level.name, "Chiến sĩ thi đua trong Đoàn Chủ tịch",
                         f"{level.presidium_emulation_min}–{level.presidium_emulation_max}",
                         source))
        if level.conference_seats is not None:
            rows.append((level.name, "Đại biểu dự hội nghị cấp này, phân bổ cho đơn vị trực thuộc",
                         f"{level.conference_seats} (dành riêng {level.conference_reserved})",
                         source))
        if not level.submits and level is not campaign.root_level:
            rows.append((level.name, "Không gửi trực tiếp lên cấp tổng hợp", "", source))
    doc = campaign.document
    if campaign.plenary_threshold:
        rows.append((everywhere, "Dưới mức này tổ chức Hội nghị toàn thể (số đoàn viên)",
                     str(campaign.plenary_threshold), doc))
    if campaign.exemplary_share:
        share, tolerance = campaign.exemplary_share, campaign.exemplary_tolerance
        rows.append((everywhere, "Tỷ lệ đại biểu điển hình tiên tiến tối thiểu",
                     f"{share:.0%} (dung sai {tolerance:.0%})", doc))
    if campaign.leader_share:
        rows.append((everywhere, "Lãnh đạo trong đề nghị khen thưởng cá nhân, không quá",
                     f"{campaign.leader_share:.0%}", doc))
    if campaign.collective_share:
        rows.append((everywhere, "Tập thể đề nghị Cờ thi đua/Bằng khen trong khối, không quá",
                     f"{campaign.collective_share:.0%} số đơn vị xếp loại HTXSNV", doc))
    for form, count in campaign.reports_required.items():
        rows.append((everywhere, f"Số báo cáo thành tích cho «{form}»", str(count), doc))
    if campaign.late_nominations_not_considered:
        rows.append((everywhere, "Hồ sơ nộp muộn", "Không xét khen thưởng", doc))
    plan = campaign.allocation
    if plan.seats is not None:
        rows.append((everywhere, "Chỉ tiêu đại biểu dự hội nghị cấp trên được phân bổ",
                     f"{plan.seats} (dành riêng {plan.reserved}, tối thiểu {plan.minimum}, "
                     f"{ALLOCATION_METHODS.get(plan.method, plan.method)}, trọng số: "
                     f"{weight_label(plan.weight)})", plan.source or doc))
    for form, quota in plan.quotas.items():
        rows.append((everywhere, f"Chỉ tiêu khen thưởng «{form}»", str(quota),
                     plan.source or doc))
    return rows
