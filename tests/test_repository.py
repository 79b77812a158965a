"""The repository holds sources only: no workbook a run wrote, no read cache.

A run's outputs committed by mistake look like data (they even open in Excel), go stale silently
and, worse, a marked workbook copied from the repository into an inbox is taken for the run's own
output. The mark is the custom document property `model.MARK` (see ingest/marks.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from excel_pipeline.cli import main
from excel_pipeline.findings import FINDING_TYPES
from excel_pipeline.ingest.cache import CACHE_FOLDER
from excel_pipeline.ingest.marks import output_mark
from tests.conftest import REPO

# Where a cache file or a marked workbook may be committed on purpose: test fixtures and the
# package's bundled data.
BUNDLED = ("tests/fixtures/", "excel_pipeline/data/")
# The bundled files that carry the mark on purpose (a unit's upward file in the example inbox,
# say). None does yet: each one added must be named here, so that no other slips in with it.
MARKED_ON_PURPOSE: frozenset[str] = frozenset()
CACHE_SUFFIXES = (".pickle", ".pkl")


def _git(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(REPO), *args], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", check=False)


def _tracked() -> list[str]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if _git("rev-parse", "--is-inside-work-tree").stdout.strip() != "true":
        pytest.skip("not a git checkout (an unpacked source archive, say)")
    listed = _git("ls-files", "-z")
    assert listed.returncode == 0, listed.stderr
    return [name for name in listed.stdout.split("\0") if name]


def _is_cache(name: str) -> bool:
    path = PurePosixPath(name)
    return CACHE_FOLDER in path.parts or path.suffix in CACHE_SUFFIXES


def offending(names: Iterable[str], root: Path) -> dict[str, str]:
    """Each file among `names` (relative to `root`) that a repository must not hold, and why."""
    found: dict[str, str] = {}
    for name in names:
        bundled = name.startswith(BUNDLED)
        if _is_cache(name) and not bundled:
            found[name] = "cache file"
            continue
        path = root / name
        if not path.is_file():  # deleted in the working tree: nothing to commit
            continue
        kind = output_mark(path.read_bytes())
        if kind is not None and not (bundled and name in MARKED_ON_PURPOSE):
            found[name] = f"written by dhtt-merge ({kind.value})"
    return found


def test_no_tracked_file_is_a_run_output_or_a_cache():
    tracked = _tracked()
    # An exception names a bundled file that is tracked and does carry the mark.
    for name in MARKED_ON_PURPOSE:
        assert name.startswith(BUNDLED) and name in tracked, name
        assert output_mark((REPO / name).read_bytes()) is not None, name
    assert offending(tracked, REPO) == {}


@pytest.fixture(scope="module")
def run_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All one run writes on the example inbox: outputs, cache, feedback, outbox, documents."""
    out = tmp_path_factory.mktemp("run") / "ket-qua"
    result = CliRunner().invoke(main, ["documents", "--out", str(out), "--as-of", "2025-03-31",
                                       "--email-feedback", "--dry-run"])
    assert result.exit_code == 1, result.output  # the example carries deliberate errors
    return out


def _written(out: Path) -> list[str]:
    return sorted(path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file())


@pytest.mark.slow  # one whole run with the Word documents (about 4 s)
def test_the_check_catches_what_a_run_writes(run_output, tmp_path):
    written = _written(run_output)
    found = offending(written, run_output)
    caches = [name for name in written if name.startswith(f"{CACHE_FOLDER}/")]
    assert caches and all(found[name] == "cache file" for name in caches)
    for name in ("tong-hop.xlsx", "gui-cap-tren.xlsx", "phan-hoi/BB02.xlsx",
                 "phan-hoi/BB02 - BB02 (đánh dấu).xlsx"):
        assert found[name].startswith("written by dhtt-merge"), name
    # The same files under a bundled folder: the cache is allowed there, an unlisted mark is not.
    root = tmp_path / "repository"
    (root / "tests").mkdir(parents=True)
    (root / "tests" / "fixtures").symlink_to(run_output, target_is_directory=True)
    inside = offending([f"tests/fixtures/{name}" for name in written], root)
    assert "tests/fixtures/tong-hop.xlsx" in inside
    assert not any(CACHE_FOLDER in name for name in inside)


@pytest.mark.slow  # shares the run above
def test_gitignore_keeps_out_everything_a_run_writes(run_output):
    _tracked()  # skips outside a git checkout
    # Under any output folder's name, as `--out o4` made one at the root once.
    names = [f"o4/{name}" for name in _written(run_output)]
    assert any("/van-ban/" in name for name in names) and any("/thu-gui/" in name for name in names)
    checked = _git("check-ignore", "--no-index", "--stdin", "-z", stdin="\0".join(names) + "\0")
    assert checked.returncode in (0, 1), checked.stderr
    ignored = {name for name in checked.stdout.split("\0") if name}
    assert sorted(set(names) - ignored) == []


def _code_rows(text: str) -> dict[str, list[str]]:
    """The rows of a Markdown table whose first cell is one finding code in backquotes."""
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        found = re.match(r"\| `([A-Z_]+)` \|", line)
        if found:
            rows[found.group(1)] = [cell.strip() for cell in line.strip("|").split(" | ")]
    return rows


def test_the_domain_page_states_every_finding_code_its_severity_and_producer():
    rows = _code_rows((REPO / "docs" / "domain.md").read_text(encoding="utf-8"))
    assert sorted(rows) == sorted(FINDING_TYPES)  # none missing, none the code does not have
    for code, kind in FINDING_TYPES.items():
        severity = kind.severity
        _, default, when, producers = rows[code]
        assert default.startswith(severity), code
        assert when, code
        modules = re.findall(r"`([\w/]+\.py)`", producers)
        assert modules, code
        # The first module named makes the finding: its source names the code.
        assert f'"{code}"' in (REPO / "excel_pipeline" / modules[0]).read_text(encoding="utf-8"), \
            (code, modules[0])


def test_the_architecture_page_names_every_finding_codes_producer():
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("## Where each finding code is produced", 1)[1].split("\n## ", 1)[0]
    for code in FINDING_TYPES:
        assert f"`{code}`" in table, code
    assert "not produced yet" not in text


def test_no_file_cites_a_document_the_repository_does_not_hold():
    # The domain contract the project started from is not in the repository: its sections are
    # cited as docs/domain.md's instead.
    cited = [name for name in _tracked() if name.endswith((".py", ".md", ".toml", ".txt"))
             and (REPO / name).is_file()
             and "DOMAIN §" in (REPO / name).read_text(encoding="utf-8", errors="replace")
             and name != "tests/test_repository.py"]
    assert cited == []


def test_the_quick_start_is_two_lines_and_ci_runs_the_test_line_verbatim():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Bắt đầu nhanh", 1)[1].split("\n## ", 1)[0]
    lines = re.findall(r"```bash\n(.*?)\n```", section, re.DOTALL)
    assert len(lines) == 2 and all("\n" not in line for line in lines), lines
    # PEP 668 systems (Debian 12 and later) refuse pip outside a virtual environment.
    assert all(line.startswith("python3 -m venv .venv && .venv/bin/pip install") for line in lines)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert lines[1] in ci
