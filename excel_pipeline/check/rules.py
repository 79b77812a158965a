"""Campaign rules over the settled frames: each rule is a function that returns findings.

Every rule reads only considered rows (`Consolidation.considered`: what `check.settle` did not
set aside) and the campaign's numbers, and changes nothing, so the order they are listed in
cannot change what they find; limits are compared exactly
(`Fraction`), and the equality case is allowed, as the documents word them ("không quá",
"trước ngày" read as on or before). Messages state the rule, the unit's figure, the limit and the
source document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from ..findings import FINDING_TYPES, Finding
from ..ingest.arrivals import arrival_days
from ..model import Consolidation
from ..template import (
    CELLS,
    DELEGATES,
    FILE,
    FILE_ID,
    INFO,
    LEADER_CATEGORIES,
    NOMINATIONS,
    ROW,
    SHEET,
    UNIT,
    SheetSpec,
)
from ..textnorm import fold, fold_distinct, percent
from ..textnorm import format_date as _d
from .places import locate

T = FINDING_TYPES
PLENARY = "Hội nghị toàn thể"
DELEGATE_CONFERENCE = "Hội nghị đại biểu"
EXCELLENT = "Hoàn thành xuất sắc nhiệm vụ"


@dataclass(frozen=True)
class RuleInput:
    """What the rules share, computed once per run: the consolidation, the submitting units'
    info rows with their level, and each unit's accepted delegates in sheet order."""

    c: Consolidation
    units: list[dict[str, Any]]
    delegates: DelegatesByUnit


class DelegatesByUnit:
    """Each unit's accepted delegates in sheet order, and counts over them per unit.

    A province has thousands of units; cutting the frame into one frame per unit, and testing
    each, cost more than all the rules' own work. Counts are taken over the whole frame at once,
    and a unit's rows are cut out only for the few units a rule has to point into."""

    def __init__(self, frame: pd.DataFrame) -> None:
        """`frame`: the delegates in sheet order (`_units_delegates(c, in_order=True)`)."""
        self.frame = frame
        self.units = self.frame[UNIT].astype("string")
        self._positions = self.frame.groupby(self.units, sort=False).indices
        # Rules point into a unit's rows by these columns only: cutting 20 columns out for each
        # unit a rule flags cost more than the rule.
        self._pointed = self.frame[[column for column in (FILE, SHEET, ROW, *_POINTED_BY)
                                    if column in self.frame.columns]]

    def size(self, code: str) -> int:
        return len(self._positions.get(code, ()))

    def rows(self, code: str, where: np.ndarray | None = None) -> pd.DataFrame:
        """The unit's delegates (empty if none), those for whom `where` (one flag per row of
        `frame`) holds when given; with the columns a rule points by (`_POINTED_BY`)."""
        positions = self._positions.get(code, np.array([], dtype=np.intp))
        if where is not None:
            positions = positions[where[positions]]
        return self._pointed.iloc[positions]

    def count(self, mask: pd.Series) -> dict[str, int]:
        """Per unit, the delegates for whom `mask` holds."""
        counts = mask.fillna(False).astype(bool).groupby(self.units, sort=False).sum()
        return {str(code): int(n) for code, n in counts.items()}


def check_rules(c: Consolidation) -> list[Finding]:
    """Every rule of the campaign, in a fixed order."""
    data = RuleInput(c, _units_with_info(c), DelegatesByUnit(_units_delegates(c, in_order=True)))
    findings: list[Finding] = []
    for rule in RULES:
        findings += rule(data)
    return findings


def _units_delegates(c: Consolidation, in_order: bool = False) -> pd.DataFrame:
    """Accepted delegates of the units' own conferences (`in_order`: in the order of their
    files, then rows). The registry root's own workbook is its delegation to the next level,
    chosen among the units' people: no conference rule (nor the duplicate check) applies to it
    (see `write.upward`)."""
    frame = c.considered_in_order("delegates") if in_order else c.considered("delegates")
    roots = c.registry.roots
    if not roots or not c.registry.units[roots[0]].children or frame.empty:
        return frame
    return frame[frame[UNIT] != roots[0]]


def _units_with_info(c: Consolidation) -> list[dict[str, Any]]:
    """Accepted Thông tin đơn vị rows of units in the tree, with their level attached (not
    the root's: its own workbook is its delegation to the next level)."""
    rows = []
    for row in c.info.to_dict("records"):
        unit = c.registry.units.get(str(row["unit_code"]))
        if unit is not None and (unit.parent is not None or not unit.children):
            rows.append({**row, "_level": unit.level, "_name": unit.name})
    return rows


