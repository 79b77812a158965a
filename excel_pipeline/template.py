"""The template contract (docs/domain.md): sheets, columns, allowed values, as plain declarations.

Readers, validators, writers and the template generator all take their names from here, so a
header renamed in one place is renamed everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import Literal

from .textnorm import fold

Kind = Literal["text", "int", "number", "year", "date", "flag", "choice"]
# The pandas dtype each kind of column is parsed into (normalise) and validated as (schemas).
DTYPES: dict[str, str] = {"text": "string", "choice": "string", "int": "Int64", "year": "Int64",
                          "number": "Float64", "flag": "boolean", "date": "datetime64[ns]"}


@dataclass(frozen=True)
class Column:
    """One column (or one labelled field of the info sheet)."""

    key: str
    header: str
    kind: Kind = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    def header_keys(self) -> frozenset[str]:
        """Folded spellings that identify this column in a header row."""
        return _folded(self.header, self.aliases)


@cache
def _folded(header: str, aliases: tuple[str, ...]) -> frozenset[str]:
    """Header keys are asked for on every row scanned for a header: fold them once."""
    return frozenset({fold(header), *(fold(alias) for alias in aliases)})


@dataclass(frozen=True)
class SheetSpec:
    """A sheet type of the template; `key` is also its key in the JSON `rows` object."""

    key: str
    title: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    layout: Literal["table", "form"] = "table"
    # Columns the generated template fills in advance (STT numbers, the indicator catalogue): a
    # row holding nothing else is a row the unit left blank.
    prefilled: tuple[str, ...] = ("stt",)

    def __reduce__(self) -> tuple[object, tuple[str]]:
        """Unpickle as the module's own spec: the pipeline tells sheet types apart by identity
        (`table.spec is DELEGATES`), and read results cross process and cache boundaries."""
        return spec_by_key, (self.key,)

    def column(self, key: str) -> Column:
        """The column of `key`; asked for on every finding that names a column."""
        return self._columns_by_key[key]

    @cached_property
    def _columns_by_key(self) -> dict[str, Column]:
        by_key: dict[str, Column] = {}
        for col in self.columns:
            by_key.setdefault(col.key, col)
        return by_key

    @property
    def keys(self) -> list[str]:
        return [col.key for col in self.columns]

    def name_keys(self) -> set[str]:
        return {fold(self.title), *(fold(alias) for alias in self.aliases)}


GENDERS = ("Nam", "Nữ")
DELEGATE_TYPES = ("Điển hình tiên tiến", "Khách mời")
SUBJECTS = ("Cá nhân", "Tập thể")
RATINGS = (
    "Hoàn thành xuất sắc nhiệm vụ",
    "Hoàn thành tốt nhiệm vụ",
    "Hoàn thành nhiệm vụ",
    "Không hoàn thành nhiệm vụ",
)
CONFERENCE_FORMS = ("Hội nghị toàn thể", "Hội nghị đại biểu")
# Categories of the national statistical form 0602.N/BNV-TĐKT (docs/domain.md, The template
# contract).
CATEGORIES = (
    "Lãnh đạo cấp bộ/tỉnh trở lên",
    "Lãnh đạo cấp vụ/sở/ngành",
    "Doanh nhân",
    "Lãnh đạo từ phó phòng trở lên",
    "Người trực tiếp lao động, công tác",
)
LEADER_CATEGORIES = (CATEGORIES[0], CATEGORIES[1], CATEGORIES[3])
# Forms decided by the Tổng Liên đoàn and by the provincial federation: what a district sends up.
CONFEDERATION_AWARDS = ("Cờ thi đua TLĐ", "Bằng khen TLĐ", "Bằng Lao động sáng tạo")
PROVINCE_AWARDS = ("Cờ thi đua LĐLĐ tỉnh", "Bằng khen LĐLĐ tỉnh")
AWARD_FORMS = (
    "Cờ thi đua TLĐ",
    "Bằng khen TLĐ",
    "Bằng Lao động sáng tạo",
    "Cờ thi đua LĐLĐ tỉnh",
    "Bằng khen LĐLĐ tỉnh",
    "Giấy khen",
    "Chiến sĩ thi đua cơ sở",
    "Lao động tiên tiến",
    "Tập thể lao động xuất sắc",
    "Tập thể lao động tiên tiến",
    "Đoàn viên công đoàn xuất sắc",
    "Tổ công đoàn xuất sắc",
    "CĐCS vững mạnh xuất sắc",
)

# Other spellings officers type for the closed lists, folded -> canonical value.
CHOICE_ALIASES: dict[str, str] = {
    fold(alias): canonical
    for canonical, aliases in {
        "Nữ": ("nu", "female", "f"),
        "Nam": ("male", "m"),
        "Điển hình tiên tiến": ("dien hinh", "dhtt", "điển hình"),
        "Khách mời": ("khach", "km"),
        "Hội nghị toàn thể": ("toàn thể",),
        "Hội nghị đại biểu": ("đại biểu",),
        "Cờ thi đua TLĐ": ("Cờ thi đua Tổng Liên đoàn", "Cờ thi đua Tổng LĐLĐ Việt Nam"),
        "Bằng khen TLĐ": ("Bằng khen Tổng Liên đoàn", "Bằng khen Tổng LĐLĐ Việt Nam"),
        "Cờ thi đua LĐLĐ tỉnh": ("Cờ thi đua Liên đoàn Lao động tỉnh",),
        "Bằng khen LĐLĐ tỉnh": ("Bằng khen Liên đoàn Lao động tỉnh",),
        "Chiến sĩ thi đua cơ sở": ("Chiến sỹ thi đua cơ sở", "CSTĐ cơ sở", "CSTĐCS"),
        "Công đoàn cơ sở": ("CĐCS",),
    }.items()
    for alias in aliases
}

INFO = SheetSpec(
    key="info",
    title="Thông tin đơn vị",
    layout="form",
    aliases=("Thong tin", "Thông tin chung", "Đơn vị"),
    columns=(
        Column("unit_code", "Mã đơn vị", required=True, aliases=("Mã ĐV", "Ma don vi")),
        Column("unit_name", "Tên đơn vị", aliases=("Tên công đoàn", "Đơn vị")),
        Column("level", "Cấp đơn vị", aliases=("Cấp",)),
        Column("parent_code", "Mã đơn vị cấp trên", aliases=("Mã cấp trên",)),
        Column("members", "Số đoàn viên", "int", minimum=0, aliases=("Tổng số đoàn viên",)),
        Column("workers", "Số CNVCLĐ", "int", minimum=0,
               aliases=("Số CNVCLĐ", "Số công nhân viên chức lao động", "Số lao động")),
        Column("rating", "Xếp loại", "choice", choices=RATINGS,
               aliases=("Xếp loại chất lượng", "Kết quả xếp loại")),
        Column("conference_form", "Hình thức hội nghị", "choice", choices=CONFERENCE_FORMS),
        Column("conference_date", "Ngày tổ chức hội nghị", "date",
               aliases=("Ngày hội nghị", "Ngày tổ chức")),
        Column("submitted_on", "Ngày gửi báo cáo", "date", aliases=("Ngày gửi", "Ngày báo cáo")),
        Column("preparer", "Người lập biểu", aliases=("Người lập",)),
        Column("phone", "Số điện thoại", aliases=("Điện thoại", "SĐT")),
        Column("email", "Email", aliases=("Thư điện tử", "E-mail")),
    ),
)

DELEGATES = SheetSpec(
    key="delegates",
    title="Đại biểu",
    aliases=("Danh sách đại biểu", "Trích ngang", "Trích ngang đại biểu", "DS đại biểu"),
    columns=(
        Column("stt", "STT", "int", aliases=("Số TT", "TT")),
        Column("full_name", "Họ và tên", required=True, aliases=("Họ tên", "Họ và tên đại biểu")),
        Column("birth_year", "Năm sinh", "year", minimum=1900),
        Column("gender", "Giới tính", "choice", required=True, choices=GENDERS),
        Column("ethnicity", "Dân tộc"),
        Column("position", "Chức vụ, đơn vị công tác",
               aliases=("Chức vụ đơn vị công tác", "Chức vụ", "Đơn vị công tác")),
        Column("party_member", "Đảng viên", "flag"),
        Column("delegate_type", "Loại đại biểu", "choice", required=True,
               choices=DELEGATE_TYPES, aliases=("Loại ĐB", "Thành phần")),
        Column("leader", "Lãnh đạo, quản lý", "flag", aliases=("Lãnh đạo quản lý", "Lãnh đạo")),
        Column("direct_worker", "Trực tiếp sản xuất", "flag",
               aliases=("Trực tiếp lao động", "Trực tiếp sản xuất, công tác")),
        Column("presidium", "Đoàn Chủ tịch", "flag", aliases=("Đoàn chủ tịch hội nghị",)),
        Column("emulation_soldier", "Chiến sĩ thi đua", "flag",
               aliases=("Chiến sỹ thi đua", "CSTĐ")),
        Column("to_upper", "Dự hội nghị cấp trên", "flag",
               aliases=("Đi dự hội nghị cấp trên", "Dự HN cấp trên")),
        Column("achievements", "Thành tích tiêu biểu", aliases=("Thành tích",)),
        Column("note", "Ghi chú"),
    ),
)

NOMINATIONS = SheetSpec(
    key="nominations",
    title="Đề nghị khen thưởng",
    aliases=("Khen thưởng", "Danh sách đề nghị khen thưởng", "Đề nghị KT"),
    columns=(
        Column("stt", "STT", "int", aliases=("Số TT", "TT")),
        Column("subject", "Đối tượng", "choice", required=True, choices=SUBJECTS),
        Column("name", "Họ tên / Tên tập thể", required=True,
               aliases=("Họ tên, tên tập thể", "Họ và tên / Tên tập thể", "Họ tên hoặc tên tập thể",
                        "Tên cá nhân, tập thể")),
        Column("birth_year", "Năm sinh", "year", minimum=1900),
        Column("gender", "Giới tính", "choice", choices=GENDERS),
        Column("position", "Chức vụ, đơn vị công tác",
               aliases=("Chức vụ đơn vị công tác", "Chức vụ", "Đơn vị công tác")),
        Column("category", "Phân loại đối tượng", "choice", choices=CATEGORIES,
               aliases=("Phân loại",)),
        Column("award", "Hình thức khen thưởng", "choice", required=True, choices=AWARD_FORMS,
               aliases=("Hình thức đề nghị", "Danh hiệu, hình thức khen thưởng")),
        Column("reports", "Số báo cáo thành tích", "int", minimum=0,
               aliases=("Số báo cáo", "Báo cáo thành tích")),
        Column("summary", "Tóm tắt thành tích", aliases=("Thành tích",)),
    ),
)

INDICATORS = SheetSpec(
    key="indicators",
    title="Kết quả thi đua",
    aliases=("Chỉ tiêu thi đua", "Kết quả", "Chỉ tiêu"),
    prefilled=("code", "name", "measure"),
    columns=(
        Column("code", "Mã chỉ tiêu", required=True, aliases=("Mã",)),
        Column("name", "Chỉ tiêu", aliases=("Tên chỉ tiêu", "Nội dung")),
        Column("measure", "Đơn vị tính", aliases=("ĐVT",)),
        Column("value", "Giá trị", "number", minimum=0, aliases=("Số lượng", "Kết quả")),
    ),
)

REGISTRATIONS = SheetSpec(
    key="registrations",
    title="Đăng ký thi đua",
    aliases=("Đăng ký", "Đăng ký danh hiệu"),
    columns=(
        Column("stt", "STT", "int", aliases=("Số TT", "TT")),
        Column("subject", "Đối tượng", "choice", required=True, choices=SUBJECTS),
        Column("name", "Tên", required=True, aliases=("Họ tên", "Tên cá nhân, tập thể",
                                                      "Họ tên / Tên tập thể")),
        Column("title", "Danh hiệu đăng ký", required=True, aliases=("Danh hiệu",)),
    ),
)

REGISTRY = SheetSpec(
    key="registry",
    title="Danh mục đơn vị",
    aliases=("Danh muc", "Danh sách đơn vị", "Đơn vị trực thuộc"),
    columns=(
        Column("unit_code", "Mã đơn vị", required=True, aliases=("Mã ĐV",)),
        Column("unit_name", "Tên đơn vị", required=True),
        Column("level", "Cấp", aliases=("Cấp đơn vị",)),
        Column("parent_code", "Mã đơn vị cấp trên", aliases=("Mã cấp trên",)),
        Column("members", "Số đoàn viên", "int", minimum=0),
        Column("workers", "Số CNVCLĐ", "int", minimum=0,
               aliases=("Số công nhân viên chức lao động", "Số lao động")),
        Column("block", "Khối thi đua", aliases=("Khối",)),
        # Where the unit's feedback is e-mailed: the registry, not a submitted file, is trusted.
        Column("email", "Email", aliases=("Thư điện tử", "E-mail")),
    ),
)

# Columns every frame of rows carries beside the template's own (`ingest.normalise`,
# `check.consolidate`, `check.settle`): where the row came from, whose it is, what became of it
# (`_status`, `_reason`) and whether a check may judge it (`_consider`: a reason when not);
# `_cells` holds a Thông tin đơn vị row's Excel row per field.
FILE_ID, FILE, SHEET, ROW = "_file_id", "_file", "_sheet", "_row"
UNIT, STATUS, REASON, CONSIDER, CELLS = "_unit", "_status", "_reason", "_consider", "_cells"

# Sheets a unit submission may carry, in the order they are written back out.
ROW_SHEETS: tuple[SheetSpec, ...] = (DELEGATES, NOMINATIONS, INDICATORS, REGISTRATIONS)
SUBMISSION_SHEETS: tuple[SheetSpec, ...] = (INFO, *ROW_SHEETS)
ALL_SHEETS: tuple[SheetSpec, ...] = (*SUBMISSION_SHEETS, REGISTRY)
BY_KEY: dict[str, SheetSpec] = {spec.key: spec for spec in ALL_SHEETS}


def spec_by_key(key: str) -> SheetSpec:
    """The template's sheet spec of this key (what a pickled spec becomes again)."""
    return BY_KEY[key]


@lru_cache(maxsize=8192)
def canonical_choice(column: Column, value: str) -> str:
    """Map a typed value onto the column's closed list, if it folds onto one entry.

    Cached: a column's few choices are typed the same way on thousands of rows."""
    key = fold(value)
    for choice in column.choices:
        if fold(choice) == key:
            return choice
    alias = CHOICE_ALIASES.get(key)
    if alias in column.choices:
        return alias
    return value
