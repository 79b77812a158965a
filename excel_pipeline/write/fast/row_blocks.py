"""The rows of large sheets, rendered and compressed in blocks: on both cores, and once only.

A province's delegate sheet is 150,000 rows, over a hundred megabytes of XML. Rendering it and
compressing it were most of a run's writing, and a re-run after one corrected file did all of it
again. So a large sheet's rows are cut into blocks of `BLOCK_ROWS` rows. Each block is rendered
as the exact `<row>` XML xlsxwriter writes (`rows.write_rows`) and compressed on its own into a
pack file; the sheet itself gets a placeholder, which `xlsx_zip.package` replaces by the blocks.

- Both cores: the later half of the blocks to render goes to the helper process
  (`parallel_rows`), which renders and compresses them while this process does the first half.
- Once only: a block is keyed by a hash of what it is made from (its rows' values, where it
  starts in the sheet, its formats, and the program's and libraries' versions). The pack of the
  last run is kept beside the read cache (`BlockStore`); a block whose key is found there is
  copied, not rendered. After one corrected file only the blocks holding that unit's rows
  change, unless the correction adds or removes rows: then every later block starts on another
  row and is rendered again.

The workbook is the same either way: a test compares each sheet's XML with what xlsxwriter
writes in one process, cell by cell.
"""

from __future__ import annotations

import hashlib
import io
import marshal
import os
import secrets
import tempfile
from collections.abc import Collection, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import orjson
import pandas as pd

from ... import __version__
from ...ingest.signing import SIGNATURE_BYTES, sign, verified
from ..cells import ROWS_OPTIONS, Link
from .parallel_rows import WriteHelper
from .rows import ColumnRows, Heights, used_extent, write_rows
from .xlsx_zip import COMPRESSOR, Piece, deflate
from .xlsxwriter_internals import (
    add_internal_links,
    append_rows_xml,
    fix_format_indices,
    flush_rows,
    links_recorded,
    record_written,
    room_for_links,
    rows_to_memory,
    streams_rows,
    style_index,
    take_rows,
)

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

# Rows per block: small enough that a correction re-renders little, large enough that
# compressing blocks apart costs little (measured on 150,000 delegates: 1.4 % larger than one
# stream at 512 rows, 2.8 % at 256).
BLOCK_ROWS = 512
# Sheets from this many rows are written in blocks; smaller ones cost too little to bother.
BLOCKS_FROM = 20_000
# From this many rows to render, the helper renders the later `HELPER_SHARE` of them: this
# process also writes the small sheets meanwhile, the helper also receives the rows.
SPLIT_FROM = 20_000
HELPER_SHARE = 0.5
# Rows per job sent to the helper: it holds one job's rows at a time, not half the sheet.
JOB_ROWS = 20_000
_FORMAT = 1  # bump when what a block's XML depends on changes in a way its key does not show


@dataclass(frozen=True)
class Block:
    """Rows to render as one block, and the key of what it is made from."""

    first_row: int
    rows: Sequence[Sequence[Any]]
    bold_rows: frozenset[int]  # indices into `rows`
    key: str


@dataclass(frozen=True)
class BlockJob:
    """Blocks of one sheet to render, and how their cells look."""

    blocks: tuple[Block, ...]
    formats: tuple[Format, ...]
    bold_formats: tuple[Format, ...]
    heights: Heights | None = None


@dataclass(frozen=True)
class StoredBlock:
    """A compressed block in this run's pack file (an `xlsx_zip.Compressed`)."""

    offset: int
    size: int
    crc: int
    length: int
    check: str  # digest of the compressed bytes (`_digest`), checked before a block is reused


def in_blocks(rows: int) -> bool:
    """Whether a sheet of this many rows is written in blocks (if the sheet can take them)."""
    return rows >= BLOCKS_FROM


def render_blocks(job: BlockJob) -> list[Piece]:
    """Render each block's rows as xlsxwriter's row XML, and compress it on its own.

    The rows are written into a worksheet of a workbook that is never closed (so no xlsx is
    made), its row data going to memory instead of its temporary file."""
    import xlsxwriter

    book = xlsxwriter.Workbook(os.devnull, ROWS_OPTIONS)
    sheet = book.add_worksheet()
    rows_to_memory(sheet)
    pieces = []
    for block in job.blocks:
        write_rows(sheet, block.rows, job.formats, job.bold_formats, block.bold_rows,
                   block.first_row, job.heights)
        pieces.append(deflate(take_rows(sheet).encode("utf-8")))
    if links_recorded(sheet):  # kept in this throwaway sheet, they would be lost
        raise RuntimeError("a link in rows rendered as blocks: ColumnRows(linked=…) must "
                           "name its column")
    return pieces