def _at(rows: pd.DataFrame, k: int, spec: SheetSpec, key: str) -> dict[str, Any]:
    return locate(rows, k, spec.title, spec.column(key).header)


def _flag(rows: pd.DataFrame, key: str) -> pd.Series:
    return rows[key].fillna(False).astype(bool)


def _where(row: dict[str, Any], key: str) -> dict[str, Any]:
    cells = row.get(CELLS) or {}
    value = row.get(key)
    if isinstance(value, pd.Timestamp):
        value = value.strftime("%d/%m/%Y")
    elif value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        value = None
    return {"unit": str(row["unit_code"]), "file": row[FILE], "sheet": INFO.title,
            "row": cells.get(key, row.get(ROW)), "column": INFO.column(key).header,
            "value": value}


def _date(value: Any) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _share(value: float) -> Fraction:
    return Fraction(str(value))


def conference_late(data: RuleInput) -> list[Finding]:
    """CONFERENCE_LATE: conference held outside its level's window."""
    c, findings = data.c, []
    for row in data.units:
        level, held = row["_level"], _date(row.get("conference_date"))
        start, end = level.conference_start, level.conference_end
        if held is None or not level.conference or (start is None and end is None):
            continue
        if (start and held < start) or (end and held > end):
            window = (f"từ {_d(start)} đến {_d(end)}" if start and end else
                      f"chậm nhất ngày {_d(end)}" if end else f"từ ngày {_d(start)}")
            findings.append(T["CONFERENCE_LATE"].at(
                c.campaign.severities, _where(row, "conference_date"), name=row["_name"],
                held=_d(held), level=level.name, window=window, document=c.campaign.document))
    return findings


def dossier_late(data: RuleInput) -> list[Finding]:
    """DOSSIER_LATE: submitted after the level's dossier deadline, as `check.settle` decided
    (which also marked the nominations «không xét» where the campaign says so)."""
    c, findings = data.c, []
    consequence = (" Theo hướng dẫn, đề nghị khen thưởng của đơn vị không được xét."
                   if c.campaign.late_nominations_not_considered else "")
    for row in data.units:
        late = c.late.get(str(row["unit_code"]))
        if late is None:
            continue
        findings.append(T["DOSSIER_LATE"].at(
            c.campaign.severities, _where(row, "submitted_on"),
            variant="by_mail" if late.by_mail else "default", name=row["_name"],
            sent=_d(late.sent), deadline=_d(late.deadline), document=c.campaign.document,
            consequence=consequence))
    return findings


def received_date_differs(data: RuleInput) -> list[Finding]:
    """RECEIVED_DATE_DIFFERS: a file taken from the mailbox (`dhtt-merge receive`) whose typed
    «Ngày gửi báo cáo» is more than a day from the message's arrival (a day either way is a
    file finished in the evening and sent the next morning); the deadline judged the arrival."""
    c, findings = data.c, []
    arrivals = arrival_days(c.files)
    if not arrivals:
        return []
    for row in data.units:
        typed, arrived = _date(row.get("submitted_on")), arrivals.get(int(row[FILE_ID]))
        if typed is None or arrived is None or abs((arrived - typed).days) <= 1:
            continue
        findings.append(T["RECEIVED_DATE_DIFFERS"].at(
            c.campaign.severities, _where(row, "submitted_on"), name=row["_name"],
            typed=_d(typed), arrived=_d(arrived)))
    return findings


def delegate_cap(data: RuleInput) -> list[Finding]:
    """DELEGATE_CAP: more delegates than the level's cap; plenary conferences are exempt.

    Points at the first delegate past the cap."""
    c, findings = data.c, []
    for row in data.units:
        cap, code = row["_level"].delegate_cap, str(row["unit_code"])
        count = data.delegates.size(code)
        if cap is None or row.get("conference_form") == PLENARY or count <= cap:
            continue
        at = _at(data.delegates.rows(code), cap, DELEGATES, "full_name")
        findings.append(T["DELEGATE_CAP"].at(
            c.campaign.severities, {"unit": code, **at, "value": count}, name=row["_name"],
            count=count, cap=cap, level=row["_level"].name, document=c.campaign.document,
            first_row=at.get("row")))
    return findings


