"""The run, end to end: discover → read → normalise → validate → merge → check → allocate →
write → deliver, one stage after another (see docs/architecture.md).

`run()` is the library's one entry point; the CLI only parses options and calls it. Everything
between reading and writing works on DataFrames (see `consolidate`), so tests need no files.
This module is the only one that knows every stage: each stage imports only the stages before it
and the records of `model`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from .allocate.quotas import allocation_rows
from .campaign import Campaign
from .check.consolidate import merge_inbox
from .check.ledger import ledger_findings
from .check.rules import check_rules
from .cpus import usable_cpus
from .deliver.delivery import DeliveryOptions, deliver, smtp_settings
from .findings import sort_key
from .ingest.cache import ReadCache
from .ingest.inbox import read_inbox, read_registry_file
from .model import Consolidation, Delivery, Paperwork, Progress, ReadFile, RunResult
from .write.atomic import Staging, staged_outputs
from .write.changes import changes_since, facts, previous_facts
from .write.documents.limits import truncation_findings
from .write.documents.render import load_templates
from .write.documents.writer import DocumentOptions, write_documents
from .write.fast.parallel_rows import WriteHelper
from .write.fast.row_blocks import BlockStore, in_blocks
from .write.folders import create, prepare
from .write.report import write_report
from .write.upward import upward_job, write_upward
from .write.workbook import write_workbook


def example_inbox() -> Path:
    """The bundled example inbox (a small fictitious district), used when no inbox is given."""
    return Path(str(resources.files("excel_pipeline").joinpath("data", "example_inbox")))


def run(inbox: Path | None, campaign: Campaign, out_dir: Path, units_file: Path | None = None,
        as_of: dt.date | None = None, progress: Progress | None = None,
        delivery: DeliveryOptions | None = None, use_cache: bool = True,
        ledger: str | Path | None = None,
        documents: DocumentOptions | None = None) -> RunResult:
    """Consolidate an inbox and write into `out_dir`: `tong-hop.xlsx`, `tong-hop.json` and the
    root's own submission `gui-cap-tren.xlsx`; then deliver feedback and e-mail as asked.

    With `use_cache`, files whose bytes were read by an earlier run into the same `out_dir`
    (same program version and campaign) are not parsed again (see `ingest.cache`), and blocks
    of rows the last run wrote are not written again (see `write.fast.row_blocks`). Large runs
    start worker processes (`write.fast.parallel_rows`): call this from a script under
    `if __name__ == "__main__":`.

    With `documents` (`dhtt-merge documents`), the Word documents are written too, into
    `out_dir/van-ban`, and listed in the JSON."""
    options = delivery or DeliveryOptions()
    settings = smtp_settings(options)  # refused here, before anything is written
    # Edited templates are checked here too: a broken one stops the run before any work.
    templates = load_templates(documents.templates_dir) if documents else None
    example = inbox is None
    inbox = inbox or example_inbox()
    as_of = as_of or dt.date.today()
    folders = {"--out": out_dir}
    if options.feedback_dir is not None:
        folders["--feedback"] = options.feedback_dir
    outputs = prepare(folders, inbox)
    awards = _ledger_awards(ledger) if ledger is not None else None  # refused before writing
    previous = _previous_run(out_dir / "tong-hop.json")  # before this run replaces it
    cache = ReadCache(out_dir, campaign) if use_cache else None
    read_files = read_inbox(inbox, progress, campaign.limits, cache, outputs=tuple(outputs))
    registry_file = read_registry_file(units_file, campaign.limits) if units_file else None
    consolidation = consolidate(read_files, campaign, as_of, registry_file, awards)
    if templates:  # texts the documents print cut are findings of the run, in every view
        consolidation.findings = sorted(
            [*consolidation.findings, *truncation_findings(consolidation, templates)],
            key=sort_key)
    consolidation.example, consolidation.inbox = example, inbox
    consolidation.changes = changes_since(previous[0], facts(consolidation), previous[1])
    del read_files  # the parsed pieces are stacked now; free them before writing
    create(folders)
    # Every output is staged and put in place at the end, all together: a run stopped midway
    # replaces none of the previous results.
    with staged_outputs(out_dir) as staging:
        # The helper renders half of the big sheets' rows, then writes gui-cap-tren.xlsx while
        # this process writes the other sheets; it is started at once if a sheet will be
        # written in blocks.
        largest = max((len(frame) for frame in consolidation.sheets.values()), default=0)
        with WriteHelper(usable_cpus(), start=in_blocks(largest)) as helper, \
                BlockStore(cache.folder if cache else None, out_dir) as blocks:
            upward_args = upward_job(consolidation, out_dir)
            upward = upward_args[0] if upward_args else None
            upward_written = helper.after_rows(
                write_upward, staging.reserve(upward_args[0]), *upward_args[1:]) \
                if upward_args else None
            workbook = write_workbook(consolidation, out_dir / "tong-hop.xlsx", helper, blocks,
                                      staging)
            if upward_written:
                upward_written.result()
        delivered = deliver(consolidation, workbook, upward, out_dir, options, settings, staging)
        paperwork = write_documents(consolidation, out_dir, templates, documents, staging) \
            if documents and templates else None
        report = _report(consolidation, out_dir / "tong-hop.json", workbook, upward, delivered,
                         paperwork, staging)
        moved = staging.publish()
    result = RunResult(consolidation, workbook, report, upward, delivered, paperwork=paperwork)
    if moved:  # a file another program held open: the new one is under another name
        result = _relocated(result, moved)
        result.report = _report(consolidation, result.report, result.workbook, result.upward,
                                result.delivery, result.paperwork)
    if cache is not None:
        cache.prune()
    return result


def _ledger_awards(ledger: str | Path) -> list[dict[str, Any]]:
    """Every award the ledger records (a province's is thousands of rows)."""
    from .ledger.store import history, opened

    with opened(ledger) as connection:
        return history(connection)


def _previous_run(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """The last run's facts from its report in the output folder, or None and why not."""
    if not path.is_file():
        return None, None
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        return previous_facts(report), None
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return None, "không đọc được tong-hop.json của lần chạy trước"


def _report(c: Consolidation, path: Path, workbook: Path, upward: Path | None,
            delivered: Delivery, paperwork: Paperwork | None = None,
            staging: Staging | None = None) -> Path:
    return write_report(c, path, workbook, {"upward": upward.as_posix() if upward else None,
                                             **delivered.to_dict()},
                        [d.to_dict() for d in paperwork.written] if paperwork else None,
                        staging)


def _relocated(result: RunResult, moved: dict[Path, Path]) -> RunResult:
    """The run's result naming each output where it was actually put."""
    def where(path: Path) -> Path:
        return moved.get(path, path)

    delivery = result.delivery
    delivery.feedback = [replace(item, path=where(item.path),
                                 marked=where(item.marked) if item.marked else None)
                         for item in delivery.feedback]
    delivery.messages = [replace(m, eml=str(where(Path(m.eml)))) if m.eml else m
                         for m in delivery.messages]
    paperwork = result.paperwork
    if paperwork is not None:
        paperwork.written = [replace(d, path=where(d.path), pdf=where(d.pdf) if d.pdf else None)
                             for d in paperwork.written]
    return replace(result, workbook=where(result.workbook), report=where(result.report),
                   upward=where(result.upward) if result.upward else None, delivery=delivery,
                   moved=moved, paperwork=paperwork)


def consolidate(read_files: list[ReadFile], campaign: Campaign, as_of: dt.date,
                registry_file: ReadFile | None = None,
                awards: list[dict[str, Any]] | None = None) -> Consolidation:
    """The pure middle of the pipeline: read content in, consolidated frames and findings out.
    Validated and merged per level (`check`), seats and quotas allocated (`allocate`), the
    campaign's rules checked, and, given the ledger's `awards`, the nominations against them;
    findings in sheet order."""
    consolidation = merge_inbox(read_files, campaign, as_of, registry_file)
    consolidation.allocation, allocation_findings = allocation_rows(consolidation)
    from_ledger = ledger_findings(consolidation, awards) if awards is not None else []
    consolidation.findings = sorted(
        [*consolidation.findings, *check_rules(consolidation), *allocation_findings,
         *from_ledger], key=sort_key)
    return consolidation
