"""The run, end to end: discover → read → normalise → validate → merge → settle → check →
allocate → write → deliver, one stage after another (see docs/architecture.md).

`run()` is the library's one entry point; the CLI only parses options and calls it. Everything
between reading and writing works on DataFrames (see `consolidate`), so tests need no files.
This module is the only one that knows every stage: each stage imports only the stages before it
and the records of `model`.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from .campaign import Campaign
from .cpus import usable_cpus
from .deliver.options import DeliveryOptions, smtp_settings
from .findings import sort_key
from .ingest.cache import ReadCache
from .ingest.examples import inbox_and_day
from .ingest.inbox import read_inbox, read_registry_file
from .model import Consolidation, Progress, ReadFile, RunResult
from .write.atomic import Staging, staged_outputs
from .write.documents.render import load_templates
from .write.fast.parallel_rows import WriteHelper
from .write.folders import create
from .write.folders import prepare as prepare_folders
from .write.unchanged import Previous, outputs_block, run_facts, run_key, verified_previous

if TYPE_CHECKING:
    from .deliver.mail import SmtpSettings
    from .write.documents.writer import DocumentOptions

# What the steps after reading import (pandas, pandera, xlsxwriter and the modules built on
# them): 0.4-0.5 s of one core with their bytecode compiled (a second without), loaded while
# the read pool reads (`_load_later_steps`) instead of before it starts, when the other core
# had nothing to do. Each step still imports what it uses where it uses it; this list only
# says what to load early.
LATER_STEPS = (
    "allocate.quotas", "check.campaign_fit", "check.ledger", "check.rules", "check.settle",
    "deliver.delivery", "write.changes", "write.documents.limits", "write.documents.writer",
    "write.fast.row_blocks", "write.report", "write.upward", "write.workbook",
)


@dataclass(frozen=True)
class RunOptions:
    """Everything a run is asked to do: what the command line says, in one record.

    With `use_cache`, files whose bytes were read by an earlier run into the same `out_dir`
    (same program version and campaign) are not parsed again (see `ingest.cache`), and blocks
    of rows the last run wrote are not written again (see `write.fast.row_blocks`). With
    `documents` (`dhtt-merge documents`), the Word documents are written too, into
    `out_dir/van-ban`, and listed in the JSON."""

    inbox: Path | None
    campaign: Campaign
    out_dir: Path
    units_file: Path | None = None
    as_of: dt.date | None = None
    progress: Progress | None = None
    delivery: DeliveryOptions = field(default_factory=DeliveryOptions)
    use_cache: bool = True
    ledger: str | Path | None = None
    documents: DocumentOptions | None = None
    # When nothing the result depends on changed since the last run into `out_dir`, and its
    # outputs are intact, that run is the answer: nothing is read or written again
    # (`write.unchanged`). Never when the run is also to deliver or write documents.
    reuse: bool = False
    # The run key when the caller already computed it and found no such run (the command's
    # `write.unchanged.quick_check`): recorded as it is, the inbox not hashed a second time.
    key: str | None = None


@dataclass(frozen=True)
class Prepared:
    """What the first step settled before anything is read or written: the inbox, the day the
    run counts from, the folders, and what the options refer to, each refused here if it is
    wrong (SMTP settings, edited templates, the ledger)."""

    inbox: Path
    example: bool
    as_of: dt.date
    folders: dict[str, Path]
    outputs: tuple[Path, ...]
    settings: SmtpSettings | None
    templates: dict[str, Any] | None
    awards: list[dict[str, Any]] | None
    previous: tuple[dict[str, Any] | None, str | None]
    cache: ReadCache | None
    key: str | None = None  # the run key (`write.unchanged`), recorded in tong-hop.json
    unchanged: Previous | None = None  # the last run, verified to be this one


def run(options: RunOptions) -> RunResult | Previous:
    """Consolidate an inbox and write into `options.out_dir`: `tong-hop.xlsx`, `tong-hop.json`
    and the root's own submission `gui-cap-tren.xlsx`; then deliver feedback and e-mail as
    asked, and write the Word documents when asked.

    A run is three named steps: `prepare` (refuse what is wrong before any work, and find a
    previous run that is this very run: then its verified outputs are returned as they are),
    `consolidate_inbox` (read and consolidate: no file written), `write_outputs` (write,
    deliver, publish together).
    Large runs start worker processes (`write.fast.parallel_rows`): call this from a script
    under `if __name__ == "__main__":`."""
    prepared = prepare(options)
    if prepared.unchanged is not None:
        return prepared.unchanged
    with _long_lived() as settled:
        consolidation = consolidate_inbox(options, prepared, settled)
        settled()
        result = write_outputs(options, prepared, consolidation)
    if prepared.cache is not None:
        prepared.cache.prune()
    return result


def prepare(options: RunOptions) -> Prepared:
    """Step 1: everything that can be refused is refused here, before any work."""
    settings = smtp_settings(options.delivery)
    # Edited templates are checked here too: a broken one stops the run before any work.
    templates = load_templates(options.documents.templates_dir) if options.documents else None
    example = options.inbox is None
    inbox, as_of = inbox_and_day(options.inbox, options.campaign, options.as_of)
    folders = {"--out": options.out_dir}
    if options.delivery.feedback_dir is not None:
        folders["--feedback"] = options.delivery.feedback_dir
    outputs = tuple(prepare_folders(folders, inbox))
    awards = _ledger_awards(options.ledger) if options.ledger is not None else None
    report = options.out_dir / "tong-hop.json"
    key = options.key or (run_key(inbox, outputs, run_facts(options.campaign, as_of, example,
                                                            options.units_file, awards))
                          if options.reuse else None)
    if options.reuse and key is not None and not options.delivery.wants_anything \
            and options.documents is None:
        unchanged = verified_previous(report, key)
        if unchanged is not None:
            return Prepared(inbox, options.inbox is None, as_of, folders, outputs, settings,
                            templates, awards, (None, None), None, key, unchanged)
    previous = _previous_run(report)  # before this run replaces it
    cache = ReadCache(options.out_dir, options.campaign) if options.use_cache else None
    return Prepared(inbox, options.inbox is None, as_of, folders, outputs, settings, templates,
                    awards, previous, cache, key)


@contextmanager
def _long_lived() -> Iterator[Callable[[], None]]:
    """A call that says the objects made so far live on through the run (the files read, then
    the consolidation): they are set aside from the cyclic garbage collector (`gc.freeze`)
    until the run ends. Its full collections scan every container object alive, and a
    province's rows are millions (their cells' dicts, lists and findings): such collections
    took 0.4-0.7 s of a run's main process, scanning them again as the heap grew, and take
    0.25-0.3 s with them set aside. Objects are still freed as soon as nothing refers to them;
    set back under the collector at the end (`gc.unfreeze`).

    Until the first call (the files read) the collector does not run at all: the reads arrive
    from the read pool or the cache as plain data, with no cycles to find, and its collections
    scanning them as they piled up were 0.3 s of 1,000 files. (Reading in this process, where
    no pool is used, leaves a few dozen cyclic objects per file of the older formats and none
    of .xlsx; they are left to the collector when the run ends. The read workers, forked
    meanwhile, turn their own collector back on.)
    Left alone when the caller had frozen objects itself (they could not be told apart from
    ours) or had turned the collector off."""
    if gc.get_freeze_count() or not gc.isenabled():
        yield lambda: None
        return

    def settled() -> None:
        gc.freeze()
        gc.enable()

    gc.disable()
    try:
        yield settled
    finally:
        gc.enable()
        gc.unfreeze()


def consolidate_inbox(options: RunOptions, prepared: Prepared,
                      settled: Callable[[], None] = lambda: None) -> Consolidation:
    """Step 2: read the inbox and consolidate it; nothing is written. `settled` is called once
    the files are read (`_long_lived`)."""
    limits = options.campaign.limits
    read_files = read_inbox(prepared.inbox, options.progress, limits, prepared.cache,
                            outputs=prepared.outputs, meanwhile=_load_later_steps)
    settled()
    # Imported only now: loaded while the read pool read (`LATER_STEPS`), not before it.
    from .check.settle import settle
    from .write.changes import changes_since
    from .write.documents.limits import truncation_findings

    registry_file = read_registry_file(options.units_file, limits) \
        if options.units_file else None
    settled_files = settle(read_files, options.campaign, prepared.as_of, registry_file)
    # Each file's parsed columns are let go here: the stacked sheets share their texts, and
    # the rest (each file's lists of cells) was half of what the read results weigh, kept
    # through every check and the writing (`consolidate` is the same two steps).
    del read_files
    consolidation = judge(settled_files, prepared.awards)
    if prepared.templates:  # texts the documents print cut: findings of the run, in every view
        consolidation = replace(consolidation, findings=tuple(sorted(
            [*consolidation.findings, *truncation_findings(consolidation, prepared.templates)],
            key=sort_key)))
    return replace(consolidation, example=prepared.example, inbox=prepared.inbox,
                   changes=changes_since(prepared.previous[0], consolidation,
                                         prepared.previous[1]))


def write_outputs(options: RunOptions, prepared: Prepared,
                  consolidation: Consolidation) -> RunResult:
    """Step 3: every output is staged and put in place at the end, all together: a run stopped
    midway replaces none of the previous results."""
    from .deliver.delivery import deliver
    from .write.documents.writer import write_documents
    from .write.fast.row_blocks import BlockStore, in_blocks
    from .write.upward import upward_job, write_upward
    from .write.workbook import write_workbook

    out_dir = options.out_dir
    create(prepared.folders)
    with staged_outputs(out_dir) as staging:
        # The helper renders half of the big sheets' rows, then writes gui-cap-tren.xlsx while
        # this process writes the other sheets; it is started at once if a sheet will be
        # written in blocks.
        largest = max((len(frame) for frame in consolidation.sheets.values()), default=0)
        cache_folder = prepared.cache.folder if prepared.cache else None
        with WriteHelper(usable_cpus(), start=in_blocks(largest)) as helper, \
                BlockStore(cache_folder, out_dir) as blocks:
            job = upward_job(consolidation, out_dir)
            upward = job.path if job else None
            upward_written = helper.after_rows(write_upward, staging.reserve(job.path),
                                               *job.arguments) if job else None
            workbook = write_workbook(consolidation, out_dir / "tong-hop.xlsx", helper, blocks,
                                      staging)
            if upward_written:
                upward_written.result()
        delivered = deliver(consolidation, workbook, upward, out_dir, options.delivery,
                            prepared.settings, staging)
        paperwork = write_documents(consolidation, out_dir, prepared.templates,
                                    options.documents, staging) \
            if options.documents and prepared.templates else None
        result = RunResult(consolidation, workbook, out_dir / "tong-hop.json", upward, delivered,
                           paperwork=paperwork)
        run_block = outputs_block(prepared.key, [
            (path.name, staging.location(path)) for path in (workbook, upward) if path],
            [str(finding.severity) for finding in consolidation.findings]) \
            if prepared.key else None
        _report(result, run_block, staging)
        moved = staging.publish()
    if moved:  # a file another program held open: the new one is under another name
        result = _relocated(result, moved)
        _report(result)  # not the run key: the outputs are not all where it would say
    return result


def _load_later_steps() -> None:
    """Import the steps after reading (`LATER_STEPS`); called while the read pool reads."""
    for name in LATER_STEPS:
        importlib.import_module(f".{name}", __package__)


def _ledger_awards(ledger: str | Path) -> list[dict[str, Any]]:
    """Every award the ledger records (a province's is thousands of rows)."""
    from .ledger.store import history, opened

    with opened(ledger) as connection:
        return history(connection)


def _previous_run(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """The last run's facts from its report in the output folder, or None and why not."""
    from .write.changes import previous_facts

    if not path.is_file():
        return None, None
    try:
        data = path.read_bytes()
        try:  # orjson: 20 MB of findings in a third of the time
            report = orjson.loads(data)
        except orjson.JSONDecodeError:  # what only json reads (NaN, which json writes)
            report = json.loads(data.decode("utf-8"))
        return previous_facts(report), None
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return None, "không đọc được tong-hop.json của lần chạy trước"


def _report(result: RunResult, run_block: dict[str, Any] | None = None,
            staging: Staging | None = None) -> Path:
    """tong-hop.json, naming the outputs where the result says they are (with `staging`, put
    in place with the run's other outputs)."""
    from .write.report import write_report

    paperwork = result.paperwork
    return write_report(result.consolidation, result.report, result.workbook,
                        {"upward": result.upward.as_posix() if result.upward else None,
                         **result.delivery.to_dict()},
                        [d.to_dict() for d in paperwork.written] if paperwork else None,
                        run_block, staging)


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
    """The pure middle of the pipeline: read content in, a new frozen consolidation out.

    First what is considered is settled (`check.settle`: each file's fate, each row's, the
    «không xét» of late dossiers); then every check reads only what it may judge and returns
    findings: the campaign's rules, the allocation of seats and quotas (`allocate`), and,
    given the ledger's `awards`, the nominations against them. Findings are sorted on every
    field, so the order the checks run in cannot change the result."""
    from .check.settle import settle

    return judge(settle(read_files, campaign, as_of, registry_file), awards)


def judge(settled: Consolidation, awards: list[dict[str, Any]] | None = None) -> Consolidation:
    """The checks of `consolidate` on what `check.settle` settled: the rules, the allocation
    and, given the ledger's `awards`, the nominations against them; findings sorted."""
    from .allocate.quotas import allocation_rows
    from .check.campaign_fit import campaign_findings
    from .check.ledger import ledger_findings
    from .check.rules import check_rules

    allocation, allocation_findings = allocation_rows(settled)
    from_ledger = ledger_findings(settled, awards) if awards is not None else []
    findings = sorted([*settled.findings, *check_rules(settled), *allocation_findings,
                       *from_ledger, *campaign_findings(settled)], key=sort_key)
    return replace(settled, allocation=tuple(allocation), findings=tuple(findings))