def plenary_expected(data: RuleInput) -> list[Finding]:
    """PLENARY_EXPECTED: the conference form does not match the member count threshold."""
    c = data.c
    threshold = c.campaign.plenary_threshold
    if not threshold:
        return []
    findings = []
    for row in data.units:
        members, form = row.get("members"), row.get("conference_form")
        if members is None or pd.isna(members) or form is None or pd.isna(form):
            continue
        members = int(members)
        if members < threshold and form == DELEGATE_CONFERENCE:
            advice = f"dưới {threshold} đoàn viên nên tổ chức Hội nghị toàn thể"
        elif members >= threshold and form == PLENARY:
            advice = f"từ {threshold} đoàn viên trở lên tổ chức Hội nghị đại biểu"
        else:
            continue
        findings.append(T["PLENARY_EXPECTED"].at(
            c.campaign.severities, _where(row, "conference_form"), name=row["_name"],
            members=members, form=form, expected=advice, document=c.campaign.document))
    return findings


def exemplary_share(data: RuleInput) -> list[Finding]:
    """EXEMPLARY_SHARE: exemplary delegates under the campaign's share minus its tolerance.

    Points at the first delegate not listed as exemplary."""
    c = data.c
    share = c.campaign.exemplary_share
    if not share:
        return []
    floor = _share(share) - _share(c.campaign.exemplary_tolerance)
    findings = []
    is_exemplary = data.delegates.frame["delegate_type"] == "Điển hình tiên tiến"
    exemplary_of = data.delegates.count(is_exemplary)
    not_exemplary = ~is_exemplary.fillna(False).to_numpy(dtype=bool)
    for row in data.units:
        code = str(row["unit_code"])
        total, exemplary = data.delegates.size(code), exemplary_of.get(code, 0)
        if not total or row.get("conference_form") == PLENARY \
                or Fraction(exemplary, total) >= floor:
            continue
        findings.append(T["EXEMPLARY_SHARE"].at(
            c.campaign.severities,
            {"unit": code, **_at(data.delegates.rows(code, not_exemplary), 0, DELEGATES,
                                 "delegate_type"), "value": f"{exemplary}/{total}"},
            name=row["_name"], exemplary=exemplary, total=total,
            share=percent(exemplary / total), target=f"{float(share):.0%}",
            tolerance=f"{float(c.campaign.exemplary_tolerance):.0%}",
            document=c.campaign.document))
    return findings


def presidium(data: RuleInput) -> list[Finding]:
    """PRESIDIUM_SIZE / PRESIDIUM_EXEMPLARY: presidium size or its CSTĐ count out of range.

    Too many: points at the first member past the maximum. Too few: at the first delegate who
    could be added (not yet in the presidium, or a presidium member who is not a CSTĐ)."""
    c, findings = data.c, []
    everyone = data.delegates.frame
    presiding = _flag(everyone, "presidium")
    size_of = data.delegates.count(presiding)
    soldiers_of = data.delegates.count(presiding & _flag(everyone, "emulation_soldier"))
    for row in data.units:
        level, code = row["_level"], str(row["unit_code"])
        if not data.delegates.size(code):
            continue
        size, soldiers = size_of.get(code, 0), soldiers_of.get(code, 0)
        if _within(size, level.presidium_min, level.presidium_max) and _within(
                soldiers, level.presidium_emulation_min, level.presidium_emulation_max):
            continue  # most units: no need to slice out who to point at
        group = data.delegates.rows(code)
        in_presidium = _flag(group, "presidium")
        members = group[in_presidium]
        soldier = _flag(members, "emulation_soldier")
        checks = (
            ("PRESIDIUM_SIZE", "presidium",
             members, group[~in_presidium], level.presidium_min, level.presidium_max),
            ("PRESIDIUM_EXEMPLARY", "emulation_soldier",
             members[soldier], members[~soldier], level.presidium_emulation_min,
             level.presidium_emulation_max),
        )
        for code_name, column, counted, candidates, low, high in checks:
            n = len(counted)
            if high is not None and n > high:
                at = _at(counted, high, DELEGATES, column)
            elif low is not None and n < low:
                at = _at(candidates if len(candidates) else group, 0, DELEGATES, column)
            else:
                continue
            bounds = f"{low}–{high}" if low != high else f"{low}"
            findings.append(T[code_name].at(
                c.campaign.severities, {"unit": code, **at, "value": n}, name=row["_name"],
                n=n, level=level.name, bounds=bounds, document=c.campaign.document))
    return findings


