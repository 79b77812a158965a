"""Campaign configuration: levels, caps, windows, deadlines, shares, seats, indicators, severities.

A campaign is data, never code: the five presets of the source documents ship as TOML files in
`presets/`, and an officer may pass their own file. Every key is checked against the dataclasses
below; an unknown key or a value of the wrong type is refused with a Vietnamese message naming it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import tomllib
import types
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from .errors import CampaignError
from .findings import FINDING_TYPES, SEVERITIES, Severity
from .template import AWARD_FORMS, BY_KEY, CONFEDERATION_AWARDS, PROVINCE_AWARDS, ROW_SHEETS
from .textnorm import fold

DEFAULT_CAMPAIGN = "bau-bang-2025"
# The allocation methods a campaign may name (docs/domain.md, Allocation), with the label
# officers read; `allocate.methods` implements exactly these.
ALLOCATION_METHODS = {"hamilton": "Phần dư lớn nhất (Hamilton)", "dhondt": "D'Hondt",
                      "sainte-lague": "Sainte-Laguë", "huntington-hill": "Huntington–Hill"}
# What the built-in allocation weights count, as officers read it; any other weight is the
# name of a numeric column of Thông tin đơn vị, shown as typed.
WEIGHT_LABELS = {"members": "số đoàn viên", "workers": "số CNVCLĐ"}


def weight_label(weight: str) -> str:
    """The allocation weight in Vietnamese: «số đoàn viên» for members, a column as named."""
    return WEIGHT_LABELS.get(weight, weight)



@dataclass(frozen=True)
class ReadLimits:
    """Bounds one input file must respect to be parsed; `[limits]` in a campaign file."""

    max_unpacked_mb: int = 1024  # total size of a package's entries once inflated
    max_ratio: int = 200  # inflated / compressed size of one entry larger than 1 MiB
    max_entries: int = 10_000  # entries in one package
    max_sheet_cells: int = 20_000_000  # cells in the rectangle A1..last cell of one sheet
    # The campaign's own column headings (`[headings]`), given to the reader with the limits:
    # (column key, (heading, …)). Set from `Campaign.headings`, not in `[limits]`.
    headings: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # address space a read worker may add to its own (POSIX): a file needing more is rejected
    max_read_memory_mb: int = 4096

@dataclass(frozen=True)
class Level:
    """One level of the unit tree, root first in `Campaign.levels`."""

    id: str
    name: str
    aliases: list[str] = field(default_factory=list)
    submits: bool = True
    conference: bool = True
    delegate_cap: int | None = None
    conference_start: dt.date | None = None
    conference_end: dt.date | None = None
    dossier_deadline: dt.date | None = None
    presidium_min: int | None = None
    presidium_max: int | None = None
    presidium_emulation_min: int | None = None
    presidium_emulation_max: int | None = None
    # The conference programme and backdrop of this level when the document gives its own
    # (the Điện Biên conference guidance of 2020 has one backdrop for the province, another for
    # lower levels); empty means the campaign's `[documents]` ones.
    agenda: list[str] = field(default_factory=list)
    backdrop: list[str] = field(default_factory=list)
    conference_seats: int | None = None  # this level's conference seats, shared among subordinates
    conference_reserved: int = 0  # of those, reserved (guests...) before sharing
    source: str = ""
    # The seats the next level allocates to this level's own delegation to its conference, when
    # the campaign knows them (the delegation is chosen at this level's conference).
    delegation_seats: int | None = None

    def matches(self, label: str | None) -> bool:
        """Whether a registry's Cấp value names this level: its id, name or an alias, also
        written short as registries do («Cấp trên trực tiếp cơ sở» for «Công đoàn cấp trên
        trực tiếp cơ sở», «CĐCS» or «cấp cơ sở» for «Công đoàn cơ sở»)."""
        key = fold(label)
        return bool(key) and (key in self._keys or _short(key) in self._short_keys)

    @functools.cached_property
    def _keys(self) -> frozenset[str]:
        """The folded names this level answers to (asked once per unit of a registry)."""
        return frozenset({fold(self.id), fold(self.name), *map(fold, self.aliases)})

    @functools.cached_property
    def _short_keys(self) -> frozenset[str]:
        return frozenset(filter(None, map(_short, self._keys)))


# Leading words a registry may leave out of a level's name, and the usual short forms, folded.
_LEADING = ("cong doan ", "lien doan lao dong ", "ldld ", "cap ")
_SHORT_FORMS = {"cdcs": "co so", "cd co so": "co so"}


def _short(key: str) -> str:
    """A folded level name without its leading «Công đoàn», «LĐLĐ», «cấp»: the part that
    tells levels apart («cấp trên trực tiếp cơ sở» → «trên trực tiếp cơ sở»)."""
    key = _SHORT_FORMS.get(key, key)
    changed = True
    while changed:
        changed = False
        for word in _LEADING:
            if key.startswith(word):
                key, changed = key[len(word):], True
    return _SHORT_FORMS.get(key, key)


@dataclass(frozen=True)
class Indicator:
    """An entry of the campaign's indicator catalogue (Kết quả thi đua)."""

    code: str
    name: str
    measure: str = ""


