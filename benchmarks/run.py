"""Measure dhtt-merge side by side with its floor and a naive version, in one run.

For each inbox size N (generated deterministically by generate.py), and several repeats:
- cold:  dhtt-merge on the N workbooks into an empty output folder;
- same:  dhtt-merge again with nothing changed: the outputs on disk are verified and kept;
- warm:  dhtt-merge again after one workbook changed (one delegate renamed; the read cache
         and the last run's row blocks are used);
- added: dhtt-merge again after the first unit's workbook gained a delegate: the worst case
         for the row blocks, as every later row moves down by one;
- floor: python-calamine reading every sheet of every input plus xlsxwriter writing the same
         output rows with write_row (floor.py, timed inside, without Python start-up);
- read:  the read floor, python-calamine reading every sheet of every input in 2 processes
         (read_floor.py, timed inside); every variant is also given as a ratio to it;
- naive: pandas.read_excel/openpyxl per sheet, pandera per file, to_excel/openpyxl (naive.py).
Wall time and peak memory of the process tree (the command, its read pool and its write
helper) are recorded: the RSS sum polled every 20 ms, which counts pages a forked worker shares
with its parent twice, and the PSS sum every 200 ms, which does not. Medians are printed with
the ratios; the table is written to the file given with --table.

    python benchmarks/run.py --sizes 300 1000 3000 --repeats 3 --no-naive-above 1000
    python benchmarks/run.py --sizes 300 --many-findings --no-naive-above 0   # names repeat
    python benchmarks/run.py --sizes 1000 10000 --repeats 1 --no-naive-above 0  # linear?
"""

from __future__ import annotations

import argparse
import compileall
import os
import pickle
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate, unit_code, unit_rows  # noqa: E402

import excel_pipeline  # noqa: E402
from excel_pipeline.write.submission import write_submission  # noqa: E402

AS_OF = "2025-03-31"


def compiled(source: Path) -> None:
    """The bytecode of the package in `source` written beside its modules, as installing the
    wheel does (pip compiles every module it installs). From a source tree where Python writes
    none (PYTHONDONTWRITEBYTECODE, as on the benchmark machine, or a read-only checkout) each
    run compiled every module again, in the command and in its write helper: 0.2-0.3 s per
    process here, a cost no installed copy pays. Stale bytecode is never used: Python checks
    it against its module's size and time."""
    compileall.compile_dir(source, quiet=1)


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    peak_pss_mb: list[float] = field(default_factory=list)

    @property
    def time(self) -> float:
        return statistics.median(self.seconds)

    @property
    def memory(self) -> float:
        return statistics.median(self.peak_mb)

    @property
    def proportional_memory(self) -> float:
        return statistics.median(self.peak_pss_mb)


def measure(command: list[str], inner_time: bool = False) -> tuple[float, float, float]:
    """Wall seconds (or the seconds the command prints), and peak memory in MB of its process
    tree: the sum of RSS (polled every 20 ms; pages shared between the command and a forked
    worker count twice) and the sum of PSS (every 200 ms; shared pages split among sharers)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    peak = [0, 0]

    def poll() -> None:
        polls = 0
        while process.poll() is None:
            peak[0] = max(peak[0], _tree_memory_kb(process.pid, "VmRSS:", "status"))
            if polls % 10 == 0:
                peak[1] = max(peak[1], _tree_memory_kb(process.pid, "Pss:", "smaps_rollup"))
            polls += 1
            time.sleep(0.02)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    output, _ = process.communicate()
    elapsed = time.perf_counter() - start
    watcher.join()
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{command} failed with {process.returncode}")
    if inner_time:
        elapsed = float(output.decode().strip().splitlines()[-1])
    return elapsed, peak[0] / 1024, peak[1] / 1024


def _tree_memory_kb(session: int, field_name: str, source: str) -> int:
    """A memory field (kB) summed over every process of the session (the command and its
    pool workers), read from /proc/PID/`source`."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            if int(fields[3]) != session:  # field 6 of stat: session id
                continue
            with open(f"/proc/{entry}/{source}") as handle:
                for line in handle:
                    if line.startswith(field_name):
                        total += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total


def change_one_workbook(inbox: Path, changed: bool, added: bool = False) -> None:
    """Unit 1 with one delegate renamed (changed), one more delegate (added), or as generated."""
    info, rows = unit_rows(1)
    if changed:
        rows["delegates"][0]["full_name"] = "Nguyễn Văn Sửa Lại"
    if added:
        rows["delegates"].append({**rows["delegates"][-1], "full_name": "Trần Thị Bổ Sung"})
    write_submission(inbox / f"{unit_code(1)}.xlsx", info, rows, title=f"Đơn vị {unit_code(1)}")


