"""The package's shape: imports run one way, from the command down to the model, and never in a
circle (see docs/architecture.md).

Every import counts, including those inside functions and under TYPE_CHECKING: an import placed
there to dodge a cycle still makes one module depend on the other.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "excel_pipeline"

# Each room of the package and its rank in the flow. A module may import modules of its own
# rank or lower, never higher: stages import the stages before them, the model and the
# contracts; nothing below the command imports the command.
RANKS = {
    "excel_pipeline": 0,
    "excel_pipeline.errors": 0,
    "excel_pipeline.textnorm": 0,
    "excel_pipeline.findings": 0,
    "excel_pipeline.cpus": 0,
    "excel_pipeline.console": 0,
    "excel_pipeline.template": 1,
    "excel_pipeline.campaign": 2,
    "excel_pipeline.model": 3,
    "excel_pipeline.ingest": 4,
    "excel_pipeline.check": 5,
    "excel_pipeline.ledger": 5,
    "excel_pipeline.allocate": 6,
    # Before discovery in the flow (it only fills the inbox folder), but it reads the registry
    # with check's reader, so it ranks above check: nothing in ingest or check may import it.
    "excel_pipeline.receive": 6,
    "excel_pipeline.write": 7,
    "excel_pipeline.describe": 7,
    "excel_pipeline.deliver": 8,
    "excel_pipeline.pipeline": 9,
    "excel_pipeline.cli": 10,
    "excel_pipeline.__main__": 11,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules this module imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names
                         if alias.name.startswith("excel_pipeline"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("excel_pipeline"):
                target = node.module
            else:
                continue
            for alias in node.names:  # `from . import x` may name a module
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in known else target)
    return found - {name}


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(name, path, set(found)) for name, path in found.items()}


def rank(name: str) -> int:
    best = max((key for key in RANKS if name == key or name.startswith(key + ".")), key=len)
    return RANKS[best]


def test_every_module_has_a_rank():
    for name in modules():
        assert any(name == key or name.startswith(key + ".") for key in RANKS), name


def test_no_import_cycle_inside_the_package():
    edges = graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for target in sorted(edges.get(name, ())):
            if state.get(target) == 1:
                cycle = [*stack[stack.index(target):], target]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[name] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name)


def test_imports_point_down_the_flow():
    upward = [f"{name} → {target}" for name, targets in graph().items() for target in targets
              if rank(target) > rank(name)]
    assert upward == []


def test_the_model_imports_no_stage():
    assert {rank(target) for target in graph()["excel_pipeline.model"]} <= {0, 1, 2}


def test_the_package_top_level_stays_small():
    top = [path.name for path in PACKAGE.glob("*.py")]
    assert len(top) <= 13, sorted(top)


def test_the_cycle_check_would_see_a_cycle(tmp_path):
    """The checks above read imports as written: a function-level import is one too."""
    source = "def f():\n    from ..pipeline import run\n"
    path = tmp_path / "excel_pipeline" / "write" / "x.py"
    path.parent.mkdir(parents=True)
    path.write_text(source, encoding="utf-8")
    found = imports_of("excel_pipeline.write.x", path, {"excel_pipeline.pipeline"})
    assert found == {"excel_pipeline.pipeline"}
    assert rank("excel_pipeline.pipeline") > rank("excel_pipeline.write.x")


def probe(code: str) -> str:
    """What `code` prints, run in a fresh interpreter from the repository (what it imports
    is then only its own doing)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_commands_quick_check_loads_no_pandas():
    """A run with nothing changed answers before the pipeline is loaded (`write.unchanged`):
    pandas alone is most of a second of Python's start-up, more than the whole check."""
    assert probe("import sys; import excel_pipeline.cli, excel_pipeline.campaign; "
                 "from excel_pipeline.write.unchanged import quick_check; "
                 "print(sorted(m for m in ('pandas', 'numpy', 'pandera') if m in sys.modules))"
                 ) == "[]"


def test_the_run_loads_no_pandas_before_its_read_pool_starts():
    """The command, the pipeline and a read worker's whole work on a file (screen, read,
    recognise, parse) load no pandas, numpy or pandera: the run starts its read pool first and
    loads them while the workers read (`pipeline.LATER_STEPS`), where before they took a
    second of one core while the other had nothing to do; and the workers, forked before
    that, never hold them."""
    assert probe("import sys; import excel_pipeline.cli, excel_pipeline.pipeline; "
                 "from excel_pipeline.ingest.examples import example_inbox; "
                 "from excel_pipeline.ingest.inbox import read_one; "
                 "from excel_pipeline.model import FileRecord; "
                 "path = sorted(example_inbox().glob('*.xlsx'))[0]; "
                 "read = read_one(path, FileRecord(file_id=0, relpath=path.name)); "
                 "assert read.tables and read.tables[0].parsed is not None, read.record; "
                 "print(sorted(m for m in ('pandas', 'numpy', 'pandera') if m in sys.modules))"
                 ) == "[]"


def test_what_the_run_loads_while_reading_is_what_its_later_steps_import():
    """`pipeline.LATER_STEPS` names every module the steps after reading import (one left out
    would only load later, at its first use), and loading them loads pandas and pandera."""
    from excel_pipeline import pipeline

    later = {"consolidate_inbox", "consolidate", "judge", "write_outputs", "_report"}
    tree = ast.parse((PACKAGE / "pipeline.py").read_text(encoding="utf-8"))
    imported = {node.module for function in tree.body
                if isinstance(function, ast.FunctionDef) and function.name in later
                for node in ast.walk(function)
                if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module}
    assert imported and imported <= set(pipeline.LATER_STEPS)
    assert probe("import sys; from excel_pipeline import pipeline; pipeline._load_later_steps(); "
                 "print(all(m in sys.modules for m in ('pandas', 'pandera')), all("
                 "f'excel_pipeline.{name}' in sys.modules for name in pipeline.LATER_STEPS))"
                 ) == "True True"


@pytest.mark.skipif(os.name != "posix", reason="reads in a pool only where workers are cheap")
def test_a_run_loads_its_later_steps_once_while_its_read_workers_read(tmp_path):
    """A run of the bundled example: what the steps after reading import is loaded once,
    while the read workers are alive, and pandas was not loaded before."""
    code = f"""
import multiprocessing, sys
from pathlib import Path
from excel_pipeline import pipeline
from excel_pipeline.campaign import load_campaign

seen = []
load = pipeline._load_later_steps

def loading():
    seen.append(("pandas" in sys.modules, len(multiprocessing.active_children()) > 0))
    load()

pipeline._load_later_steps = loading
result = pipeline.run(pipeline.RunOptions(None, load_campaign(None), Path({str(tmp_path)!r}),
                                          use_cache=False))
print(seen, len(result.consolidation.sheets["delegates"]) > 0)
"""
    assert probe(code) == "[(False, True)] True"