@dataclass(frozen=True)
class Chain:
    """A form given only to whom holds other titles first (the law's or the campaign
    document's condition, cited in `source`): one of `needs`, in the nomination's own year
    (`years = "same"`) or in each of the `count` years before it (`"consecutive"`)."""

    form: str
    needs: list[str]
    source: str
    years: Literal["same", "consecutive"] = "same"
    count: int = 1


# Who decides a form, seen from the consolidating level: this level («here»), a higher union
# level it forwards the nominations to («above»), a lower level that decides on its own
# («below»), or a body outside the issuer's system, e.g. the head of an agency or enterprise for
# the State's titles («outside»). Only «here» enters this level's decision and certificates, only
# «above» goes up; the others are listed for the officer with the body that decides them.
DECIDERS = ("here", "above", "below", "outside")
DECIDER_LABELS = {"here": "Cấp này", "above": "Cấp trên"}


@dataclass(frozen=True)
class FormAuthority:
    """Who decides one award form under the campaign (the law or regulation in `source`)."""

    form: str
    decided_by: Literal["here", "above", "below", "outside"]
    body: str  # the deciding body or person, as officers name it
    source: str


@dataclass(frozen=True)
class Documents:
    """What the Word documents of `dhtt-merge documents` say about their issuer and the
    conference; `[documents]` in a campaign file. Blank texts stay blank lines to fill."""

    issuer: str = ""  # the issuing body; default: the registry root's name
    superior: str = ""  # the issuer's superior, above it at the top left
    place: str = ""  # the place of the place-date line: «Bàu Bàng, ngày … tháng … năm 2025»
    symbol: str = ""  # the issuer's part of the document symbol: «Số: …/QĐ-LĐLĐ»
    authority: str = "TM. BAN THƯỜNG VỤ"  # the signature's authority line
    signer: str = "CHỦ TỊCH"  # the signer's title
    council: str = "Hội đồng Thi đua – Khen thưởng"  # the council whose meeting has minutes
    session: str = ""  # the conference's number: «Lần thứ VII»
    period: str = ""  # its period: «(2025 - 2030)»
    year: int | None = None  # the documents' year; default: the year of --as-of
    # The laws a decision cites first («Căn cứ …;»), those in force in the campaign's year.
    # A union body's decisions also rest on the Điều lệ Công đoàn Việt Nam in force.
    basis: list[str] = field(default_factory=lambda: [
        "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
        "Điều lệ Công đoàn Việt Nam khóa XIII"])
    agenda: list[str] = field(default_factory=list)  # the programme, item by item
    backdrop: list[str] = field(default_factory=list)  # the backdrop's title lines
    source: str = ""


