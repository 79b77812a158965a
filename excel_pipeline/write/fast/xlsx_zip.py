"""The xlsx package: xlsxwriter's own, with the rows of large sheets put in compressed ahead.

An xlsx file is a zip of XML parts. xlsxwriter compresses each part as one stream, on one core,
when the workbook is closed; for a province that is seconds spent on a single sheet part of
hundreds of megabytes. So the rows of large sheets are compressed in blocks by whichever process
renders them, and a re-run reuses the blocks whose rows did not change (`row_blocks`).
xlsxwriter writes those sheets with a short placeholder where their rows go; this module copies
its package into the real file, every part as it was compressed, except that each placeholder
is replaced by its blocks.

That works because deflate data that ends with a sync flush may be followed by more deflate
data: pieces compressed independently, each but the last ending in a sync flush, together make
one valid stream (what pigz does). The part's CRC-32 is combined from the pieces' own, so a
block is never decompressed or read twice. The zip is written here (APPNOTE 6.3, with Zip64
where sizes or offsets need it) because `zipfile` cannot take data that is already compressed.
"""

from __future__ import annotations

import functools
import itertools
import struct
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

from zlib_ng import zlib_ng

# zlib-ng at level 5 compresses a province's sheets as small as zlib at its default level 6,
# as zipfile does (0.0928 of their size against 0.0926), in half the time (measured on the
# 171 MB of row XML of a 1,000-unit inbox): compression is the largest share of writing the
# row sheets. Its output is deflate data like zlib's, read by anything that reads zip files.
LEVEL = 5
COMPRESSOR = f"zlib-ng {zlib_ng.ZLIBNG_VERSION} level {LEVEL}"
# Sizes and offsets from here on are written as Zip64, as zipfile does (some readers read the
# 32-bit fields as signed).
ZIP64_FROM = (1 << 31) - 1
_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL = struct.Struct("<4sBBHHHHHIIIHHHHHII")
_END = struct.Struct("<4sHHHHIIH")
_END64 = struct.Struct("<4sQHHIIQQQQ")
_LOCATOR = struct.Struct("<4sIQI")


class Compressed(Protocol):
    """A piece of raw deflate data ending in a sync flush, and what it decompresses to."""

    @property
    def crc(self) -> int: ...
    @property
    def length(self) -> int: ...  # decompressed bytes
    @property
    def size(self) -> int: ...  # compressed bytes


# Whatever kind of piece the caller holds: `read` is handed back the caller's own pieces.
_Piece = TypeVar("_Piece", bound=Compressed)


@dataclass(frozen=True)
class Piece:
    """Deflate data held in memory."""

    data: bytes
    crc: int
    length: int

    @property
    def size(self) -> int:
        return len(self.data)


def deflate(data: bytes, final: bool = False) -> Piece:
    """Compress `data` on its own; unless `final`, ending in a sync flush so more may follow."""
    compressor = zlib_ng.compressobj(LEVEL, zlib_ng.DEFLATED, -zlib_ng.MAX_WBITS)
    body = compressor.compress(data) + compressor.flush(zlib_ng.Z_FINISH if final
                                                         else zlib_ng.Z_SYNC_FLUSH)
    return Piece(body, zlib_ng.crc32(data), len(data))


def crc32_combine(first: int, second: int, second_length: int) -> int:
    """The CRC-32 of A followed by B, from crc(A), crc(B) and len(B), as zlib's crc32_combine:
    crc(A + B) = M(crc(A)) xor crc(B), where M advances a CRC over len(B) zero bytes; M is a
    product of precomputed operators for powers of two."""
    if second_length == 0:
        return first
    value, power = first, 0
    while second_length:
        if second_length & 1:
            value = _apply(_zeros_operator(power), value)
        second_length >>= 1
        power += 1
    return value ^ second


def _apply(operator: tuple[int, ...], vector: int) -> int:
    result, bit = 0, 0
    while vector:
        if vector & 1:
            result ^= operator[bit]
        vector >>= 1
        bit += 1
    return result


@functools.cache
def _zeros_operator(power: int) -> tuple[int, ...]:
    """The operator that advances a CRC over 2**power zero bytes, as the images of the 32 bits."""
    if power == 0:  # one zero byte: eight steps of one zero bit
        one_bit = [0xEDB88320] + [1 << (bit - 1) for bit in range(1, 32)]
        operator = tuple(one_bit)
        for _ in range(3):  # 1 -> 2 -> 4 -> 8 bits
            operator = tuple(_apply(operator, column) for column in operator)
        return operator
    half = _zeros_operator(power - 1)
    return tuple(_apply(half, column) for column in half)


