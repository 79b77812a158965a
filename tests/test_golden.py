"""A fresh run of the example inbox gives exactly the committed golden outputs (see
`tests/golden_outputs.py` for what they hold and how to regenerate them)."""

from __future__ import annotations

import json

import pytest

from tests.golden_outputs import GOLDEN, dump, run_example, snapshots


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    work = tmp_path_factory.mktemp("golden")
    status = run_example(work / "out", work / "feedback")
    return status, snapshots(work / "out", work / "feedback")


def test_the_example_run_exits_with_its_deliberate_errors(fresh):
    assert fresh[0] == 1


def test_every_golden_output_is_produced_and_nothing_else(fresh):
    assert sorted(fresh[1]) == sorted(path.name for path in GOLDEN.glob("golden-*"))


@pytest.mark.parametrize("name", sorted(path.name for path in GOLDEN.glob("golden-*")))
def test_output_equals_its_golden_snapshot(fresh, name):
    expected = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    actual = json.loads(dump(fresh[1][name]))
    assert actual == expected, f"{name} differs: run `python -m tests.golden_outputs` only if " \
                               "the change is meant to change the outputs"
