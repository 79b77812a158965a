"""How many CPUs this process may use: the reading pool and the row-writing helper ask here."""

from __future__ import annotations

import os


def usable_cpus() -> int:
    """The CPUs this process is allowed to run on (a container or `taskset` may allow fewer
    than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