@dataclass(frozen=True)
class Allocation:
    """What the upper level shares among its direct subordinates (docs/domain.md, Allocation)."""

    seats: int | None = None
    reserved: int = 0
    minimum: int = 1
    method: str = "hamilton"
    weight: str = "members"
    quotas: dict[str, int] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class Campaign:
    """Everything a run needs to know about the campaign it checks."""

    id: str
    name: str
    document: str
    kind: Literal["conference", "summary"] = "conference"
    levels: list[Level] = field(default_factory=list)
    required_sheets: list[str] = field(default_factory=lambda: ["info", "delegates"])
    plenary_threshold: int | None = 300
    exemplary_share: float | None = 0.70
    exemplary_tolerance: float = 0.05
    leader_share: float | None = None
    collective_share: float | None = None
    reports_required: dict[str, int] = field(default_factory=dict)
    late_nominations_not_considered: bool = False
    # Award forms decided above the consolidating level: their nominations go up in
    # gui-cap-tren.xlsx. The default suits a district; a province forwards the TLĐ forms only.
    forwarded_awards: list[str] = field(
        default_factory=lambda: [*CONFEDERATION_AWARDS, *PROVINCE_AWARDS])
    registration_deadline: dt.date | None = None
    plans_deadline: dt.date | None = None
    indicators: list[Indicator] = field(default_factory=list)
    # Conditions on titles held, checked against the ledger (`check.ledger`).
    chains: list[Chain] = field(default_factory=list)
    # Who decides each award form (`[[forms]]`); when given, `forwarded_awards` is derived from
    # it (the forms decided «above»).
    forms: list[FormAuthority] = field(default_factory=list)
    allocation: Allocation = field(default_factory=Allocation)
    documents: Documents = field(default_factory=Documents)
    limits: ReadLimits = field(default_factory=ReadLimits)
    severity: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    source_path: str = ""
    # `[headings]`: column key -> headings units write for it beyond the built-in table.
    headings: dict[str, list[str]] = field(default_factory=dict)

    @property
    def severities(self) -> dict[str, Severity]:
        return typing.cast(dict[str, Severity], dict(self.severity))

    @property
    def root_level(self) -> Level:
        return self.levels[0]

    def decided_by(self, form: str) -> str:
        """«here», «above», «below» or «outside» (see `DECIDERS`) for an award form."""
        for authority in self.forms:
            if authority.form == form:
                return authority.decided_by
        return "above" if form in self.forwarded_awards else "here"

    def decider_label(self, form: str) -> str:
        """Who decides the form, as the documents' per-form tables print it."""
        where = self.decided_by(form)
        if where in DECIDER_LABELS:
            return DECIDER_LABELS[where]
        body = next((a.body for a in self.forms if a.form == form), "")
        return body or "Cấp khác"

    def forms_decided(self, where: str) -> list[str]:
        """The award forms of the template decided `where` (one of `DECIDERS`)."""
        return [form for form in AWARD_FORMS if self.decided_by(form) == where]

    def dates(self) -> list[dt.date]:
        """Every date the campaign sets (conferences, deadlines)."""
        found = [self.registration_deadline, self.plans_deadline]
        for level in self.levels:
            found += [level.conference_start, level.conference_end, level.dossier_deadline]
        return sorted(day for day in found if day is not None)

    def example_as_of(self) -> dt.date | None:
        """The day a run of the bundled example is dated: the day after the lower levels'
        last dossier deadline, else after their last conference, else the eve of the root's
        conference; None when the campaign sets no date."""
        lower = self.levels[1:]
        dossiers = [lv.dossier_deadline for lv in self.levels if lv.dossier_deadline]
        conferences = [lv.conference_end for lv in lower if lv.conference_end]
        if dossiers or conferences:
            return max(dossiers or conferences) + dt.timedelta(days=1)
        start = self.root_level.conference_start
        if start:
            return start - dt.timedelta(days=1)
        days = self.dates()
        return days[-1] + dt.timedelta(days=1) if days else None

    def level_for(self, label: str | None, depth: int) -> Level:
        """The level named by a registry's Cấp value, else the one at this depth of the tree."""
        for level in self.levels:
            if level.matches(label):
                return level
        return self.levels[min(depth, len(self.levels) - 1)]


def preset_ids() -> list[str]:
    """Ids of the presets shipped in the package, sorted."""
    folder = resources.files("excel_pipeline").joinpath("presets")
    names = (p.name for p in folder.iterdir())
    return sorted(name.removesuffix(".toml") for name in names if name.endswith(".toml"))


def load_campaign(spec: str | Path | None = None) -> Campaign:
    """Load a preset by id, or a user's TOML file by path; refuse anything malformed."""
    spec = str(spec or DEFAULT_CAMPAIGN)
    if spec.endswith(".toml") or Path(spec).is_file():
        path = Path(spec)
        if not path.is_file():
            raise CampaignError(f"Không tìm thấy tệp cấu hình đợt thi đua: {path}")
        text, origin = path.read_text(encoding="utf-8"), str(path)
    else:
        if spec not in preset_ids():
            raise CampaignError(
                f"Không có đợt thi đua mẫu '{spec}'. Các mã có sẵn: {', '.join(preset_ids())}."
            )
        resource = resources.files("excel_pipeline").joinpath("presets", f"{spec}.toml")
        text, origin = resource.read_text(encoding="utf-8"), f"{spec} (mẫu có sẵn)"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError(f"Tệp cấu hình {origin} sai cú pháp TOML: {exc}") from None
    return campaign_from_dict(data, origin)


