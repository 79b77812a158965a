"""Allocation: exact, deterministic, and checked against an independent implementation."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import apportionment.methods as oracle
import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from excel_pipeline.allocate.methods import METHODS, AllocationError, allocate
from excel_pipeline.cli import main

weights_strategy = st.dictionaries(st.text("ABCDEFGHIJ", min_size=1, max_size=3),
                                   st.integers(0, 5000), min_size=1, max_size=12)


def seats_of(shares):
    return {s.unit: s.seats for s in shares}


@pytest.mark.slow  # a long property run
@settings(max_examples=150, deadline=None)
@given(weights_strategy, st.integers(0, 300), st.sampled_from(METHODS), st.integers(0, 3),
       st.integers(0, 20))
def test_sum_is_exact_and_minimum_holds(weights, seats, method, minimum, reserved):
    assume(sum(weights.values()) > 0 and reserved <= seats)
    assume(minimum * len(weights) <= seats - reserved)
    shares = allocate(weights, seats, method, minimum, reserved)
    assert sum(s.seats for s in shares) == seats - reserved
    assert all(s.seats >= minimum for s in shares)
    assert sum(s.quota for s in shares) == seats - reserved  # exact, no rounding


@settings(max_examples=150, deadline=None)
@given(weights_strategy, st.integers(0, 300))
def test_hamilton_gives_floor_or_ceiling_when_minimums_do_not_bind(weights, seats):
    assume(sum(weights.values()) > 0)
    for share in allocate(weights, seats, "hamilton", minimum=0):
        assert math.floor(share.quota) <= share.seats <= math.ceil(share.quota)


@settings(max_examples=100, deadline=None)
@given(weights_strategy, st.integers(1, 200), st.sampled_from(["dhondt", "sainte-lague",
                                                               "huntington-hill"]))
def test_divisor_methods_are_house_monotone(weights, seats, method):
    assume(sum(weights.values()) > 0)
    before = seats_of(allocate(weights, seats, method, minimum=0))
    after = seats_of(allocate(weights, seats + 1, method, minimum=0))
    assert all(after[u] >= before[u] for u in weights)


ORACLE = {"hamilton": "largest_remainder", "dhondt": "dhondt", "sainte-lague": "saintelague",
          "huntington-hill": "huntington"}


@settings(max_examples=120, deadline=None)
@given(st.lists(st.integers(1, 10**6), min_size=1, max_size=10, unique=True),
       st.integers(1, 150), st.sampled_from(METHODS))
def test_agrees_with_the_apportionment_package(votes, seats, method):
    units = [f"U{i:02d}" for i in range(len(votes))]
    try:
        expected = oracle.compute(ORACLE[method], votes, seats, tiesallowed=False,
                                  verbose=False)
    except oracle.TiesException:
        assume(False)
    if method == "huntington-hill" and seats < len(votes):
        assume(False)  # the oracle gives zero-seat parties no priority; ours gives them first
    if method == "hamilton":  # an exact tie the oracle's floating point does not see as one
        remainders = [Fraction(v * seats, sum(votes)) % 1 for v in votes]
        assume(len(set(remainders)) == len(remainders))
    shares = allocate(dict(zip(units, votes, strict=True)), seats, method, minimum=0)
    assert [s.seats for s in shares] == list(expected)


def test_alabama_paradox_is_why_hamilton_is_not_house_monotone():
    """Weights 6, 6, 2: with 10 seats Hamilton gives C 2 seats, with 11 seats only 1.

    Divisor methods (D'Hondt, Sainte-Laguë, Huntington–Hill) never take a seat away when the
    total grows; choose one of them where that matters more than staying within the quota.
    """
    weights = {"A": 6, "B": 6, "C": 2}
    assert seats_of(allocate(weights, 10, "hamilton", minimum=0)) == {"A": 4, "B": 4, "C": 2}
    assert seats_of(allocate(weights, 11, "hamilton", minimum=0)) == {"A": 5, "B": 5, "C": 1}
    for method in ("dhondt", "sainte-lague", "huntington-hill"):
        ten = seats_of(allocate(weights, 10, method, minimum=0))
        eleven = seats_of(allocate(weights, 11, method, minimum=0))
        assert all(eleven[u] >= ten[u] for u in weights)


def test_ties_go_to_larger_weight_then_smaller_code():
    assert seats_of(allocate({"B": 1, "A": 1}, 1, "hamilton", minimum=0)) == {"B": 0, "A": 1}
    assert seats_of(allocate({"A": 1, "B": 2, "C": 2}, 1, "dhondt", minimum=0)) == \
        {"A": 0, "B": 1, "C": 0}


def test_reserved_and_minimum():
    shares = seats_of(allocate({"A": 1000, "B": 10, "C": 5}, 13, minimum=1, reserved=3))
    assert shares == {"A": 8, "B": 1, "C": 1}


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"weights": {"A": 1, "B": 1}, "seats": 1, "minimum": 1}, "tối thiểu"),
    ({"weights": {"A": 0}, "seats": 1}, "Tổng trọng số bằng 0"),
    ({"weights": {"A": -1, "B": 3}, "seats": 5}, "Trọng số âm"),
    ({"weights": {"A": 1}, "seats": -1}, "không được âm"),
    ({"weights": {"A": 1}, "seats": 2, "reserved": 3}, "dành riêng"),
])
def test_impossible_requests_are_refused(kwargs, message):
    with pytest.raises(AllocationError, match=message):
        allocate(**kwargs)


def test_allocate_command(make_registry):
    registry = make_registry(["C01", "C02", "C03"])
    result = CliRunner().invoke(main, ["allocate", str(registry), "--seats", "10", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["unit"] for d in data] == ["C01", "C02", "C03"]
    assert sum(d["seats"] for d in data) == 10
    assert set(data[0]) == {"unit", "weight", "quota", "seats"}
    table = CliRunner().invoke(main, ["allocate", str(registry), "--seats", "10",
                                      "--method", "dhondt"])
    assert "D'Hondt" in table.stdout and "C02" in table.stdout
    refused = CliRunner().invoke(main, ["allocate", str(registry), "--seats", "2"])
    assert refused.exit_code == 2 and "tối thiểu" in refused.stderr


def officer_registry(path):
    """A registry as an officer keeps it: template columns plus a column of their own."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh mục đơn vị"
    sheet.append(["Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cấp trên", "Số đoàn viên",
                  "Số nữ đoàn viên"])
    sheet.append(["R", "LĐLĐ huyện", "LĐLĐ huyện", None, None, None])
    sheet.append(["C01", "CĐCS 1", "CĐCS", "R", 100, 90])
    sheet.append(["C02", "CĐCS 2", "CĐCS", "R", 300, 10])
    book.save(path)
    return path


@pytest.mark.parametrize(("weight", "expected"), [
    ("members", {"C01": 1, "C02": 3}), ("so doan vien", {"C01": 1, "C02": 3}),
    ("Số nữ đoàn viên", {"C01": 3, "C02": 1}), ("SỐ NỮ ĐOÀN VIÊN", {"C01": 3, "C02": 1}),
])
def test_allocate_by_any_registry_column(tmp_path, weight, expected):
    registry = officer_registry(tmp_path / "dm.xlsx")
    result = CliRunner().invoke(main, ["allocate", str(registry), "--seats", "4", "--weight",
                                       weight, "--json"])
    assert result.exit_code == 0, result.output
    assert {d["unit"]: d["seats"] for d in json.loads(result.stdout)} == expected


def test_unknown_weight_column_is_refused_with_the_columns_there_are(tmp_path):
    registry = officer_registry(tmp_path / "dm.xlsx")
    result = CliRunner().invoke(main, ["allocate", str(registry), "--seats", "4", "--weight",
                                       "Số đảng viên"])
    assert result.exit_code == 2
    assert "Số đảng viên" in result.stderr and "Số nữ đoàn viên" in result.stderr


def test_allocate_under_a_given_parent(tmp_path):
    registry = officer_registry(tmp_path / "dm.xlsx")
    result = CliRunner().invoke(main, ["allocate", str(registry), "--seats", "4", "--parent",
                                       "C09"])
    assert result.exit_code == 2 and "C09" in result.stderr
