"""The one record for everything that is wrong, and the catalogue of finding types.

Schema failures and rule violations alike become a `Finding`, so the Phát hiện sheet, the JSON
report and the feedback files are three views of one list (docs/domain.md, «Findings»).

Each code is defined once, as a `FindingType` in the manner of frictionless' error types: its
default severity, its Vietnamese title, what it means, the message template with named fields,
and the advice a unit is given. A check builds a finding with `TYPE.at(...)`, passing the
figures the template names, so a message can only say what its template says; titles that name
a campaign's figure (a share, a limit) are built from that campaign (`title_for`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Literal, Protocol

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_LABELS: dict[str, str] = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Thông tin"}

# The fields of a finding that say where it points (as opposed to what its message says).
WHERE_FIELDS = ("unit", "file", "sheet", "row", "column", "value")
_WHERE = frozenset(WHERE_FIELDS)


class CampaignFigures(Protocol):
    """What a title may quote of a campaign (the campaign module imports this one, so a type
    here cannot name it)."""

    @property
    def leader_share(self) -> float | None: ...

    @property
    def collective_share(self) -> float | None: ...


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing that is wrong (or worth knowing), pointing at its source cell where one applies."""

    code: str
    severity: Severity
    message: str
    unit: str | None = None
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the report's `findings` (keys in a fixed order; docs/domain.md)."""
        return dict(zip(_REPORTED, _reported(self), strict=True))


# A finding's keys in the report, in their order, and one call that reads them all.
_REPORTED = ("code", "severity", "unit", "file", "sheet", "row", "column", "value", "message")
_reported = attrgetter(*_REPORTED)


@dataclass(frozen=True)
class FindingType:
    """One finding code, defined once.

    `templates` maps a variant name to a message template (`"default"` always present); a
    variant is a different wording of the same code (a cell that fails its type, a column that
    is missing). `title` may name `{leader_share}` or `{collective_share}`, filled from the
    campaign by `title_for`."""

    code: str
    severity: Severity
    title: str
    description: str
    advice: str
    templates: Mapping[str, str] = field(default_factory=dict)

    def at(self, severities: Mapping[str, Severity] | None, where: Mapping[str, Any] | None = None,
           *, variant: str = "default", severity: Severity | None = None,
           **fields: Any) -> Finding:
        """A finding of this type: severity from the campaign (else this type's default, or the
        explicit `severity` a variant needs), its message from the template and `fields`, its
        place from `where` (any of unit, file, sheet, row, column, value)."""
        chosen = severity or (severities or {}).get(self.code, self.severity)
        message = self.templates[variant].format(**fields)
        place = dict(where or {})
        if not _WHERE.issuperset(place):
            raise TypeError(f"{self.code}: not a place of a finding: {sorted(set(place) - _WHERE)}")
        return Finding(code=self.code, severity=chosen, message=message, **place)

    def title_for(self, campaign: CampaignFigures | None = None) -> str:
        """The title, with the campaign's own figures where it names one."""
        if "{" not in self.title:
            return self.title
        figures = {name: (f"{float(value):.0%}" if value else "mức quy định")
                   for name in ("leader_share", "collective_share")
                   for value in [getattr(campaign, name, None)]}
        return self.title.format(**figures)


def _type(code: str, severity: Severity, title: str, description: str, advice: str,
          **templates: str) -> FindingType:
    return FindingType(code, severity, title, description, advice, templates)


