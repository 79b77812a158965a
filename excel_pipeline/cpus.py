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


def ignore_interrupts() -> None:
    """A worker process's initializer: Ctrl-C reaches every process of the console's group, and
    only the command itself answers it (exit 130, one line); a worker that took it too would
    print its own traceback. The command ends its workers as it stops."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
