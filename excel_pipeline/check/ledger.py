"""Nominations checked against the ledger of awards granted in earlier years (and this one).

Pure: the awards come as plain records read by the caller (`pipeline.run`, from
`ledger.store`). Two codes:

- AWARD_REPEATED: a person or collective proposed for a form it already holds for that year;
- TITLE_CHAIN: a form whose prerequisite titles (the campaign's cited `chains`) are held
  neither in the ledger nor among this run's own nominations; the message says «Yêu cầu: … ;
  Hiện có: …».

Identity is careful: the same folded name and birth year is the same person when the unit is
the same (or either record does not name one); in another unit it is only a possible match,
said as a warning naming both, never merged silently. (The ledger records a CCCD when a list
gives one; a run's nominations do not carry their extra columns this far yet, so it cannot
settle a possible match.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..campaign import Chain
from ..findings import FINDING_TYPES, Finding
from ..ingest.frames import optional_text
from ..model import Consolidation
from ..template import FILE, NOMINATIONS, ROW, SHEET, UNIT
from ..textnorm import fold

SAME, POSSIBLE, OTHER = "same", "possible", "other"
AWARD_REPEATED, TITLE_CHAIN = FINDING_TYPES["AWARD_REPEATED"], FINDING_TYPES["TITLE_CHAIN"]


def _person(name: Any, birth: Any) -> tuple[str, int]:
    year = 0 if birth is None or pd.isna(birth) else int(birth)
    return fold(name), year


def match(nominee: dict[str, Any], award: dict[str, Any]) -> str:
    """Whether a ledger record is the nominee: same, possibly (another unit), or other."""
    key, year = nominee["key"]
    if award["name_key"] != key or (year and award["birth_year"]
                                    and award["birth_year"] != year):
        return OTHER
    if not nominee["unit"] or not award["unit"] or nominee["unit"] == award["unit"]:
        return SAME
    return POSSIBLE


def ledger_findings(c: Consolidation, awards: Iterable[dict[str, Any]]) -> list[Finding]:
    """AWARD_REPEATED and TITLE_CHAIN for this run's considered nominations (a nomination set
    aside, «không xét», neither is judged nor meets another's chain)."""
    frame = c.considered("nominations")
    if frame.empty:
        return []
    year = c.as_of.year
    by_name: dict[str, list[dict[str, Any]]] = {}
    for award in awards:
        by_name.setdefault(award["name_key"], []).append(award)
    nominees = [_nominee(record) for record in frame.to_dict("records")]
    chains = {fold(chain.form): chain for chain in c.campaign.chains}
    findings: list[Finding] = []
    for nominee in nominees:
        known = by_name.get(nominee["key"][0], [])
        findings += _repeated(c, nominee, known, year)
        chain = chains.get(fold(nominee["form"]))
        if chain is not None:
            findings += _chain(c, nominee, known, nominees, chain, year)
    return findings


def _nominee(record: dict[str, Any]) -> dict[str, Any]:
    return {"key": _person(record["name"], record.get("birth_year")), "name": record["name"],
            "unit": optional_text(record.get(UNIT)) or "", "form": str(record["award"]),
            "file": record[FILE], "sheet": record[SHEET], "row": int(record[ROW])}


def _where(nominee: dict[str, Any]) -> dict[str, Any]:
    return {"unit": nominee["unit"] or None, "file": nominee["file"], "sheet": nominee["sheet"],
            "row": nominee["row"], "column": NOMINATIONS.column("award").header,
            "value": nominee["form"]}


def _said(award: dict[str, Any]) -> str:
    born = f", sinh {award['birth_year']}" if award["birth_year"] else ""
    unit = f", đơn vị {award['unit']}" if award["unit"] else ""
    return (f"«{award['name']}»{born}{unit}: {award['form']} năm {award['year']} "
            f"(quyết định {award['decision']})")


def _repeated(c: Consolidation, nominee: dict[str, Any], known: list[dict[str, Any]],
              year: int) -> list[Finding]:
    findings = []
    for award in known:
        if award["year"] != year or fold(award["form"]) != fold(nominee["form"]):
            continue
        kind = match(nominee, award)
        if kind == OTHER:
            continue
        if kind == SAME:
            findings.append(AWARD_REPEATED.at(
                c.campaign.severities, _where(nominee), name=nominee["name"],
                form=award["form"], year=year, decision=award["decision"], record=_said(award)))
        else:  # same name and birth year, another unit: possibly the same person
            findings.append(AWARD_REPEATED.at(
                None, _where(nominee), variant="possible", severity="warning",
                name=nominee["name"], unit=nominee["unit"], form=award["form"], year=year,
                record=_said(award)))
    return findings


def _chain(c: Consolidation, nominee: dict[str, Any], known: list[dict[str, Any]],
           nominees: list[dict[str, Any]], chain: Chain, year: int) -> list[Finding]:
    needs = {fold(form) for form in chain.needs}
    years = [year] if chain.years == "same" else list(range(year - chain.count, year))
    held: dict[int, list[str]] = {}
    for award in known:
        if fold(award["form"]) in needs and match(nominee, award) == SAME:
            held.setdefault(award["year"], []).append(
                f"{award['form']} năm {award['year']} (quyết định {award['decision']})")
    for other in nominees:  # this run's own nominations of the same person
        if other is not nominee and other["key"] == nominee["key"] \
                and fold(other["form"]) in needs \
                and (not other["unit"] or not nominee["unit"] or other["unit"] == nominee["unit"]):
            held.setdefault(year, []).append(f"{other['form']} năm {year} (đề nghị cùng đợt)")
    missing = [y for y in years if y not in held]
    if not missing:
        return []
    wanted = " hoặc ".join(chain.needs)
    required = (f"{wanted} năm {year}" if chain.years == "same" else
                f"{wanted} {chain.count} năm liền {years[0]}–{years[-1]}")
    have = "; ".join(text for y in sorted(held) for text in held[y]) or "không có"
    return [TITLE_CHAIN.at(c.campaign.severities, _where(nominee), name=nominee["name"],
                           form=nominee["form"], required=required, source=chain.source,
                           have=have)]
