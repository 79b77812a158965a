"""The read cache and the process pool: a re-run parses only what changed, and reading in
parallel gives exactly what reading in order gives."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import json
import os
import tempfile
from pathlib import Path

import pytest

from excel_pipeline.campaign import load_campaign
from excel_pipeline.ingest import inbox as inbox_stage
from excel_pipeline.ingest.cache import CACHE_FOLDER, ReadCache
from excel_pipeline.ingest.frames import typed_frame
from excel_pipeline.ingest.inbox import read_inbox
from excel_pipeline.pipeline import RunOptions, run
from excel_pipeline.template import DELEGATES
from tests.conftest import delegate

AS_OF = dt.date(2025, 3, 31)


class Calls:
    """The sizes of the files parsed, counted across processes: reads run in worker processes
    (forked, so they share the patched reader), each appending a line to a file."""

    def __init__(self) -> None:
        handle, name = tempfile.mkstemp(prefix="dhtt-calls-")
        os.close(handle)
        self.path = Path(name)

    def append(self, size: int) -> None:
        with self.path.open("a", encoding="ascii") as stream:
            stream.write(f"{size}\n")

    def items(self) -> list[int]:
        return [int(line) for line in self.path.read_text(encoding="ascii").split()]

    def __len__(self) -> int:
        return len(self.items())

    def __eq__(self, other: object) -> bool:
        return self.items() == other

    def clear(self) -> None:
        self.path.write_text("", encoding="ascii")


def counting_reads(monkeypatch) -> Calls:
    calls = Calls()
    real = inbox_stage.read_workbook

    def counted(data, limits=None):
        calls.append(len(data))
        return real(data, limits)

    monkeypatch.setattr(inbox_stage, "read_workbook", counted)
    return calls


@pytest.mark.slow  # whole runs
def test_rerun_parses_only_the_changed_file(tmp_path, make_unit, campaign, monkeypatch):
    for code in ("C01", "C02", "C03"):
        make_unit(code, [delegate("An"), delegate("Bình")])
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    calls = counting_reads(monkeypatch)
    first = run(RunOptions(inbox, campaign, out, as_of=AS_OF))
    assert len(calls) == 3

    calls.clear()
    second = run(RunOptions(inbox, campaign, out, as_of=AS_OF))
    assert calls == []  # nothing parsed again
    assert second.consolidation.accepted("delegates")["_unit"].value_counts().to_dict() == {
        "C01": 2, "C02": 2, "C03": 2}
    first_json = json.loads(first.report.read_text(encoding="utf-8"))
    second_json = json.loads(second.report.read_text(encoding="utf-8"))
    assert second_json["rows"] == first_json["rows"]
    assert second_json["findings"] == first_json["findings"]

    make_unit("C02", [delegate("An"), delegate("Bình"), delegate("Chi")])
    calls.clear()
    third = run(RunOptions(inbox, campaign, out, as_of=AS_OF))
    assert len(calls) == 1
    assert json.loads(third.report.read_text(encoding="utf-8"))["units"]["C02"]["delegates"] == 3
    assert len(list((out / CACHE_FOLDER).iterdir())) == 3  # the old C02 entry was pruned


def test_read_workers_collect_their_own_cycles_while_the_command_pauses(tmp_path, make_unit,
                                                                      campaign, monkeypatch):
    """The run pauses the cyclic collector while results arrive; the read workers it forks
    then have theirs on (a worker's readers leave cycles behind)."""
    import gc

    for code in ("C01", "C02"):
        make_unit(code, [delegate("An")])
    seen = Calls()
    real = inbox_stage.read_workbook

    def noting(data, limits=None):
        seen.append(int(gc.isenabled()))
        return real(data, limits)

    monkeypatch.setattr(inbox_stage, "ISOLATED", True)  # a worker for every file
    monkeypatch.setattr(inbox_stage, "read_workbook", noting)
    run(RunOptions(tmp_path / "inbox", campaign, tmp_path / "out", as_of=AS_OF,
                   use_cache=False))
    assert seen == [1, 1] and gc.isenabled()


@pytest.mark.slow  # whole runs
def test_another_campaign_or_no_cache_parses_everything(tmp_path, make_unit, campaign,
                                                        monkeypatch):
    make_unit("C01")
    make_unit("C02")
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    calls = counting_reads(monkeypatch)
    run(RunOptions(inbox, campaign, out, as_of=AS_OF))
    calls.clear()
    other = dataclasses.replace(campaign, exemplary_share=0.5)
    run(RunOptions(inbox, other, out, as_of=AS_OF))
    assert len(calls) == 2
    calls.clear()
    run(RunOptions(inbox, other, out, as_of=AS_OF, use_cache=False))
    assert len(calls) == 2


def test_a_damaged_cache_entry_is_read_again(tmp_path, make_unit, campaign, monkeypatch):
    make_unit("C01")
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    run(RunOptions(inbox, campaign, out, as_of=AS_OF))
    [entry] = (out / CACHE_FOLDER).iterdir()
    entry.write_bytes(b"not a pickle")
    calls = counting_reads(monkeypatch)
    result = run(RunOptions(inbox, campaign, out, as_of=AS_OF))
    assert len(calls) == 1
    assert json.loads(result.report.read_text(encoding="utf-8"))["units"]["C01"]["delegates"] == 1


def test_unreadable_files_are_cached_with_their_reason(tmp_path, make_unit, campaign,
                                                        monkeypatch):
    make_unit("C01")
    (tmp_path / "inbox" / "hong.xlsx").write_bytes(b"PK\x03\x04broken")
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    run(RunOptions(inbox, campaign, out, as_of=AS_OF))
    calls = counting_reads(monkeypatch)
    result = run(RunOptions(inbox, campaign, out, as_of=AS_OF))
    assert calls == []
    [record] = [r for r in result.consolidation.files if r.relpath == "hong.xlsx"]
    assert record.status == "rejected" and "cắt cụt" in record.reason


def test_parallel_reading_matches_reading_in_order(tmp_path, make_unit, monkeypatch):
    for number in range(6):
        make_unit(f"C{number:02d}", [delegate(f"Người {number}")])
    (tmp_path / "inbox" / "~$C00.xlsx").write_bytes(b"owner")
    (tmp_path / "inbox" / "hong.xlsx").write_bytes(b"")
    monkeypatch.setattr(inbox_stage, "PARALLEL_FROM", 2)
    limits = load_campaign("bau-bang-2025").limits
    serial = read_inbox(tmp_path / "inbox", limits=limits, workers=1)
    parallel = read_inbox(tmp_path / "inbox", limits=limits, workers=2)

    def shape(items):
        return [(i.record.relpath, i.record.status, i.record.sha256, i.record.reason,
                 [(t.sheet, t.excel_rows, typed_frame(t.parsed).to_dict("list")) for t in i.tables],
                 i.form and i.form.fields)
                for i in items]

    assert shape(parallel) == shape(serial)
    assert sum(len(t.excel_rows) for i in parallel for t in i.tables) == 6  # parsed in the pool
    assert all(t.spec is DELEGATES for i in parallel for t in i.tables)  # still the template's
    assert [i.record.file_id for i in parallel] == list(range(len(parallel)))


def test_cached_files_are_loaded_here_and_only_the_others_go_to_the_pool(tmp_path, make_unit,
                                                                        campaign, monkeypatch):
    for number in range(6):
        make_unit(f"C{number:02d}", [delegate(f"Người {number}")])
    inbox = tmp_path / "inbox"
    monkeypatch.setattr(inbox_stage, "PARALLEL_FROM", 2)
    pools: list[int] = []
    real_pool = concurrent.futures.ProcessPoolExecutor

    def counted_pool(workers: int, *args, **kwargs):
        pools.append(workers)
        return real_pool(workers, *args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", counted_pool)
    cache = ReadCache(tmp_path / "out", campaign)
    first = read_inbox(inbox, limits=campaign.limits, cache=cache, workers=2)
    assert pools == [2] and len(cache.used) == 6

    pools.clear()
    calls = counting_reads(monkeypatch)
    progress: list[int] = []
    cache = ReadCache(tmp_path / "out", campaign)
    again = read_inbox(inbox, lambda step, done, total: progress.append(done),
                       limits=campaign.limits, cache=cache, workers=2)
    assert pools == [] and calls == []  # every file was in the cache: no pool, no parsing
    assert [(i.record.sha256, typed_frame(i.tables[0].parsed).to_dict("list")) for i in again] == [
        (i.record.sha256, typed_frame(i.tables[0].parsed).to_dict("list")) for i in first]
    assert progress == [1, 2, 3, 4, 5, 6] and len(cache.used) == 6

    for code in ("C01", "C04"):
        make_unit(code, [delegate("Người mới")])
    cache = ReadCache(tmp_path / "out", campaign)
    changed = read_inbox(inbox, limits=campaign.limits, cache=cache, workers=2)
    assert pools == [2]  # the two changed files, parsed in the pool
    assert [i.record.file_id for i in changed] == list(range(6))
    assert [typed_frame(i.tables[0].parsed)["full_name"].tolist() for i in changed] == [
        ["Người 0"], ["Người mới"], ["Người 2"], ["Người 3"], ["Người mới"], ["Người 5"]]
    # the four loaded and the two new entries are kept; prune removes C01's and C04's old ones
    assert cache.used == {cache.path_for(i.record.sha256).name for i in changed}


def test_cached_values_come_back_as_they_were_and_nothing_else_is_built():
    import math

    from excel_pipeline.ingest import plain
    from excel_pipeline.model import OutputKind, RawForm

    values = [1, 1.5, -0.0, True, None, "Nguyễn", (1, "a"), [1, (2, 3)], {1: "x", "k": (4,)},
              dt.date(2025, 3, 31), dt.datetime(2025, 3, 31, 8, 30), dt.time(8, 30),
              dt.timedelta(days=1, seconds=5), OutputKind.FEEDBACK,
              RawForm("Thông tin", {"unit_code": ("C01", 3)}, {"unit_code": "B"}),
              DELEGATES, float("inf")]
    back = plain.loads(plain.dumps(values))
    assert back == values and [type(v) for v in back] == [type(v) for v in values]
    assert back[-2] is DELEGATES  # the template's own sheet type, told apart by identity
    assert math.isnan(plain.loads(plain.dumps(float("nan"))))
    for crafted in (b'{"~c":"Path","f":{}}', b'{"~x":1}', b'{"~s":"nope"}', b'{"a":1}',
                    b'{"~c":"RawForm","f":{"sheet":"x","evil":1}}', b"\x80\x04K\x01."):
        with pytest.raises(ValueError):
            plain.loads(crafted)


def test_repeated_texts_are_stored_once_and_come_back_shared():
    """A column of repeated texts is stored as its distinct values and their places; it loads
    as the same list, each distinct text one object (as a read in the pool gives), and a
    crafted place (out of range, negative, not a whole number) is refused, never another
    value."""
    from excel_pipeline.ingest import plain

    genders = ["Nam", "Nữ", None, "Nam"] * 10
    names = [f"Người {i}" for i in range(40)]
    mixed = ["1", 1, "1", True] * 10  # not texts only: kept as it is, types and all
    data = plain.dumps({"gender": genders, "name": names, "mixed": mixed, "few": ["a", "a"]})
    assert data.count(b'"Nam"') == 1 and b'"~k"' in data
    assert data.count("Người".encode()) == 40 and data.count(b'"a"') == 2
    back = plain.loads(data)
    assert back == {"gender": genders, "name": names, "mixed": mixed, "few": ["a", "a"]}
    assert [type(v) for v in back["mixed"]] == [type(v) for v in mixed]
    assert len({id(v) for v in back["gender"] if v is not None}) == 2
    for body in ('[["a","b"],[0,2]]', '[["a","b"],[0,-1]]', '[["a","b"],[0,"1"]]',
                 '[["a","b"],[0,1.0]]', '[["a",{"~d":"2025-01-01"}],[0,1]]', '[["a"],0]',
                 '[["a"]]', '{"x":1,"y":2}'):
        with pytest.raises(ValueError):
            plain.loads(('{"~k":' + body + '}').encode())
    assert plain.loads(b'{"~k":[["a","b"],[1,0,1]]}') == ["b", "a", "b"]


def test_equal_texts_of_different_files_are_one_object_from_the_pool_and_from_the_cache(
        tmp_path, make_unit, campaign, monkeypatch):
    """A read worker sends a column of repeated texts coded (`model.coded_texts`) and the
    command shares each text across files (`model.shared_texts`); the read cache loads them
    so too. Names, mostly distinct, travel as they are."""
    for number in range(3):
        make_unit(f"C{number:02d}", [delegate(f"Người {number} {i}", gender="Nữ" if i % 3 else
                                              "Nam") for i in range(20)])
    inbox = tmp_path / "inbox"
    monkeypatch.setattr(inbox_stage, "PARALLEL_FROM", 2)

    def columns(items, key):
        return [i.tables[0].parsed.columns[key] for i in items]

    def one_object_per_text(items, key):
        objects = {id(value) for column in columns(items, key) for value in column}
        return len(objects) == len({value for column in columns(items, key)
                                    for value in column})

    cache = ReadCache(tmp_path / "out", campaign)
    pooled = read_inbox(inbox, limits=campaign.limits, cache=cache, workers=2)
    loaded = read_inbox(inbox, limits=campaign.limits,
                        cache=ReadCache(tmp_path / "out", campaign), workers=2)
    for items in (pooled, loaded):
        assert [column[:3] for column in columns(items, "gender")] == [["Nam", "Nữ", "Nữ"]] * 3
        for key in ("gender", "ethnicity", "position", "delegate_type"):
            assert one_object_per_text(items, key), key
        assert columns(items, "full_name")[1][4] == "Người 1 4"
    assert [typed_frame(i.tables[0].parsed).to_dict("list") for i in pooled] == \
        [typed_frame(i.tables[0].parsed).to_dict("list") for i in loaded]


def test_parsed_rows_pickle_as_they_were_with_repeated_texts_coded():
    import pickle

    from excel_pipeline.model import ParsedRows, coded_texts

    columns = {"gender": ["Nam", None, "Nữ", "Nam"] * 5, "full_name": [f"n{i}" for i in range(20)],
               "birth_year": [1985] * 20, "ethnicity": ["Kinh"] * 5 + [None] * 15}
    parsed = ParsedRows(DELEGATES, columns, 20, [])
    back = pickle.loads(pickle.dumps(parsed))
    assert back == parsed and back.spec is DELEGATES
    assert type(coded_texts(columns["gender"])) is tuple  # coded: 3 distinct of 20
    assert coded_texts(columns["full_name"]) is columns["full_name"]  # mostly distinct
    assert coded_texts(columns["birth_year"]) is columns["birth_year"]  # not texts
    assert coded_texts(columns["gender"][:15]) == columns["gender"][:15]  # too short to code