def package(source: Path, target: Path, rows: Mapping[bytes, Sequence[_Piece]],
            read: Callable[[_Piece], bytes], zip64_from: int = ZIP64_FROM) -> None:
    """Copy the xlsx `source` to `target`; in each sheet part holding a placeholder of `rows`,
    the placeholder becomes that placeholder's pieces (read with `read`), in order.

    Every other part is copied as it was compressed. Every placeholder must be found once."""
    pending = dict(rows)
    with zipfile.ZipFile(source) as archive, source.open("rb") as raw, \
            target.open("wb") as out:
        writer = _ZipWriter(out, zip64_from)
        for info in archive.infolist():
            text = archive.read(info) if pending and info.filename.startswith(
                "xl/worksheets/sheet") else b""
            placeholder = next((key for key in pending if key in text), None)
            if placeholder is None:
                writer.add(info, _raw_data(raw, info), info.CRC, info.file_size,
                           info.compress_size)
                continue
            before, after = text.split(placeholder)
            pieces = pending.pop(placeholder)
            head, tail = deflate(before), deflate(after, final=True)
            crc, length, size = head.crc, head.length, head.size + tail.size
            following: list[Compressed] = [*pieces, tail]
            for piece in following:
                crc = crc32_combine(crc, piece.crc, piece.length)
                length += piece.length
            size += sum(piece.size for piece in pieces)
            # read one block at a time: the pieces of a large sheet need not fit in memory
            data = itertools.chain([head.data], map(read, pieces), [tail.data])
            writer.add(info, data, crc, length, size, zipfile.ZIP_DEFLATED)
        writer.finish()
    if pending:
        raise RuntimeError(f"rows without a place in the workbook: {sorted(pending)}")


def _raw_data(raw: BinaryIO, info: zipfile.ZipInfo) -> Iterable[bytes]:
    """A part's data as stored (compressed), read past its local header."""
    raw.seek(info.header_offset)
    header = raw.read(_LOCAL.size)
    name_length, extra_length = _LOCAL.unpack(header)[-2:]
    raw.seek(name_length + extra_length, 1)
    left = info.compress_size
    while left:
        chunk = raw.read(min(left, 1 << 20))
        if not chunk:
            raise zipfile.BadZipFile(f"{info.filename}: truncated")
        left -= len(chunk)
        yield chunk


class _ZipWriter:
    """Writes parts whose CRC and sizes are known before their data, then the directory."""

    def __init__(self, out: BinaryIO, zip64_from: int) -> None:
        self.out = out
        self.zip64_from = zip64_from
        self.directory: list[bytes] = []

    def add(self, info: zipfile.ZipInfo, data: Iterable[bytes], crc: int, length: int,
            size: int, method: int | None = None) -> None:
        """A part named and dated as `info`, its `data` stored as compressed with `method`
        (by default, as `info` says)."""
        offset = self.out.tell()
        name = info.filename.encode("utf-8")
        flags = 0x800 if not info.filename.isascii() else 0
        time, date = _dos_time(info.date_time)
        sizes64 = length >= self.zip64_from or size >= self.zip64_from
        extra = struct.pack("<HHQQ", 1, 16, length, size) if sizes64 else b""
        version = 45 if sizes64 or offset >= self.zip64_from else 20
        method = info.compress_type if method is None else method
        size32, length32 = (0xFFFFFFFF, 0xFFFFFFFF) if sizes64 else (size, length)
        self.out.write(_LOCAL.pack(b"PK\x03\x04", version, flags, method, time, date, crc,
                                   size32, length32, len(name), len(extra)))
        self.out.write(name + extra)
        written = 0
        for chunk in data:
            self.out.write(chunk)
            written += len(chunk)
        if written != size:
            raise RuntimeError(f"{info.filename}: {written} bytes written, {size} announced")
        fields = [value for value, big in ((length, sizes64), (size, sizes64),
                                           (offset, offset >= self.zip64_from)) if big]
        central_extra = struct.pack(f"<HH{len(fields)}Q", 1, 8 * len(fields), *fields) \
            if fields else b""
        self.directory.append(_CENTRAL.pack(
            b"PK\x01\x02", version, 3, version, flags, method, time, date, crc,
            size32, length32, len(name),
            len(central_extra), 0, 0, 0, info.external_attr,
            0xFFFFFFFF if offset >= self.zip64_from else offset) + name + central_extra)

    def finish(self) -> None:
        start = self.out.tell()
        for entry in self.directory:
            self.out.write(entry)
        end = self.out.tell()
        count, length = len(self.directory), end - start
        if count >= 0xFFFF or length >= self.zip64_from or start >= self.zip64_from:
            self.out.write(_END64.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, length,
                                       start))
            self.out.write(_LOCATOR.pack(b"PK\x06\x07", 0, end, 1))
        self.out.write(_END.pack(b"PK\x05\x06", 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                                 min(length, 0xFFFFFFFF), min(start, 0xFFFFFFFF), 0))


def _dos_time(stamp: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = stamp
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day
