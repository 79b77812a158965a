"""Read results as plain data: JSON of lists, strings, numbers and a few tagged types, never
code. The read cache (`cache`) stores them so; loading one builds only the model's own classes
named here, whatever the file holds.

Tags are one-key objects whose key starts with "~": a tuple, a date or time, a sheet type of
the template (by its key), a class of the model with its fields, a dictionary (so that no
dictionary of the data is taken for a tag), a float JSON cannot spell (NaN, infinities), a
list of texts whose values repeat (`~k`: each distinct text once, then each item's place among
them).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

import orjson

from ..model import (
    CellProblem,
    NearMiss,
    OutputKind,
    ParsedRows,
    RawForm,
    RawTable,
    SheetConversion,
    WorkbookContent,
    coded_texts,
    shared_texts,
)
from ..template import SheetSpec, spec_by_key

_CLASSES: dict[str, type] = {cls.__name__: cls for cls in (
    CellProblem, NearMiss, ParsedRows, RawForm, RawTable, SheetConversion, WorkbookContent)}
_PLAIN = (str, int, bool, type(None))
_PLAIN_TYPES = frozenset(_PLAIN)
_DECODED_AS_IS = frozenset((*_PLAIN, float))  # a float in JSON is a finite one
# Lists of these are dictionary-coded (`_coded`); no value of one type equals one of the other.
_TEXT_TYPES = frozenset((str, type(None)))


class NotPlain(ValueError):
    """A value this format does not know; the result is not cached."""


def dumps(value: object) -> bytes:
    try:
        return orjson.dumps(_encode(value))
    except TypeError as exc:  # orjson's own refusals (an integer beyond 64 bits)
        raise NotPlain(str(exc)) from None


def loads(data: bytes) -> object:
    """The value `dumps` gave `data` for; ValueError (or a subclass) for anything else."""
    try:
        return _decode(orjson.loads(data))
    except (KeyError, TypeError, IndexError, AttributeError, RecursionError) as exc:
        raise ValueError(f"not a cached read result: {exc!r}") from None


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is float:
        return value if math.isfinite(value) else {"~f": repr(value)}
    if kind is list:
        types = set(map(type, value))
        if types <= _PLAIN_TYPES:  # most columns: kept as they are, or coded
            return _coded(value) if types <= _TEXT_TYPES else value
        return [_encode(item) for item in value]
    if kind is tuple:
        return {"~t": [_encode(item) for item in value]}
    if kind is dict:
        return {"~m": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if kind is dt.datetime:
        return {"~dt": value.isoformat()}
    if kind is dt.date:
        return {"~d": value.isoformat()}
    if kind is dt.time:
        return {"~h": value.isoformat()}
    if kind is dt.timedelta:
        return {"~td": [value.days, value.seconds, value.microseconds]}
    if kind is OutputKind:
        return {"~o": value.value}
    if isinstance(value, SheetSpec):
        return {"~s": value.key}
    if kind.__name__ in _CLASSES and _CLASSES[kind.__name__] is kind:
        return {"~c": kind.__name__,
                "f": {field.name: _encode(getattr(value, field.name))
                      for field in dataclasses.fields(value)}}
    raise NotPlain(f"{kind.__name__} is not cached")


def _coded(items: list[str | None]) -> Any:
    """A list of texts (or blanks) whose values repeat as each distinct one once and each
    item's place among them: a column of genders, positions or ethnicities. Loading it gives
    each distinct text one object, shared by its rows and by the other files' rows
    (`model.shared_texts`), as a read in the pool does (`model.ParsedRows` is sent so); one
    object per cell made a loaded inbox hold four times the text, and building them was most
    of `orjson.loads`. Other lists are kept as they are."""
    coded = coded_texts(items)
    if type(coded) is not tuple:  # short, or mostly distinct (names): nothing to share
        return items
    distinct, places = coded
    return {"~k": [distinct, places.tolist()]}


def _decoded_codes(body: Any) -> list[Any]:
    """The list `_coded` gave `body` for. A code that is not a place in the values fails as
    an index does (TypeError, IndexError: not a cached read result); a negative one, which an
    index would count from the end, is refused here."""
    values, codes = body
    if type(values) is not list or not _TEXT_TYPES.issuperset(map(type, values)) \
            or (codes and min(codes) < 0):
        raise ValueError("a coded list out of shape in a cached read result")
    return shared_texts(values, codes)  # equal texts of different files: one object


def _decode(value: Any) -> Any:
    """The value `_encode` gave `value` for. Strings, numbers and lists of them, most of a
    read result (keys, cells, columns), are checked inline where they are met, not decoded
    by a call each."""
    kind = type(value)
    if kind in _DECODED_AS_IS:
        return value
    if kind is list:
        if _DECODED_AS_IS.issuperset(map(type, value)):
            return value
        return [item if item.__class__ in _DECODED_AS_IS else _decode(item) for item in value]
    if kind is not dict or len(value) not in (1, 2):
        raise ValueError("unknown value in a cached read result")
    tag = next(iter(value))
    body = value[tag]
    if tag == "~t":
        return tuple([item if item.__class__ in _DECODED_AS_IS else _decode(item)
                      for item in body])
    if tag == "~k":
        return _decoded_codes(body)
    if tag == "~m":
        # (a plain key or value, most of them, is taken as it is without a call)
        return {(k if k.__class__ in _DECODED_AS_IS else _decode(k)):
                (v if v.__class__ in _DECODED_AS_IS else _decode(v)) for k, v in body}
    if tag == "~f":
        return float(_one_of(body, ("nan", "inf", "-inf")))
    if tag == "~dt":
        return dt.datetime.fromisoformat(body)
    if tag == "~d":
        return dt.date.fromisoformat(body)
    if tag == "~h":
        return dt.time.fromisoformat(body)
    if tag == "~td":
        return dt.timedelta(days=body[0], seconds=body[1], microseconds=body[2])
    if tag == "~o":
        return OutputKind(body)
    if tag == "~s":
        return spec_by_key(body)
    if tag == "~c":
        cls = _CLASSES[_one_of(body, tuple(_CLASSES))]
        fields = value["f"]
        if fields.keys() != _FIELD_NAMES[cls]:
            raise ValueError(f"{cls.__name__} with other fields")
        return cls(**{name: item if item.__class__ in _DECODED_AS_IS else _decode(item)
                      for name, item in fields.items()})
    raise ValueError(f"unknown tag {tag!r} in a cached read result")


# The fields of each class of the model a result may hold, as `~c` objects must give them.
_FIELD_NAMES = {cls: frozenset(field.name for field in dataclasses.fields(cls))
                for cls in _CLASSES.values()}


def _one_of(text: Any, allowed: tuple[str, ...]) -> str:
    if text not in allowed:
        raise ValueError(f"{text!r} is not one of {allowed}")
    return text