CATALOGUE: tuple[FindingType, ...] = (
    _type("SCHEMA", "error", "Ô dữ liệu không hợp lệ",
          "Một ô sai kiểu, ngoài danh sách, ngoài khoảng cho phép, hoặc bỏ trống ô bắt buộc; "
          "hoặc thiếu cột bắt buộc; mỗi ô một phát hiện.",
          "Sửa ô theo nội dung bên cạnh: chọn đúng giá trị trong danh sách, ghi số, năm, ngày "
          "(dd/mm/yyyy) đúng kiểu; không để trống ô bắt buộc.",
          default="{header}{shown}: {reason}.",
          missing_column="Không tìm thấy cột bắt buộc «{header}» ở dòng tiêu đề của trang "
                         "«{sheet}».",
          unknown_level="Cấp đơn vị «{label}» không thuộc các cấp của đợt thi đua: {levels}."),
    _type("UNREADABLE_FILE", "error", "Tệp không đọc được",
          "Tệp hỏng, có mật khẩu, rỗng, không phải bảng tính, hoặc không có trang nào theo mẫu.",
          "Mở tệp bằng Excel, lưu lại dạng .xlsx theo mẫu rồi gửi lại.",
          default="{reason}.",
          no_sheet="Không nhận ra trang tính nào theo mẫu (Thông tin đơn vị, Đại biểu, Đề nghị "
                   "khen thưởng, Kết quả thi đua). Các trang có trong tệp: {sheets}."),
    _type("MISSING_SHEET", "error", "Thiếu trang tính bắt buộc",
          "Thiếu trang mà đợt thi đua yêu cầu (các trang khác của đơn vị vẫn được đọc); thiếu "
          "trang Thông tin đơn vị thì không xác định được đơn vị gửi.",
          "Bổ sung trang còn thiếu theo mẫu, giữ nguyên tên trang và dòng tiêu đề.",
          default="Thiếu trang bắt buộc «{title}» (theo {document}). Các trang khác của tệp vẫn "
                  "được tổng hợp.",
          no_info="Thiếu trang «Thông tin đơn vị» (có Mã đơn vị): không xác định được đơn vị "
                  "gửi, toàn bộ tệp không được tổng hợp."),
    _type("UNKNOWN_UNIT", "error", "Mã đơn vị không có trong danh mục",
          "Mã đơn vị của tệp không có trong danh mục đơn vị.",
          "Ghi đúng Mã đơn vị được cấp ở trang Thông tin đơn vị rồi gửi lại.",
          default="Mã đơn vị «{code}» không có trong danh mục đơn vị: tệp không được tổng hợp. "
                  "Kiểm tra lại mã đơn vị ở trang Thông tin đơn vị.{likely}"),
    _type("DUPLICATE_SUBMISSION", "warning", "Đơn vị gửi nhiều tệp",
          "Một đơn vị gửi hai tệp trở lên: tệp ghi đúng mã đơn vị được ưu tiên hơn tệp nhận theo "
          "tên, rồi đến tệp có Ngày gửi báo cáo (sau đó thời điểm lưu tệp) muộn hơn; tệp kia "
          "được giữ lại như bản bị thay thế.",
          "Chỉ tệp gửi sau cùng được tổng hợp; nếu cần dùng tệp khác, báo lại cơ quan tổng hợp.",
          default="Đơn vị {code} gửi {count} tệp. Dùng tệp «{winner}» (ngày gửi {winner_date}); "
                  "tệp «{loser}» (ngày gửi {loser_date}) được giữ lại như bản bị thay thế.",
          by_name="Đơn vị {code} gửi {count} tệp. Dùng tệp «{winner}», tệp ghi đúng Mã đơn vị; "
                  "tệp «{loser}» (không ghi đúng mã, nhận theo tên đơn vị) được giữ lại như bản "
                  "bị thay thế. Nếu tệp này mới đúng, sửa Mã đơn vị trong tệp hoặc bỏ tệp kia "
                  "khỏi thư mục."),
    _type("MISSING_SUBMISSION", "warning", "Đơn vị chưa gửi báo cáo",
          "Một đơn vị trong danh mục chưa gửi gì dùng được (thành lỗi khi đã quá hạn gửi hồ sơ).",
          "Gửi báo cáo theo mẫu trước hạn.",
          default="Đơn vị {code} – {name} chưa gửi báo cáo ({when}; tính đến ngày {as_of})."),
    _type("CONFERENCE_LATE", "error", "Hội nghị tổ chức ngoài thời gian quy định",
          "Ngày tổ chức hội nghị nằm ngoài thời gian quy định cho cấp của đơn vị.",
          "Kiểm tra lại Ngày tổ chức hội nghị; nếu ghi đúng, báo cáo giải trình với cấp trên.",
          default="Hội nghị của {name} tổ chức ngày {held}, ngoài thời gian quy định cho cấp "
                  "{level}: {window} (theo {document})."),
    _type("DOSSIER_LATE", "error", "Gửi hồ sơ quá hạn",
          "Hồ sơ gửi sau hạn của cấp đơn vị; với đợt không xét hồ sơ muộn, đề nghị khen thưởng "
          "của đơn vị được giữ lại, ghi «Không xét».",
          "Kiểm tra lại Ngày gửi báo cáo; hồ sơ gửi muộn cần có giải trình.",
          default="{name} gửi hồ sơ ngày {sent}, quá hạn {deadline} (theo {document})."
                  "{consequence}",
          by_mail="{name} gửi hồ sơ qua thư điện tử, thư đến ngày {sent}, quá hạn {deadline} "
                  "(theo {document}).{consequence}"),
    _type("DELEGATE_CAP", "error", "Vượt số lượng đại biểu tối đa",
          "Số đại biểu vượt mức tối đa của cấp (hội nghị toàn thể không tính).",
          "Giảm số đại biểu trong danh sách xuống trong mức tối đa.",
          default="{name} có {count} đại biểu, vượt mức tối đa {cap} đại biểu của cấp {level} "
                  "(theo {document}); từ dòng {first_row} trở đi là vượt mức."),
    _type("PLENARY_EXPECTED", "info", "Hình thức hội nghị chưa phù hợp số đoàn viên",
          "Dưới ngưỡng đoàn viên mà tổ chức hội nghị đại biểu, hoặc ngược lại.",
          "Kiểm tra lại Hình thức hội nghị và Số đoàn viên ở trang Thông tin đơn vị.",
          default="{name} có {members} đoàn viên nhưng tổ chức {form}; đơn vị {expected} "
                  "(theo {document})."),
    _type("EXEMPLARY_SHARE", "warning", "Tỷ lệ đại biểu điển hình tiên tiến thấp",
          "Tỷ lệ đại biểu điển hình tiên tiến dưới mức của đợt thi đua (trừ dung sai).",
          "Tăng số đại biểu điển hình tiên tiến hoặc giảm số khách mời.",
          default="{name} có {exemplary}/{total} đại biểu điển hình tiên tiến ({share}), dưới "
                  "mức khoảng {target} (cho phép thấp hơn {tolerance}; theo {document})."),
    _type("PRESIDIUM_SIZE", "warning", "Số lượng Đoàn Chủ tịch chưa đúng",
          "Số người trong Đoàn Chủ tịch ngoài khoảng quy định cho cấp.",
          "Điều chỉnh số người đánh dấu ở cột Đoàn Chủ tịch.",
          default="{name}: Đoàn Chủ tịch có {n} người, quy định cho cấp {level} là {bounds} "
                  "(theo {document})."),
    _type("PRESIDIUM_EXEMPLARY", "warning", "Số Chiến sĩ thi đua trong Đoàn Chủ tịch chưa đúng",
          "Số Chiến sĩ thi đua trong Đoàn Chủ tịch ngoài khoảng quy định cho cấp.",
          "Điều chỉnh số Chiến sĩ thi đua trong Đoàn Chủ tịch.",
          default="{name}: Đoàn Chủ tịch có {n} Chiến sĩ thi đua, quy định cho cấp {level} là "
                  "{bounds} (theo {document})."),
    _type("ALLOCATION_EXCEEDED", "error", "Vượt chỉ tiêu đại biểu được phân bổ",
          "Số đại biểu cử dự hội nghị cấp trên vượt số được phân bổ (hoặc không phân bổ được).",
          "Bỏ bớt dấu ở cột Dự hội nghị cấp trên cho đúng số được phân bổ.",
          default="{name} cử {count} đại biểu dự hội nghị cấp trên, vượt chỉ tiêu được phân bổ "
                  "{given} (theo {source}).",
          impossible="Không phân bổ được «{what}» của {parent}: {reason}"),
    _type("ALLOCATION_UNFILLED", "warning", "Chưa đủ chỉ tiêu đại biểu được phân bổ",
          "Số đại biểu cử dự hội nghị cấp trên ít hơn số được phân bổ.",
          "Đánh dấu thêm đại biểu ở cột Dự hội nghị cấp trên cho đủ số được phân bổ.",
          default="{name} cử {count} đại biểu dự hội nghị cấp trên, chưa đủ chỉ tiêu được phân "
                  "bổ {given} (theo {source})."),
    _type("LEADER_SHARE", "error",
          "Tỷ lệ lãnh đạo được đề nghị khen thưởng vượt {leader_share}",
          "Lãnh đạo, quản lý chiếm quá tỷ lệ cho phép của số cá nhân đơn vị đề nghị khen thưởng.",
          "Giảm số cá nhân là lãnh đạo, quản lý trong danh sách đề nghị khen thưởng.",
          default="{name}: {leaders}/{total} cá nhân đề nghị khen thưởng là lãnh đạo ({share}), "
                  "vượt mức không quá {limit}, tức tối đa {allowed} người (theo {document})."),
    _type("COLLECTIVE_SHARE", "error",
          "Số tập thể đề nghị khen thưởng vượt {collective_share} trong khối",
          "Trong một khối thi đua, số đơn vị của khối được đề nghị Cờ thi đua, Bằng khen vượt tỷ "
          "lệ cho phép của số đơn vị xếp loại Hoàn thành xuất sắc nhiệm vụ.",
          "Giảm số đơn vị đề nghị Cờ thi đua, Bằng khen trong khối thi đua.",
          default="{block}: đề nghị khen thưởng Cờ thi đua/Bằng khen cho {count} đơn vị "
                  "({units}), vượt {limit} của {excellent} đơn vị xếp loại Hoàn thành xuất sắc "
                  "nhiệm vụ (tối đa {allowed}; theo {document})."),
    _type("DOSSIER_INCOMPLETE", "error", "Thiếu báo cáo thành tích",
          "Một đề nghị có ít báo cáo thành tích hơn hình thức khen thưởng yêu cầu.",
          "Bổ sung đủ báo cáo thành tích và ghi lại cột Số báo cáo thành tích.",
          default="{name} đề nghị {award} cần {need} báo cáo thành tích, hồ sơ có {have} "
                  "(theo {document})."),
    _type("DUPLICATE_PERSON", "warning", "Một người có tên trong danh sách của hai đơn vị",
          "Cùng họ tên và năm sinh, không khác nhau về giới tính, dân tộc hay số CCCD, có tên "
          "trong danh sách đại biểu của hai đơn vị.",
          "Người này có trong danh sách của đơn vị khác: thống nhất để chỉ một đơn vị cử.",
          default="{name} (sinh năm {year}{said}) có tên trong danh sách đại biểu của đơn vị "
                  "khác: {others}{more}. Trùng họ tên, năm sinh và không khác nhau ở giới tính, "
                  "dân tộc: kiểm tra để tránh trùng đại biểu."),
    _type("QUOTA_EXCEEDED", "error", "Vượt chỉ tiêu khen thưởng được phân bổ",
          "Số đề nghị một hình thức vượt chỉ tiêu khen thưởng được phân bổ cho đơn vị.",
          "Giảm số đề nghị của hình thức này cho đúng chỉ tiêu được phân bổ.",
          default="{name} đề nghị {count} «{form}», vượt chỉ tiêu khen thưởng được phân bổ "
                  "{given} (theo {source}).",
          impossible="Không phân bổ được «{what}» của {parent}: {reason}"),
    _type("EXTRA_COLUMN", "info", "Cột không thuộc mẫu (được giữ lại)",
          "Trang có cột ngoài mẫu; cột được giữ lại, không tổng hợp.",
          "Không bắt buộc sửa; dữ liệu cần tổng hợp phải nằm trong các cột của mẫu.",
          default="Trang «{sheet}» có cột ngoài mẫu: {columns}. Các cột này không được tổng "
                  "hợp."),
    _type("LEGACY_ENCODING", "info", "Chữ gõ bằng bảng mã cũ đã chuyển sang Unicode",
          "Chữ gõ bằng bảng mã TCVN3 hoặc VNI đã được chuyển sang Unicode.",
          "Không bắt buộc sửa; lần sau hãy gõ bằng Unicode (phông Times New Roman, bảng mã "
          "Unicode trong Unikey).",
          default="Trang «{sheet}» gõ bằng {fonts}: đã chuyển {cells} ô sang Unicode, ví dụ "
                  "«{before}» thành «{after}». Kiểm tra lại các ô này."),
    _type("TEXT_TRUNCATED", "warning", "Nội dung ô quá dài, đã cắt bớt",
          "Một ô dài hơn 32.767 ký tự (giới hạn của Excel) đã bị cắt bớt.",
          "Rút gọn nội dung ô (Excel giữ tối đa 32.767 ký tự một ô).",
          default="{header}: {reason}.",
          document="Cột «{header}» dài {length} ký tự; văn bản Word chỉ in {limit} ký tự đầu, "
                   "kết thúc bằng «…»."),
    _type("TOTAL_MISMATCH", "warning", "Dòng tổng cộng không khớp số dòng của danh sách",
          "Dòng tổng cộng dưới danh sách ghi số khác số dòng đếm được.",
          "Đối chiếu danh sách với bản gốc: bổ sung dòng bị sót hoặc sửa lại dòng tổng cộng.",
          default="Dòng tổng cộng ghi {stated} nhưng danh sách có {counted} dòng: kiểm tra xem "
                  "có dòng nào bị sót hoặc thừa khi sao chép danh sách."),
    _type("UNIT_MATCHED_BY_NAME", "warning", "Tệp không ghi đúng mã, nhận đơn vị theo tên",
          "Tệp không có Mã đơn vị đúng được nhận cho đơn vị duy nhất của danh mục trùng Tên đơn "
          "vị; tệp này không bao giờ thay thế tệp ghi đúng mã của đơn vị.",
          "Ghi đúng Mã đơn vị ở trang Thông tin đơn vị (theo danh mục đơn vị của cấp trên).",
          default="Tệp {said}, nhưng Tên đơn vị «{name}» trùng với đơn vị {code} – "
                  "{registry_name} của danh mục: tệp được tổng hợp cho đơn vị này."),
    _type("RECEIVED_DATE_DIFFERS", "info", "Ngày gửi báo cáo khác ngày nhận thư",
          "Tệp nhận qua thư điện tử (dhtt-merge receive) ghi Ngày gửi báo cáo cách ngày thư đến "
          "hơn một ngày; hạn nộp được xét theo ngày thư đến.",
          "Không bắt buộc sửa; ghi Ngày gửi báo cáo đúng ngày gửi thư.",
          default="{name} ghi Ngày gửi báo cáo {typed} nhưng thư gửi hồ sơ đến ngày {arrived}; "
                  "hạn nộp được xét theo ngày thư đến."),
    _type("CAMPAIGN_MISMATCH", "warning", "Danh mục hoặc ngày tính số liệu không thuộc đợt thi đua",
          "Đơn vị gốc của danh mục không phải cơ quan của đợt thi đua, hoặc ngày tính số liệu quá "
          "ngày cuối của đợt hơn một năm: có thể đã chọn nhầm đợt.",
          "Kiểm tra lại --campaign, danh mục đơn vị và --as-of: chọn đúng đợt thi đua của cơ "
          "quan mình, hoặc dùng tệp cấu hình riêng.",
          default="Ngày tính số liệu {as_of} sau ngày cuối của đợt thi đua «{campaign}» ({last}) "
                  "hơn một năm: kiểm tra --as-of hoặc --campaign.",
          body="Đơn vị gốc của danh mục là «{root}», không phải cơ quan của đợt thi đua "
               "«{campaign}» ({expected}): có thể đã chọn nhầm --campaign."),
    _type("EMAIL_CHANGED", "warning", "Địa chỉ email khác danh mục",
          "Email ở trang Thông tin đơn vị của tệp được chấp nhận khác Email của đơn vị trong danh "
          "mục đơn vị; phản hồi chỉ gửi tới địa chỉ trong danh mục.",
          "Nếu đơn vị đổi địa chỉ email, báo cơ quan tổng hợp sửa danh mục đơn vị.",
          default="Email ở trang Thông tin đơn vị «{typed}» khác Email của đơn vị trong danh mục "
                  "«{known}»: phản hồi chỉ gửi tới địa chỉ trong danh mục."),
    _type("COLUMNS_NOT_FOUND", "error", "Danh sách thiếu cột bắt buộc, không đọc được",
          "Một trang giống danh sách của mẫu (đại biểu, đề nghị khen thưởng…) nhưng thiếu cột "
          "bắt buộc: trang không được tổng hợp; phát hiện nêu các cột thiếu và các cột có.",
          "Bổ sung các cột còn thiếu, hoặc sửa dòng tiêu đề cho đúng tên cột của mẫu, rồi gửi "
          "lại.",
          default="Trang «{sheet}» giống danh sách «{kind}» nhưng thiếu cột bắt buộc: {missing}. "
                  "Dòng tiêu đề (dòng {header_row}) có các cột: {seen}. Trang này không được "
                  "tổng hợp."),
    _type("VALUE_INFERRED", "info", "Cột không có trong danh sách, giá trị được suy ra",
          "Danh sách không có cột Đối tượng: đã suy ra từ tên (Tập thể, Tổ, Phòng, Công đoàn… "
          "là Tập thể, còn lại là Cá nhân).",
          "Không bắt buộc sửa; kiểm tra giá trị được suy ra, lần sau thêm cột này vào danh sách.",
          default="Trang «{sheet}» không có cột «{header}»: đã suy ra từ tên (tên bắt đầu bằng "
                  "Tập thể, Tổ, Phòng, Công đoàn, CĐCS, Ban, Xưởng, Phân xưởng, Trường, Công "
                  "ty… là Tập thể, còn lại là Cá nhân)."),
    _type("AWARD_REPEATED", "error", "Đề nghị hình thức đã được khen trong năm",
          "(Có sổ khen thưởng) người hoặc tập thể đã được khen hình thức này trong năm.",
          "Bỏ đề nghị này (đã được khen hình thức này trong năm), hoặc kiểm tra lại họ tên, năm "
          "sinh nếu là người khác.",
          default="«{name}» đã được {form} năm {year} theo quyết định {decision}: không đề nghị "
                  "lại. Sổ khen thưởng: {record}.",
          possible="Có thể «{name}» (đơn vị {unit}) đã được {form} năm {year}: sổ khen thưởng "
                   "ghi {record}. Kiểm tra có phải cùng một người không (ghi Số CCCD để phân "
                   "biệt)."),
    _type("TITLE_CHAIN", "error", "Chưa đủ danh hiệu cần có trước",
          "Hình thức đề nghị cần danh hiệu có trước (theo chuỗi danh hiệu của đợt thi đua) mà "
          "sổ khen thưởng và các đề nghị cùng đợt đều không có.",
          "Chỉ đề nghị khi đã có danh hiệu cần có (xem «Yêu cầu»), hoặc bổ sung quyết định khen "
          "danh hiệu đó vào sổ khen thưởng.",
          default="«{name}» được đề nghị {form}. Yêu cầu: {required} (theo {source}); Hiện có: "
                  "{have}."),
)