def _within(n: int, low: int | None, high: int | None) -> bool:
    return (low is None or n >= low) and (high is None or n <= high)


def leader_share(data: RuleInput) -> list[Finding]:
    """LEADER_SHARE: leaders above the campaign's share of a unit's individual nominations.

    Points at the first leader past the allowed number."""
    c = data.c
    share = c.campaign.leader_share
    if not share:
        return []
    limit = _share(share)
    frame = c.considered_in_order("nominations")
    frame = frame[frame["subject"] == "Cá nhân"]
    findings = []
    for code, group in frame.groupby(UNIT, sort=False):
        leaders = group[group["category"].isin(LEADER_CATEGORIES)]
        if Fraction(len(leaders), len(group)) <= limit:
            continue
        allowed = int(limit * len(group))
        unit = c.registry.units.get(str(code))
        findings.append(T["LEADER_SHARE"].at(
            c.campaign.severities,
            {"unit": str(code), **_at(leaders, allowed, NOMINATIONS, "category"),
             "value": f"{len(leaders)}/{len(group)}"},
            name=unit.name if unit else code, leaders=len(leaders), total=len(group),
            share=percent(len(leaders) / len(group)), limit=f"{float(share):.0%}",
            allowed=allowed, document=c.campaign.document))
    return findings


def collective_share(data: RuleInput) -> list[Finding]:
    """COLLECTIVE_SHARE: per emulation block, registry units proposed for Cờ thi đua or Bằng
    khen above the share of the block's units rated "Hoàn thành xuất sắc nhiệm vụ".

    Points at the nomination that names the first unit past the allowed number."""
    c = data.c
    share = c.campaign.collective_share
    if not share or c.registry.inferred:
        return []
    by_key: dict[str, str] = {}
    for code, unit in c.registry.units.items():
        by_key[fold(code)] = code
        by_key.setdefault(fold(unit.name), code)
    ratings = {str(row["unit_code"]): row.get("rating") for row in c.info.to_dict("records")}
    frame = c.considered_in_order("nominations")
    frame = frame[(frame["subject"] == "Tập thể")
                  & frame["award"].fillna("").str.match(r"^(Cờ thi đua|Bằng khen)")]
    named = frame["name"].map(lambda name: by_key.get(fold(name)))
    frame = frame.assign(_named=named).loc[named.notna().astype(bool)]
    # A mask built by `map` on no rows has no dtype to say it is boolean; pandas would then
    # take it for a list of column names and drop every column.
    in_block = [c.registry.units[code].block is not None for code in frame["_named"]]
    frame = frame.loc[pd.Series(in_block, index=frame.index, dtype=bool)]
    findings = []
    for block, group in frame.groupby(frame["_named"].map(lambda code:
                                                          c.registry.units[code].block)):
        first = group.drop_duplicates("_named")
        members = [code for code, unit in c.registry.units.items() if unit.block == block]
        excellent = sum(1 for code in members if ratings.get(code) == EXCELLENT)
        allowed = int(_share(share) * excellent)
        if len(first) <= allowed:
            continue
        past = first.iloc[allowed]
        findings.append(T["COLLECTIVE_SHARE"].at(
            c.campaign.severities,
            {"unit": str(past[UNIT]), **_at(first, allowed, NOMINATIONS, "name"),
             "value": len(first)},
            block=block, count=len(first), units=", ".join(sorted(first["_named"])),
            limit=f"{float(share):.0%}", excellent=excellent, allowed=allowed,
            document=c.campaign.document))
    return findings


def dossier_incomplete(data: RuleInput) -> list[Finding]:
    """DOSSIER_INCOMPLETE: an award with fewer achievement reports than it needs."""
    c = data.c
    required = c.campaign.reports_required
    if not required:
        return []
    frame = c.considered("nominations")
    findings = []
    for row in frame[frame["award"].isin(list(required))].to_dict("records"):
        need = required[row["award"]]
        have = 0 if pd.isna(row["reports"]) else int(row["reports"])
        if have >= need:
            continue
        findings.append(T["DOSSIER_INCOMPLETE"].at(
            c.campaign.severities,
            {"unit": row[UNIT], "file": row[FILE], "sheet": row[SHEET],
             "row": int(row[ROW]), "column": NOMINATIONS.column("reports").header,
             "value": have},
            name=row["name"], award=row["award"], need=need, have=have,
            document=c.campaign.document))
    return findings