def campaign_from_dict(data: dict[str, Any], origin: str = "") -> Campaign:
    """Build and check a Campaign from parsed TOML (also used by tests)."""
    campaign = typing.cast(Campaign, _build(Campaign, data, "", origin))
    campaign = dataclasses.replace(campaign, source_path=origin)
    if campaign.forms:
        if "forwarded_awards" in data:
            raise CampaignError(_msg(origin, "forwarded_awards", "không dùng cùng [[forms]]: "
                                     "hình thức do cấp trên quyết định ghi decided_by = \"above\""))
        campaign = dataclasses.replace(campaign, forwarded_awards=[
            a.form for a in campaign.forms if a.decided_by == "above"])
    _check_semantics(campaign, origin)
    return _with_headings(campaign, origin)


def _with_headings(campaign: Campaign, origin: str) -> Campaign:
    """Check `[headings]` (each key a column of some list) and hand it to the reader."""
    known = {column.key for spec in BY_KEY.values() for column in spec.columns}
    for key, headings in campaign.headings.items():
        if key not in known:
            raise CampaignError(_msg(origin, f"headings.{key}", "không phải mã cột của mẫu. Các "
                                     f"mã cột: {', '.join(sorted(known))}"))
        if not all(heading.strip() for heading in headings):
            raise CampaignError(_msg(origin, f"headings.{key}", "có tên cột để trống"))
    extra = tuple((key, tuple(headings)) for key, headings in sorted(campaign.headings.items()))
    return dataclasses.replace(campaign, limits=dataclasses.replace(campaign.limits,
                                                                     headings=extra))


def _build(cls: type, data: Any, where: str, origin: str) -> Any:
    if not isinstance(data, dict):
        raise CampaignError(_msg(origin, where or "(gốc)", "phải là một bảng (table)"))
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name != "source_path"}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        key = f"{where}{unknown[0]}"
        raise CampaignError(_msg(origin, key, f"không có khóa này. Các khóa được phép: "
                                              f"{', '.join(fields)}"))
    values: dict[str, Any] = {}
    for name, fld in fields.items():
        if name not in data:
            if fld.default is dataclasses.MISSING and fld.default_factory is dataclasses.MISSING:
                raise CampaignError(_msg(origin, f"{where}{name}", "thiếu khóa bắt buộc"))
            continue
        values[name] = _convert(hints[name], data[name], f"{where}{name}", origin)
    return cls(**values)


def _convert(hint: Any, value: Any, key: str, origin: str) -> Any:
    origin_type = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin_type in (typing.Union, types.UnionType):
        if value is None:
            return None
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], value, key, origin)
    if origin_type is Literal:
        if value not in args:
            raise CampaignError(_msg(origin, key, f"phải là một trong: {', '.join(args)}"))
        return value
    if origin_type is list:
        if not isinstance(value, list):
            raise CampaignError(_msg(origin, key, "phải là một danh sách"))
        return [_convert(args[0], item, f"{key}[{i}]", origin) for i, item in enumerate(value)]
    if origin_type is dict:
        if not isinstance(value, dict):
            raise CampaignError(_msg(origin, key, "phải là một bảng (table)"))
        return {str(k): _convert(args[1], v, f"{key}.{k}", origin) for k, v in value.items()}
    if dataclasses.is_dataclass(hint):
        return _build(typing.cast(type, hint), value, f"{key}.", origin)
    return _scalar(hint, value, key, origin)


def _scalar(hint: Any, value: Any, key: str, origin: str) -> Any:
    if hint is bool:
        if not isinstance(value, bool):
            raise CampaignError(_msg(origin, key, "phải là true hoặc false"))
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise CampaignError(_msg(origin, key, "phải là số nguyên không âm"))
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise CampaignError(_msg(origin, key, "phải là tỷ lệ từ 0 đến 1 (ví dụ 0.7)"))
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise CampaignError(_msg(origin, key, "phải là chuỗi ký tự"))
        return value
    if hint is dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise CampaignError(_msg(origin, key, "phải là ngày dạng YYYY-MM-DD (không ngoặc kép)"))
        return value
    raise CampaignError(_msg(origin, key, "kiểu giá trị không được hỗ trợ"))