FINDING_TYPES: dict[str, FindingType] = {t.code: t for t in CATALOGUE}


def finding_type(code: str) -> FindingType:
    """The type of a code (KeyError for a code that does not exist)."""
    return FINDING_TYPES[code]


def title_of(code: str, campaign: CampaignFigures | None = None) -> str:
    """A code's title as an officer reads it; the code itself for one we do not know."""
    known = FINDING_TYPES.get(code)
    return known.title_for(campaign) if known else code


def advice_of(code: str) -> str:
    known = FINDING_TYPES.get(code)
    return known.advice if known else ""


def cell_ref(finding: Finding, letters: Mapping[tuple[str, str, str], str]) -> str | None:
    """The source cell as Excel names it ("Đại biểu!C17"), when the finding has a row and its
    column's letter in that file is known."""
    letter = letters.get((finding.file or "", finding.sheet or "", finding.column or ""))
    return f"{finding.sheet}!{letter}{finding.row}" if letter and finding.row else None


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """Counts per severity, every severity present (zero when none)."""
    counts: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def sort_key(finding: Finding) -> tuple[Any, ...]:
    """Stable order for reports: severity, unit, file, sheet, row, column, code, message."""
    return (
        SEVERITIES.index(finding.severity),
        finding.unit or "",
        finding.file or "",
        finding.sheet or "",
        finding.row or 0,
        finding.column or "",
        finding.code,
        finding.message,
    )