def output_rows(workbook: Path) -> dict[str, list[list[object]]]:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(workbook))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def bench_size(count: int, repeats: int, work: Path, naive: bool,
               many_findings: bool = False, write_floor: bool = True) -> dict[str, Sample]:
    tag = f"{count}-names" if many_findings else f"{count}"
    inbox, out = work / f"inbox-{tag}", work / f"out-{tag}"
    if not (inbox / "danh-muc.xlsx").exists():
        generate(count, inbox, repeated_names=many_findings)
    merge = [sys.executable, "-m", "excel_pipeline", str(inbox), "--out", str(out),
             "--as-of", AS_OF]
    samples = {name: Sample() for name in ("cold", "same", "warm", "added", "floor", "read",
                                           "naive")}
    rows_file = work / f"rows-{tag}.pickle"
    for repeat in range(repeats):
        shutil.rmtree(out, ignore_errors=True)
        change_one_workbook(inbox, changed=False)
        for name, command, inner in (("cold", merge, False), ("same", merge, False),
                                     ("warm", merge, False), ("added", merge, False)):
            if name == "warm":
                change_one_workbook(inbox, changed=True)
            if name == "added":
                change_one_workbook(inbox, changed=True, added=True)
            seconds, peak, pss = measure(command, inner)
            samples[name].seconds.append(seconds)
            samples[name].peak_mb.append(peak)
            samples[name].peak_pss_mb.append(pss)
        change_one_workbook(inbox, changed=False)
        if write_floor and not rows_file.exists():
            with rows_file.open("wb") as handle:
                pickle.dump(output_rows(out / "tong-hop.xlsx"), handle)
        if write_floor:
            floor = [sys.executable, str(HERE / "floor.py"), str(inbox), str(rows_file),
                     str(work / "floor.xlsx")]
            seconds, peak, pss = measure(floor, inner_time=True)
            samples["floor"].seconds.append(seconds)
            samples["floor"].peak_mb.append(peak)
            samples["floor"].peak_pss_mb.append(pss)
        seconds, peak, pss = measure([sys.executable, str(HERE / "read_floor.py"), str(inbox)],
                                     inner_time=True)
        samples["read"].seconds.append(seconds)
        samples["read"].peak_mb.append(peak)
        samples["read"].peak_pss_mb.append(pss)
        if naive:
            seconds, peak, pss = measure([sys.executable, str(HERE / "naive.py"), str(inbox),
                                          str(work / "naive.xlsx")])
            samples["naive"].seconds.append(seconds)
            samples["naive"].peak_mb.append(peak)
            samples["naive"].peak_pss_mb.append(pss)
        print(f"N={count} repeat {repeat + 1}: " + ", ".join(
            f"{name} {s.seconds[-1]:.1f} s" for name, s in samples.items() if s.seconds),
            flush=True)
    return samples


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    from importlib.metadata import version

    return (f"{model}, {len(os.sched_getaffinity(0))} usable cores, "
            f"{int(memory) / 1024 / 1024:.0f} GiB RAM; Linux {platform.release()}; "
            f"Python {platform.python_version()}, pandas {version('pandas')}, "
            f"python-calamine {version('python-calamine')}, xlsxwriter {version('xlsxwriter')}")


def report(results: dict[int, dict[str, Sample]], repeats: int) -> str:
    lines = ["| N | read floor s | cold s | same s | warm s | cold/read | same/read | warm/read | "
             "peak RSS cold MB | peak PSS cold MB | cold s per file |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for count, s in sorted(results.items()):
        read = s["read"].time
        lines.append(f"| {count} | {read:.2f} | {s['cold'].time:.1f} | {s['same'].time:.1f} | "
                     f"{s['warm'].time:.1f} | {s['cold'].time / read:.2f} | "
                     f"{s['same'].time / read:.2f} | {s['warm'].time / read:.2f} | "
                     f"{s['cold'].memory:.0f} | {s['cold'].proportional_memory:.0f} | "
                     f"{s['cold'].time / count:.4f} |")
    lines.append("")
    lines += ["| N | cold s | warm s | added s | floor s | naive s | cold/floor | naive/cold | "
              "warm/cold | added/cold | peak RSS cold MB | peak PSS cold MB | peak PSS warm MB | "
              "s per file (cold) |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for count, s in sorted(results.items()):
        if not s["floor"].seconds:  # the write floor was not run at this size
            continue
        cold, warm, floor = s["cold"].time, s["warm"].time, s["floor"].time
        added = s["added"].time
        naive = f"{s['naive'].time:.1f}" if s["naive"].seconds else ""
        naive_ratio = f"{s['naive'].time / cold:.2f}" if s["naive"].seconds else ""
        lines.append(f"| {count} | {cold:.1f} | {warm:.1f} | {added:.1f} | {floor:.1f} | "
                     f"{naive} | {cold / floor:.2f} | {naive_ratio} | {warm / cold:.2f} | "
                     f"{added / cold:.2f} | "
                     f"{s['cold'].memory:.0f} | {s['cold'].proportional_memory:.0f} | "
                     f"{s['warm'].proportional_memory:.0f} | {cold / count:.4f} |")
    sizes = sorted(results)
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        ratio = (results[large]["cold"].time / large) / (results[small]["cold"].time / small)
        lines.append("")
        lines.append(f"Time per file at N={large} / at N={small}: {ratio:.2f}")
    lines.append("")
    lines.append(f"Medians of {repeats} runs; machine: {machine()}.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dhtt-bench"))
    parser.add_argument("--no-naive-above", type=int, default=1000,
                        help="skip the naive version above this N (it takes minutes)")
    parser.add_argument("--table", type=Path, help="also write the table to this file")
    parser.add_argument("--no-write-floor-above", type=int, default=3000,
                        help="skip floor.py (xlsxwriter writing every output row) above this N")
    parser.add_argument("--many-findings", action="store_true",
                        help="every unit lists the same people: tens of thousands of findings")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    compiled(Path(excel_pipeline.__file__).parent)
    results = {count: bench_size(count, args.repeats, args.work,
                                 naive=count <= args.no_naive_above,
                                 many_findings=args.many_findings,
                                 write_floor=count <= args.no_write_floor_above)
               for count in args.sizes}
    table = report(results, args.repeats)
    print(table)
    if args.table:
        args.table.write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
