"""tong-hop.json is written by orjson where it writes exactly what Python's json writes
(`write.report._orjson_text`), else by json: the bytes are the same either way."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pytest

from excel_pipeline.model import FileRole
from excel_pipeline.write.report import _default, _orjson_text, plain

ALIKE: list[Any] = [
    {"a": [1, 2.5, -0.0, 0.0, 1e-4, 123456789.125, 1e15, None, True, False], "b": {}, "c": []},
    {"text": "Đoàn viên \"x\" \\ \n\t\b\f\r\x00\x1f\x7f\u2028 ✓", "role": FileRole.SUBMISSION},
    {"numbers": [np.int64(19855), np.uint64(2**64 - 1), np.float64(0.1), np.bool_(True),
                 -(2**63), 2**64 - 1], "tuple": (1, ("x", 2))},
    [{"code": "X", "row": 3, "value": None}, {"code": "Y", "row": None, "value": 2.5},
     {"code": "Z", "row": 4, "value": [FileRole.SUBMISSION, {"deep": [0.125, "t"]}]}],
    "text alone", 12,
]
UNLIKE: list[Any] = [
    {"small": 1e-5}, {"large": 1e16}, {"nan": float("nan")}, {"inf": float("inf")},
    {"big": 2**64}, {1: "int key"}, {"date": dt.date(2025, 3, 5)},
    {"float32": np.float32(0.1)}, {"surrogate": "\ud800"},
    # Deep among findings-like rows, each a level the check looks at whole.
    [{"code": "X", "row": 3}, {"code": "Y", "value": [{"deep": 1e-5}]}],
    [{"code": "X"}, {"code": "Y", "value": {2: "int key"}}],
    [{"row": 1}, {"row": -(2**63) - 1}], [[[float("-inf")]]], 1e-7,
]


@pytest.mark.parametrize("document", ALIKE + UNLIKE)
def test_orjson_is_used_only_where_it_writes_what_json_writes(document):
    text = _orjson_text(document)
    if document in UNLIKE:
        assert text is None
        return
    assert text is not None
    assert text.decode("utf-8") == json.dumps(document, ensure_ascii=False, indent=2,
                                              default=_default)


@pytest.mark.parametrize("document", ALIKE + UNLIKE[:2] + UNLIKE[4:6])
def test_plain_values_are_the_values_json_gives(document):
    """What the last run's report gives back, by value and by type (1 is not 1.0), through
    orjson where it writes alike and through json elsewhere."""
    expected = json.loads(json.dumps(document, ensure_ascii=False, default=_default))
    assert plain(document) == expected
    assert repr(plain(document)) == repr(expected)
