"""Nothing left behind (issue #31): no temporary file in the temporary folder after a run, none
beside the outputs after a run killed outright and the next one, and the outputs replaced as one
set (a run that stopped between its renames is completed by the next)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from excel_pipeline.write import atomic
from tests.conftest import REPO, delegate
from tests.test_end_to_end import run_cli

AS_OF = "2025-03-12"
OURS = re.compile(r"^\.dhtt-\d+-")


def leftovers(*folders: Path) -> list[Path]:
    """Our temporary files and folders, journals and locks under `folders`."""
    found = []
    for folder in folders:
        if folder.is_dir():
            found += [p for p in folder.rglob("*")
                      if OURS.match(p.name) or p.name in (atomic.JOURNAL, atomic.LOCK)]
    return found


@pytest.mark.slow
def test_a_run_leaves_the_temporary_folder_empty(tmp_path, make_unit, make_registry,
                                                 monkeypatch):
    make_registry(["C01", "C02"])
    make_unit("C01", [delegate("An", birth_year="19885")], email="c01@cdcs.vn")
    temp = tmp_path / "tam"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))  # for any helper process
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # this process has cached it
    out = tmp_path / "out"
    code, _, _ = run_cli(str(tmp_path / "inbox"), "--out", str(out), "--as-of", AS_OF,
                         "--feedback", str(tmp_path / "ph"), "--email-feedback", "--dry-run")
    assert code == 1 and (out / "tong-hop.xlsx").is_file()
    assert list(temp.iterdir()) == []
    assert leftovers(out, tmp_path / "ph") == []


def big_inbox(folder: Path, make_unit) -> Path:
    for number in range(4):  # enough rows that writing takes a moment
        make_unit(f"C{number}", [delegate(f"Người {number}-{i}", birth_year="19885"
                                          if i % 7 == 0 else 1985) for i in range(800)])
    return folder


@pytest.mark.slow
def test_a_killed_run_leaves_nothing_after_the_next(tmp_path, make_unit):
    inbox = big_inbox(tmp_path / "inbox", make_unit)
    out, feedback = tmp_path / "out", tmp_path / "ph"
    args = [str(inbox), "--out", str(out), "--as-of", AS_OF, "--feedback", str(feedback),
            "--no-cache"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "excel_pipeline", *args], cwd=tmp_path,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and process.poll() is None:
            staged = [p for p in leftovers(out, feedback) if "journal" not in p.name
                      and OURS.match(p.name)]
            if staged:
                break
            time.sleep(0.005)
        assert process.poll() is None, "the run ended before anything was staged"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert leftovers(out, feedback)  # what a killed run leaves, before the next run
    assert not (out / "tong-hop.xlsx").exists()  # nothing half-published
    code, _, _ = run_cli(*args)
    assert code == 1
    assert leftovers(out, feedback) == []
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    assert report["as_of"] == AS_OF and (out / "tong-hop.xlsx").is_file()


def test_a_run_stopped_between_its_renames_is_completed_by_the_next(tmp_path, make_unit,
                                                                    monkeypatch):
    make_unit("C01", [delegate("An", birth_year="19885")])
    out = tmp_path / "out"
    args = [str(tmp_path / "inbox"), "--out", str(out)]
    assert run_cli(*args, "--as-of", AS_OF)[0] == 1
    first = (out / "tong-hop.xlsx").read_bytes()
    real = os.replace

    def dies_at_the_json(source, target):  # the power fails after the workbook's rename
        if Path(target).name == "tong-hop.json" and OURS.match(Path(source).name):
            raise OSError(5, "Input/output error")
        real(source, target)

    monkeypatch.setattr(atomic.os, "replace", dies_at_the_json)
    code, _, stderr = run_cli(*args, "--as-of", "2025-04-30")
    assert code == 3 and "Traceback" not in stderr
    assert (out / atomic.JOURNAL).is_file()  # the journal names the renames still to do
    old = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    assert old["as_of"] == AS_OF  # a mix right now: the new workbook, the old JSON
    assert (out / "tong-hop.xlsx").read_bytes() != first
    monkeypatch.setattr(atomic.os, "replace", real)
    atomic.recover(out)  # what the next run does first
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    assert report["as_of"] == "2025-04-30"  # the new set, whole
    assert leftovers(out) == []


def test_two_runs_into_one_folder_at_once_are_refused(tmp_path, make_unit):
    fcntl = pytest.importorskip("fcntl")
    make_unit("C01", [delegate("An")])
    out = tmp_path / "out"
    out.mkdir()
    with open(out / atomic.LOCK, "a+b") as held:  # another run holds the folder
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        code, _, stderr = run_cli(str(tmp_path / "inbox"), "--out", str(out), "--as-of", AS_OF)
    assert code == 2 and "đang được một lần chạy khác" in stderr
    assert not (out / "tong-hop.xlsx").exists()


HELPER_SCRIPT = """
import os, sys, time
from excel_pipeline.write.fast.parallel_rows import WriteHelper
if __name__ == "__main__":
    helper = WriteHelper(2)
    print(helper.submit(os.getpid).result(), flush=True)
    time.sleep(600)
"""


def _running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie waiting to be reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_the_helper_process_ends_with_its_parent(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(HELPER_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    parent = subprocess.Popen([sys.executable, str(script)], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        helper = int(parent.stdout.readline())
        assert _running(helper)
        os.kill(parent.pid, signal.SIGKILL)  # no pool shutdown, no atexit
    finally:
        parent.wait(timeout=60)
    deadline = time.monotonic() + 30
    while _running(helper) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(helper)