def duplicate_person(data: RuleInput) -> list[Finding]:
    """DUPLICATE_PERSON: the same person in two units' lists, as a person would judge it: the
    same folded name and birth year, and nothing that says otherwise: when both rows give a
    sex, an ethnicity (or an ID number, where the list has one) and they differ, they are two
    people who share a name. A row without a birth year confirms nothing.

    A province lists some 150,000 delegates: names and years are folded and compared as whole
    columns, and only the few rows whose key two units share are paired."""
    c = data.c
    frame = _units_delegates(c)
    if frame.empty:
        return []
    years = frame["birth_year"]
    frame = frame[years.notna() & frame[UNIT].notna()]
    if frame.empty:
        return []
    shared = _shared_keys(frame)
    if shared is None:
        return []
    keys, listed_twice = shared
    rows = frame[listed_twice].assign(_key=keys[listed_twice],
                                      _pos=range(int(listed_twice.sum())))
    traits = [column for column in _PERSON_TRAITS if column in rows.columns]
    folded_traits = [f"_{column}" for column in traits]
    for column in traits:  # compared folded: «kinh» and «Kinh» are one ethnicity
        rows[f"_{column}"] = rows[column].astype("string").map(fold, na_action="ignore") \
            .replace("", pd.NA)
    # Rows are not paired with rows (a name and year that 300 units list would make 90,000
    # pairs): each key's distinct profiles (its traits as given, gaps included) are, and a
    # profile's units are those of every profile that does not contradict it.
    rows["_profile"] = rows.groupby(["_key", *folded_traits], dropna=False, sort=False).ngroup()
    profiles = rows.drop_duplicates("_profile")[["_key", "_profile", *folded_traits]]
    pairs = profiles.merge(profiles, on="_key", suffixes=("", "_other"))
    agree = pd.Series(True, index=pairs.index)
    for column in folded_traits:
        mine, theirs = pairs[column], pairs[f"{column}_other"]
        agree &= (mine.isna() | theirs.isna() | (mine == theirs)).fillna(True).astype(bool)
    listed = rows.sort_values("_pos").drop_duplicates(["_profile", UNIT])[
        ["_profile", UNIT, "_pos", "position"]].rename(columns={
            "_profile": "_profile_other", UNIT: "_unit_other", "_pos": "_pos_other",
            "position": "_position_other"})
    units_of = pairs.loc[agree, ["_profile", "_profile_other"]].merge(listed, on="_profile_other") \
        .sort_values(["_profile", "_unit_other", "_pos_other"], kind="stable") \
        .drop_duplicates(["_profile", "_unit_other"])
    total = units_of.groupby("_profile", sort=False).size()
    # A row's own unit is among its profile's units; the message names up to five others.
    first = units_of.groupby("_profile", sort=False).head(_UNITS_SHOWN + 1)
    candidates: dict[int, list[tuple[str, Any]]] = {}
    for profile, other, position in zip(first["_profile"].tolist(), first["_unit_other"].tolist(),
                                        first["_position_other"].tolist(), strict=True):
        candidates.setdefault(profile, []).append((str(other), position))
    totals = dict(zip(total.index.tolist(), total.tolist(), strict=True))
    columns = {column: rows[column].tolist() for column in
               (UNIT, FILE, SHEET, ROW, "full_name", "birth_year", "_profile", *traits)}
    return _duplicate_findings(c, columns, traits, candidates, totals)


