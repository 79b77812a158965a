"""How many CPUs this process may use: the reading pool and the row-writing helper ask here."""

from __future__ import annotations

import os
import sys


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


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space at what it uses now plus `megabytes` (POSIX), so a
    file that makes a reader allocate without bound fails that read (a MemoryError, or the
    reader's abort) instead of exhausting the machine. Only on Linux, where the address space
    a process uses is known (`/proc`) and the limit is kept: macOS maps hundreds of gigabytes
    into every process and Windows has no such limit; there the screen's size checks apply."""
    if not sys.platform.startswith("linux"):
        return
    import resource

    try:
        with open("/proc/self/statm", encoding="ascii") as stream:
            used = int(stream.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = used + megabytes * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass


def silence_errors() -> None:
    """Send a worker's error stream to nowhere: a native reader that aborts writes its own
    report (in English, with a stack) there, and the screen is the officer's. What went wrong
    reaches the command as the file's rejection instead; a fault handler inherited from the
    command (a crash report's) would dump the worker's stack there too, so it is turned off."""
    import faulthandler

    faulthandler.disable()
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
    except OSError:
        pass