def _check_semantics(campaign: Campaign, origin: str) -> None:
    if not campaign.levels:
        raise CampaignError(_msg(origin, "levels", "cần ít nhất một cấp ([[levels]])"))
    ids = [level.id for level in campaign.levels]
    if len(set(ids)) != len(ids):
        raise CampaignError(_msg(origin, "levels", "mã cấp (id) bị trùng"))
    for i, level in enumerate(campaign.levels):
        start, end = level.conference_start, level.conference_end
        if start and end and start > end:
            raise CampaignError(_msg(origin, f"levels[{i}].conference_start",
                                     "ngày bắt đầu sau ngày kết thúc"))
        for low, high in (("presidium_min", "presidium_max"),
                          ("presidium_emulation_min", "presidium_emulation_max")):
            lo, hi = getattr(level, low), getattr(level, high)
            if lo is not None and hi is not None and lo > hi:
                raise CampaignError(_msg(origin, f"levels[{i}].{low}", f"lớn hơn {high}"))
    sheet_keys = {spec.key for spec in (*ROW_SHEETS, BY_KEY["info"])}
    for i, sheet in enumerate(campaign.required_sheets):
        if sheet not in sheet_keys:
            raise CampaignError(_msg(origin, f"required_sheets[{i}]",
                                     f"phải là một trong: {', '.join(sorted(sheet_keys))}"))
    for code, severity in campaign.severity.items():
        if code not in FINDING_TYPES:
            raise CampaignError(_msg(origin, f"severity.{code}", "mã phát hiện không tồn tại"))
        if severity not in SEVERITIES:
            raise CampaignError(_msg(origin, f"severity.{code}",
                                     "mức độ phải là error, warning hoặc info"))
    tables = {"reports_required": campaign.reports_required,
              "allocation.quotas": campaign.allocation.quotas,
              "forwarded_awards": campaign.forwarded_awards}
    for table, forms in tables.items():
        for form in forms:
            if form not in AWARD_FORMS:
                raise CampaignError(_msg(origin, f"{table}.{form}",
                                         "không phải hình thức khen thưởng trong mẫu"))
    for i, chain in enumerate(campaign.chains):
        for form in (chain.form, *chain.needs):
            if form not in AWARD_FORMS:
                raise CampaignError(_msg(origin, f"chains[{i}]",
                                         f"«{form}» không phải hình thức khen thưởng trong mẫu"))
        if not chain.needs or not chain.source.strip() or chain.count < 1:
            raise CampaignError(_msg(origin, f"chains[{i}]", "cần needs, source (văn bản quy "
                                                             "định) và count từ 1 trở lên"))
        if chain.years == "same" and chain.count != 1:
            raise CampaignError(_msg(origin, f"chains[{i}].count", "phải là 1 khi years = same"))
    _check_decider(campaign.documents, origin)
    seen: set[str] = set()
    for i, authority in enumerate(campaign.forms):
        if authority.form not in AWARD_FORMS:
            raise CampaignError(_msg(origin, f"forms[{i}].form", f"«{authority.form}» không "
                                     "phải hình thức khen thưởng trong mẫu"))
        if authority.form in seen:
            raise CampaignError(_msg(origin, f"forms[{i}].form", "bị ghi hai lần"))
        seen.add(authority.form)
        if not authority.source.strip() or not authority.body.strip():
            raise CampaignError(_msg(origin, f"forms[{i}]", "cần body (ai quyết định) và source "
                                                            "(văn bản quy định)"))
    if campaign.allocation.method not in ALLOCATION_METHODS:
        raise CampaignError(_msg(origin, "allocation.method",
                                 f"phải là một trong: {', '.join(ALLOCATION_METHODS)}"))


def _check_decider(settings: Documents, origin: str) -> None:
    """Refuse a council deciding on its own proposal: the emulation council advises and
    proposes, the competent body or its head decides (and signs)."""
    council = fold(settings.council)
    authority = settings.authority.strip()
    collective = fold(authority[3:] if authority.upper().startswith("TM.") else authority)
    if not council:
        return
    if fold(settings.issuer) == council or (collective and council.startswith(collective)):
        raise CampaignError(_msg(origin, "documents.authority", (
            "cho Hội đồng Thi đua – Khen thưởng ký quyết định: Hội đồng chỉ tham mưu, đề "
            "nghị; ghi issuer là cơ quan có thẩm quyền (hoặc để trống: dùng tên đơn vị gốc "
            "của danh mục) và authority là tập thể quyết định («TM. BAN THƯỜNG VỤ») hoặc để "
            "trống khi người đứng đầu quyết định")))


def _msg(origin: str, key: str, problem: str) -> str:
    place = f" trong {origin}" if origin else ""
    return f"Cấu hình đợt thi đua không hợp lệ{place}: khóa '{key}' {problem}."