def _shared_keys(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
    """Each row's person key (its folded name and birth year, as one integer: rows of one key
    are one person unless their traits say otherwise), and which rows carry a key that two or
    more units list; None when no key is shared.

    Keys are numbered, not written out as text: grouping 150,000 texts to count each key's
    units cost more than the rest of the check."""
    # Names repeat across a province (and `fold` is the costly part): fold each name once.
    name_codes, names = pd.factorize(frame["full_name"])
    named = name_codes >= 0  # a row without a name has no key
    if not named.any():
        return None
    folded_codes, _ = pd.factorize(pd.Series(fold_distinct(names.tolist()), dtype=object))
    year_codes, year_values = pd.factorize(frame["birth_year"].to_numpy(dtype=np.int64))
    unit_codes, unit_values = pd.factorize(frame[UNIT])
    keys = np.where(named, folded_codes.take(np.where(named, name_codes, 0)) * len(year_values)
                    + year_codes, -1)
    # (key, unit) listed, each once; then the keys two units or more list. Counted over the
    # keys listed, not over every possible key: a count per name and year that could be
    # (a bincount up to the largest key) took 54 MB at 1,000 units and ten times as much at
    # 10,000, the rules' largest use of memory.
    listings = _distinct(keys[named] * len(unit_values) + unit_codes[named])
    listed_keys, units_per_key = np.unique(listings // len(unit_values), return_counts=True)
    shared = named & np.isin(keys, listed_keys[units_per_key >= 2])
    if not shared.any():
        return None
    return (pd.Series(keys, index=frame.index),
            pd.Series(shared, index=frame.index, dtype=bool))


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, sorted: sorted first, then each kept where it
    differs from the one before. (`np.unique` without counts takes numpy 2's hash table,
    which took 1.7 s for the 1.5 million listings of 10,000 units against 0.03 s sorted.)"""
    ordered = np.sort(values)
    keep = np.empty(len(ordered), dtype=bool)
    keep[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _duplicate_findings(c: Consolidation, columns: dict[str, list[Any]], traits: list[str],
                        candidates: dict[int, list[tuple[str, Any]]],
                        totals: dict[int, int]) -> list[Finding]:
    """One DUPLICATE_PERSON per row of a person other units list too.

    When 300 units list the same 150 people, the rows of one person mostly say the same thing
    (the same name, year and other units): each distinct message is written once, and its
    other rows get a finding of their own place with that message."""
    severities, header = c.campaign.severities, DELEGATES.column("full_name").header
    shown: dict[tuple[int, str | None], str] = {}
    listing: dict[int, frozenset[str]] = {}
    said_of: dict[tuple[Any, ...], str] = {}
    made: dict[tuple[Any, ...], Finding] = {}
    findings = []
    given_traits = list(zip(*(columns[column] for column in traits), strict=True)) if traits \
        else [()] * len(columns[UNIT])
    for unit, file, sheet, row, name, year, profile, given in zip(
            columns[UNIT], columns[FILE], columns[SHEET], columns[ROW], columns["full_name"],
            columns["birth_year"], columns["_profile"], given_traits, strict=True):
        count = totals.get(profile, 0) - 1  # the other units
        if count < 1:
            continue
        listed = candidates[profile]
        units = listing.get(profile)
        if units is None:
            units = listing[profile] = frozenset(other for other, _ in listed)
        # The unit's own listing is left out of the others it is shown (the rest are alike).
        own = unit if unit in units else None
        others = shown.get((profile, own))
        if others is None:
            others = shown[(profile, own)] = "; ".join([
                f"{other} ({position})" if isinstance(position, str) and position else other
                for other, position in listed if other != unit][:_UNITS_SHOWN])
        said = said_of.get(given)
        if said is None:
            said = said_of[given] = "".join(
                f", {value}" for column, value in zip(traits, given, strict=True)
                if column != "id_number" and isinstance(value, str))
        more = f" và {count - _UNITS_SHOWN} đơn vị khác" if count > _UNITS_SHOWN else ""
        place = {"unit": unit, "file": file, "sheet": sheet, "row": int(row), "column": header,
                 "value": name}
        message_key = (name, year, said, others, more)
        alike = made.get(message_key)
        if alike is None:
            alike = made[message_key] = T["DUPLICATE_PERSON"].at(
                severities, place, name=name, year=year, said=said, others=others, more=more)
            findings.append(alike)
        else:
            findings.append(Finding(alike.code, alike.severity, alike.message, **place))
    return findings


# The columns besides the place (file, sheet, row) that rules read of one unit's delegates.
_POINTED_BY = ("delegate_type", "presidium", "emulation_soldier")
# Other units a DUPLICATE_PERSON message names (the rest are counted).
_UNITS_SHOWN = 5
# Columns that tell two people of one name and year apart when both rows give them.
_PERSON_TRAITS = ("gender", "ethnicity", "id_number")


RULES: tuple[Callable[[RuleInput], list[Finding]], ...] = (
    conference_late, dossier_late, received_date_differs, delegate_cap, plenary_expected,
    exemplary_share, presidium, leader_share, collective_share, dossier_incomplete,
    duplicate_person,
)
