"""Two versions of dhtt-merge measured side by side, alternating: A B A B …

A claim that a change is "within noise" needs the previous main and the change run in turns on
the same inbox, so that whatever else the machine does falls on both alike. For each pair this
runs both versions cold, then both warm (warm: the same again with one workbook changed, the
read cache and the row blocks of the cold run in use), A first in odd pairs and B first in even
ones, and reports per variant the median of A, the median of B and the median of the per-pair
ratios B/A.

Each version is a source folder (a git worktree of the commit): its package is put first on
PYTHONPATH for its runs, so both are measured with the same interpreter and libraries.

    git worktree add /tmp/base <previous-main>
    python benchmarks/paired.py --base /tmp/base --head . --size 1000 --pairs 5
    python benchmarks/paired.py --base /tmp/base --head . --size 300 --many-findings --pairs 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402
from run import AS_OF, change_one_workbook, compiled  # noqa: E402


def timed(source: Path, inbox: Path, out: Path) -> float:
    """Wall seconds of one run of the version in `source` (start-up included)."""
    folder = source.resolve()
    env = {**os.environ, "PYTHONPATH": str(folder)}
    start = time.perf_counter()
    # Run from the version's own folder: `python -m` puts the working directory first on
    # sys.path, ahead of PYTHONPATH, so run from another checkout it would measure that one.
    done = subprocess.run([sys.executable, "-m", "excel_pipeline", str(inbox.resolve()),
                           "--out", str(out.resolve()), "--as-of", AS_OF], env=env, cwd=folder,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{source} failed with exit status {done.returncode}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", type=Path, required=True, help="source folder of version A")
    parser.add_argument("--head", type=Path, required=True, help="source folder of version B")
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dhtt-paired"))
    parser.add_argument("--many-findings", action="store_true",
                        help="every unit lists the same people: tens of thousands of findings")
    args = parser.parse_args()
    inbox = args.work / (f"inbox-{args.size}-names" if args.many_findings
                         else f"inbox-{args.size}")
    if not (inbox / "danh-muc.xlsx").exists():
        generate(args.size, inbox, repeated_names=args.many_findings)
    for source in (args.base, args.head):
        compiled(source.resolve() / "excel_pipeline")
    times: dict[str, dict[str, list[float]]] = {
        variant: {"A": [], "B": []} for variant in ("cold", "warm")}
    for pair in range(args.pairs):
        # A then B in odd pairs, B then A in even ones: a version always run second (after
        # the other's writes, in a warmer or busier machine) would carry that in its ratio.
        order = [("A", args.base), ("B", args.head)][::1 if pair % 2 == 0 else -1]
        for variant in ("cold", "warm"):
            for label, source in order:
                out = args.work / f"out-{label}"
                if variant == "cold":
                    shutil.rmtree(out, ignore_errors=True)
                    change_one_workbook(inbox, changed=False)
                else:
                    change_one_workbook(inbox, changed=True)
                times[variant][label].append(timed(source, inbox, out))
        print(f"pair {pair + 1}: " + ", ".join(
            f"{v} A {times[v]['A'][-1]:.2f} s B {times[v]['B'][-1]:.2f} s" for v in times),
            flush=True)
    change_one_workbook(inbox, changed=False)
    print(f"\nN = {args.size}, {args.pairs} pairs, A = {args.base}, B = {args.head}")
    print("| variant | median A s | median B s | median of B/A |")
    print("|---|---|---|---|")
    for variant, by_label in times.items():
        ratios = [b / a for a, b in zip(by_label["A"], by_label["B"], strict=True)]
        print(f"| {variant} | {statistics.median(by_label['A']):.2f} | "
              f"{statistics.median(by_label['B']):.2f} | {statistics.median(ratios):.3f} |")


if __name__ == "__main__":
    main()