class BlockStore:
    """This run's compressed blocks, in a pack file on disk; and the last run's, to reuse.

    With a `folder` (the read cache's), the pack and its index are kept there when the workbook
    is written (`commit`) and looked up by the next run; the previous ones are replaced, so the
    folder holds one run's worth. A pack or index that is missing, damaged, foreign or from
    another version is ignored: the blocks are rendered again. Without a folder the pack is a
    temporary file in `scratch`, removed at the end.
    """

    PACK = "rows.pack"
    INDEX = "rows.index"

    def __init__(self, folder: Path | None, scratch: Path) -> None:
        self.folder = folder
        self.fingerprint = fingerprint()
        self._old: dict[str, StoredBlock] = {}
        self._old_pack: io.BufferedReader | None = None
        if folder is not None:
            self._open_previous(folder)
        target = folder if folder is not None else scratch
        target.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".dhtt-{os.getpid()}-rows-", suffix=".tmp",
                                      dir=target)
        self._path = Path(name)
        self._pack = os.fdopen(handle, "w+b")
        self._id = secrets.token_bytes(16)
        self._pack.write(self._id)
        self._end = len(self._id)
        self._blocks: dict[str, StoredBlock] = {}

    def __enter__(self) -> BlockStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def reuse(self, key: str) -> StoredBlock | None:
        """The block with this key, from this run or (copied into this run's pack) the last."""
        if key in self._blocks:
            return self._blocks[key]
        old = self._old.get(key)
        if old is None or self._old_pack is None:
            return None
        self._old_pack.seek(old.offset)
        data = self._old_pack.read(old.size)
        if len(data) != old.size or _digest(data) != old.check:
            return None
        return self.add(key, Piece(data, old.crc, old.length))

    def add(self, key: str, piece: Piece) -> StoredBlock:
        """Append a compressed block to this run's pack."""
        self._pack.seek(self._end)
        self._pack.write(piece.data)
        block = StoredBlock(self._end, piece.size, piece.crc, piece.length,
                            _digest(piece.data))
        self._end += piece.size
        self._blocks[key] = block
        return block

    def read(self, block: StoredBlock) -> bytes:
        """A block's compressed bytes, from this run's pack."""
        self._pack.seek(block.offset)
        return self._pack.read(block.size)

    def commit(self) -> None:
        """Keep this run's pack and index for the next run (if there is a folder), in place of
        the last run's; a failure only costs the next run some time. The store is closed."""
        self.close(keep=self.folder is not None)

    def close(self, keep: bool = False) -> None:
        """Close the packs (a file cannot be renamed or replaced while open on Windows); keep
        this run's in the folder, or remove it."""
        self._pack.close()
        if self._old_pack is not None:
            self._old_pack.close()
        if keep and self.folder is not None:
            pack, index = self.folder / self.PACK, self.folder / self.INDEX
            try:
                if self._blocks:
                    index_temp = self._path.with_suffix(".index.tmp")
                    body = orjson.dumps({
                        "fingerprint": self.fingerprint, "pack": self._id.hex(),
                        "blocks": {key: [block.offset, block.size, block.crc, block.length,
                                         block.check] for key, block in self._blocks.items()}})
                    index_temp.write_bytes(sign(body) + body)
                    os.replace(self._path, pack)
                    os.replace(index_temp, index)
                else:  # nothing large this time: keep nothing
                    pack.unlink(missing_ok=True)
                    index.unlink(missing_ok=True)
            except OSError:
                pass
        self._path.unlink(missing_ok=True)

    def _open_previous(self, folder: Path) -> None:
        """The last run's index and pack, when the index is plain data signed with the user's
        key (`ingest.signing`: the folder is anyone's who can write to the output folder) for
        this fingerprint, and the pack is the one it indexes; each block is checked again
        against its digest when reused."""
        try:
            if (folder / self.INDEX).stat().st_size > 256 * 1024 * 1024:  # not one a run wrote
                return
            data = (folder / self.INDEX).read_bytes()
            signature, body = data[:SIGNATURE_BYTES], data[SIGNATURE_BYTES:]
            if not verified(signature, body):
                return
            index = orjson.loads(body)
            blocks = {key: StoredBlock(int(entry[0]), int(entry[1]), int(entry[2]),
                                       int(entry[3]), str(entry[4]))
                      for key, entry in index["blocks"].items()}
            if index["fingerprint"] != self.fingerprint:
                return
            pack = (folder / self.PACK).open("rb")
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            return  # none yet, unreadable or foreign: render everything
        if pack.read(16).hex() != index.get("pack"):
            pack.close()
            return
        self._old = blocks
        self._old_pack = pack


