"""A PostgreSQL server for the tests, started from the installed binaries (initdb, pg_ctl) in a
temporary folder, on a free port; the tests that need it are skipped, with the reason, where
the binaries are absent. PostgreSQL refuses to run as root: under root (a CI machine) the
server runs as the `postgres` user the Debian package creates."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    folder = binaries()
    if folder is None:
        pytest.skip("PostgreSQL is not installed (no pg_ctl): its ledger tests are skipped")
    run_as: list[str] = []
    # Not under pytest's own temporary folder: the postgres user must be able to reach it.
    home = Path(tempfile.mkdtemp(prefix="dhtt-pg-"))
    data = home / "data"
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: PostgreSQL cannot be started")
        run_as = ["runuser", "-u", "postgres", "--"]
        home.chmod(0o777)
    port = _free_port()

    def call(*args: str) -> None:
        subprocess.run([*run_as, *args], check=True, capture_output=True, timeout=120)

    call(str(folder / "initdb"), "-D", str(data), "-A", "trust", "-U", "ledger", "-E", "UTF8")
    call(str(folder / "pg_ctl"), "-D", str(data), "-w", "-l", str(data.parent / "log"),
         "-o", f"-p {port} -k {data.parent} -c listen_addresses=127.0.0.1", "start")
    try:
        yield f"postgresql://ledger@127.0.0.1:{port}/postgres"
    finally:
        call(str(folder / "pg_ctl"), "-D", str(data), "-w", "-m", "fast", "stop")
        shutil.rmtree(home, ignore_errors=True)