class BlockWriter:
    """Writes the rows of large sheets as blocks (see the module) and gives `xlsx_zip.package`
    each sheet's placeholder and blocks.

    `write` renders this process's share at once and queues the rest with the helper; `finish`
    (after every sheet, before the workbook is closed) waits for the helper's blocks, or renders
    them here if the helper could not start or died.
    """

    def __init__(self, helper: WriteHelper, store: BlockStore) -> None:
        self._helper = helper
        self._store = store
        self._nonce = secrets.token_hex(8)
        self._sheets: dict[bytes, list[StoredBlock | None]] = {}
        self._pending: list[tuple[list[StoredBlock | None], list[int], BlockJob,
                                  Future[list[Piece]]]] = []

    def takes(self, sheet: Worksheet, rows: Sequence[Sequence[Any]], first_row: int = 1) -> bool:
        """Whether these rows are many enough for blocks, and the sheet can take them."""
        return in_blocks(len(rows)) and streams_rows(sheet, first_row, first_row + len(rows))

    def write(self, sheet: Worksheet, rows: Sequence[Sequence[Any]], formats: Sequence[Format],
              bold_formats: Sequence[Format], bold_rows: Collection[int],
              first_row: int = 1, heights: Heights | None = None) -> None:
        """Write `rows` from sheet row `first_row` down (`bold_rows` are indices into `rows`;
        `heights` as `rows.write_rows` takes it): reused, rendered here or queued with the
        helper, and a placeholder in the sheet."""
        linked = _links_apart(sheet, rows, first_row)
        if linked is None:  # more links than the sheet takes: as xlsxwriter leaves them out
            write_rows(sheet, rows, formats, bold_formats, bold_rows, first_row, heights)
            return
        rows = linked
        fix_format_indices(*formats, *bold_formats)
        context = self._context(formats, bold_formats, heights)
        blocks: list[Block] = []
        for start in range(0, len(rows), BLOCK_ROWS):
            chunk = rows[start:start + BLOCK_ROWS]
            bold = frozenset(index - start for index in bold_rows
                             if start <= index < start + len(chunk))
            blocks.append(Block(first_row + start, chunk, bold,
                                block_key(context, first_row + start, chunk, bold)))
        slots: list[StoredBlock | None] = [self._store.reuse(block.key) for block in blocks]
        missing = [index for index, slot in enumerate(slots) if slot is None]
        missing_rows = sum(len(blocks[index].rows) for index in missing)
        theirs = int(len(missing) * HELPER_SHARE) \
            if self._helper.enabled and missing_rows >= SPLIT_FROM else 0
        mine, helpers = missing[:len(missing) - theirs], missing[len(missing) - theirs:]
        per_job = max(1, JOB_ROWS // BLOCK_ROWS)
        for start in range(0, len(helpers), per_job):
            group = helpers[start:start + per_job]
            job = self._job(blocks, group, formats, bold_formats, heights)
            self._pending.append((slots, group, job, self._helper.submit(render_blocks, job)))
        if mine:
            job = self._job(blocks, mine, formats, bold_formats, heights)
            self._fill(slots, mine, job.blocks, render_blocks(job))
        placeholder = f'<dhtt-rows id="{self._nonce}-{len(self._sheets)}"/>'
        flush_rows(sheet, first_row)  # xlsxwriter's last row (the header) goes out first
        append_rows_xml(sheet, placeholder)
        record_written(sheet, first_row, len(rows), used_extent(rows))
        self._sheets[placeholder.encode("utf-8")] = slots

    def finish(self) -> None:
        """Wait for the helper's blocks; render here those it could not."""
        while self._pending:
            slots, group, job, future = self._pending.pop(0)
            try:
                pieces = future.result()
            except BrokenProcessPool:  # the helper could not start or died
                pieces = render_blocks(job)
            self._fill(slots, group, job.blocks, pieces)

    def placed(self) -> dict[bytes, list[StoredBlock]]:
        """Each placeholder and its blocks in order, for `xlsx_zip.package`."""
        placed = {placeholder: [block for block in slots if block is not None]
                  for placeholder, slots in self._sheets.items()}
        if self._pending or any(len(placed[key]) != len(slots)
                                for key, slots in self._sheets.items()):
            raise RuntimeError("blocks not rendered yet: finish() first")
        return placed

    def _context(self, formats: Sequence[Format], bold_formats: Sequence[Format],
                 heights: Heights | None = None) -> bytes:
        """What every block of a sheet depends on besides its rows (the row heights are a
        function of the rows and the wrapped columns' widths, which `heights` shows)."""
        styles = [style_index(fmt) for fmt in formats]
        bold = [style_index(fmt) for fmt in bold_formats]
        return f"{self._store.fingerprint}|{styles}|{bold}|{heights!r}".encode()

    def _job(self, blocks: Sequence[Block], indices: Sequence[int], formats: Sequence[Format],
             bold_formats: Sequence[Format], heights: Heights | None = None) -> BlockJob:
        return BlockJob(tuple(blocks[index] for index in indices), tuple(formats),
                        tuple(bold_formats), heights)

    def _fill(self, slots: list[StoredBlock | None], indices: Sequence[int],
              blocks: Sequence[Block], pieces: Sequence[Piece]) -> None:
        for index, block, piece in zip(indices, blocks, pieces, strict=True):
            slots[index] = self._store.add(block.key, piece)


def _links_apart(sheet: Worksheet, rows: Sequence[Sequence[Any]],
                 first_row: int) -> Sequence[Sequence[Any]] | None:
    """The rows with each link (`cells.Link`) as its text, the links recorded in `sheet` as
    `rows.write_rows` records them: a block rendered in another process holds the link's text,
    and the sheet's table of links, written when the workbook is closed, its place. None when
    the sheet has no room for them all (`write_rows` then decides which it keeps)."""
    if isinstance(rows, ColumnRows):  # only the columns said to hold links are searched
        parts = {position: rows.column_slice(position) for position in sorted(rows.linked)}
        linked = [position for position, column in parts.items()
                  if Link in set(map(type, column))]
        if not linked:
            return rows
        found = [(index, position, value) for position in linked
                 for index, value in enumerate(parts[position]) if type(value) is Link]
    else:
        found = [(index, position, value) for index, values in enumerate(rows)
                 for position, value in enumerate(values) if type(value) is Link]
        if not found:
            return rows
    if not room_for_links(sheet, len(found)):
        return None
    add_internal_links(sheet, ((first_row + index, position, link.target, link.text)
                               for index, position, link in found))
    if isinstance(rows, ColumnRows):
        columns = rows.column_slices()
        for position in linked:
            columns[position] = [value.text if type(value) is Link else value
                                 for value in parts[position]]
        return ColumnRows(columns)
    return [[value.text if type(value) is Link else value for value in values]
            for values in rows]


def block_key(context: bytes, first_row: int, rows: Sequence[Sequence[Any]],
              bold_rows: frozenset[int]) -> str:
    """A hash of everything a block's XML is made of.

    Each value is hashed with its type (1, 1.0, '1' and True differ) and by value only: not
    by which objects happen to be shared, as a pickle would, since a re-run's values come from
    the read cache and the last run's from parsing. `ColumnRows` are hashed column by column
    in marshal's version-2 format (no references, types kept, 3 times faster than `repr`),
    with missing values as None (both are a blank cell); other rows, and a column marshal
    cannot take, by `repr`."""
    digest = hashlib.blake2b(context, digest_size=20)
    digest.update(repr((first_row, sorted(bold_rows))).encode())
    if isinstance(rows, ColumnRows):
        for column in rows.column_slices():
            _hash_column(digest, column)
    else:
        digest.update(b"r" + repr(rows).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _hash_column(digest: Any, column: list[Any]) -> None:
    """Add one column's bytes, led by their length, so that where a column ends counts."""
    try:
        data = b"m" + marshal.dumps(column, 2)
    except ValueError:  # a value marshal does not know (a date, pd.NA)
        try:
            data = b"m" + marshal.dumps([None if value is pd.NA else value for value in column],
                                        2)
        except ValueError:
            data = b"r" + repr(column).encode("utf-8", "surrogatepass")
    digest.update(len(data).to_bytes(8, "little") + data)


def _digest(data: bytes) -> str:
    """What a stored block's compressed bytes must hash to for it to be reused: a digest in the
    signed index, so a pack edited in place (Adler-32 can be made to match) is not."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def fingerprint() -> str:
    """The program, library and compression versions a block's bytes depend on."""
    import xlsxwriter

    return f"{_FORMAT}|{__version__}|{xlsxwriter.__version__}|{COMPRESSOR}"

