"""A zip container (DOCX, ODT) read within fixed bounds, before anything in it is trusted.

A zip's headers are the sender's word: a 2.6 KB file can declare, or hide, gigabytes. So the
central directory is walked by hand, entry by entry, and refused at the first bound it crosses
(member count, declared size per member and in total, compression ratio, method, encryption,
odd or duplicate names, nested archives, overlapping members) without building an object per
entry; only then may a caller read a member, and that read streams through a fixed output
bound whatever the headers claim, then checks the bytes against the declared size and CRC.
Nothing here ever opens a member inside a member: nesting is one level by construction.

The stdlib's zipfile is not used: it builds every entry of a 100,000-member directory before
one can be counted, and it inflates bzip2 and LZMA members a whole input chunk at a time.
"""

from __future__ import annotations

import struct
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

STORED, DEFLATED = 0, 8
CHUNK = 64 * 1024
"""Compressed bytes fed to the inflater at once; output per step is bounded separately."""

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # central directory file header
_LOCAL = struct.Struct("<4s5H3L2H")  # local file header
_EOCD_SIG, _CENTRAL_SIG, _LOCAL_SIG = b"PK\x05\x06", b"PK\x01\x02", b"PK\x03\x04"
_ZIP64_LOCATOR_SIG = b"PK\x06\x07"
_ENCRYPTED, _DESCRIPTOR, _UTF8, _STRONG_ENCRYPTION = 0x1, 0x8, 0x800, 0x40
_ZIP64_MARK = 0xFFFFFFFF
_DESCRIPTOR_MAX = 24  # signature, CRC and two sizes (eight bytes each in ZIP64)
_ARCHIVES = "zip jar war ear apk 7z rar gz tgz bz2 tbz xz txz lz lzma zst z tar cab arj"
ARCHIVE_EXTENSIONS = frozenset(_ARCHIVES.split())
"""Members that are archives themselves: a document has no use for one, and one is how a
nested bomb hides. (Embedded Office files, such as a chart's .xlsx, are opaque members here:
counted, bounded and never opened.)"""


class ContainerRefused(ValueError):
    """A container outside the bounds or malformed; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Bounds:
    """Fixed limits on a container; the defaults suit office documents of up to 10 MB."""

    members: int = 2000
    member_size: int = 128 * 1024 * 1024  # declared uncompressed bytes, per member
    total_size: int = 256 * 1024 * 1024  # declared uncompressed bytes, all members
    ratio: int = 200  # uncompressed / compressed, for members (and totals) over ratio_floor
    ratio_floor: int = 1024 * 1024
    name_length: int = 512


DEFAULT_BOUNDS = Bounds()


@dataclass(frozen=True)
class Member:
    """One central directory entry, checked against the bounds (sizes are still claims)."""

    name: str
    method: int
    flags: int
    crc: int
    compressed: int
    size: int
    offset: int
    raw_name: bytes


def folded(name: str) -> str:
    """A name as a reader that ignores case and Unicode form sees it (OOXML part names do)."""
    return unicodedata.normalize("NFC", name).casefold()


def extension(name: str) -> str:
    last = name.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].casefold() if "." in last else ""


class Container:
    """A zip in memory whose directory has passed the bounds; members are read on request."""

    def __init__(self, data: bytes, bounds: Bounds = DEFAULT_BOUNDS) -> None:
        self._data = memoryview(data)
        self.bounds = bounds
        self.members = _directory(self._data, bounds)
        self._by_folded = {folded(m.name): m for m in self.members}

    def find(self, name: str) -> Member | None:
        """The member of that name, compared as OOXML readers compare (case-insensitively)."""
        return self._by_folded.get(folded(name))

    def read(self, member: Member, limit: int) -> bytes:
        """The member's bytes, refused past `limit` bytes of output, whatever it declares."""
        return b"".join(self.stream(member, limit))

    def stream(self, member: Member, limit: int) -> Iterator[bytes]:
        """The member's bytes in pieces of at most CHUNK, inflated step by step, so reading
        stops at `limit` however far the data would expand; then the declared size and the
        CRC are checked, so a header that lied is refused too."""
        start = _data_start(self._data, member)
        raw = self._data[start : start + member.compressed]
        if len(raw) != member.compressed:
            raise ContainerRefused("tệp nén bị cắt cụt hoặc hỏng")
        produced, crc = 0, 0
        for piece in _inflate(raw, member.method, limit):
            produced += len(piece)
            if produced > limit:
                raise ContainerRefused(
                    f"thành phần “{_shown(member.name)}” lớn hơn mức cho phép khi giải nén"
                )
            crc = zlib.crc32(piece, crc)
            yield piece
        if produced != member.size or crc != member.crc:
            raise ContainerRefused(
                f"thành phần “{_shown(member.name)}” không khớp với khai báo của tệp nén "
                "(kích thước hoặc mã kiểm tra): tệp hỏng hoặc bị sửa"
            )


def _inflate(raw: memoryview, method: int, limit: int) -> Iterator[bytes]:
    """Output pieces of at most CHUNK bytes; at most limit + 1 bytes in all."""
    if method == STORED:
        for at in range(0, min(len(raw), limit + 1), CHUNK):
            yield bytes(raw[at : min(at + CHUNK, limit + 1)])
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced, at, pending = 0, 0, b""
    try:
        while produced <= limit and not inflater.eof:
            if not pending and at < len(raw):
                pending, at = bytes(raw[at : at + CHUNK]), at + CHUNK
            # max_length is never 0 here (0 would mean "no limit")
            piece = inflater.decompress(pending, min(CHUNK, limit + 1 - produced))
            pending = inflater.unconsumed_tail
            if not piece and not pending and at >= len(raw):
                break
            produced += len(piece)
            if piece:
                yield piece
    except zlib.error as error:
        raise ContainerRefused("tệp nén hỏng: một thành phần không giải nén được") from error
    if produced <= limit and not inflater.eof:
        raise ContainerRefused("tệp nén hỏng: một thành phần bị cắt cụt")


def _directory(data: memoryview, bounds: Bounds) -> list[Member]:
    """The central directory's entries, each checked as soon as it is read."""
    count, cd_size, cd_offset = _end_record(data)
    if count > bounds.members:
        raise ContainerRefused(_too_many(bounds))
    members: list[Member] = []
    seen: set[str] = set()
    total = total_compressed = 0
    at, end = cd_offset, cd_offset + cd_size
    while at < end:
        if len(members) >= bounds.members:
            raise ContainerRefused(_too_many(bounds))
        member, at = _entry(data, at, end)
        _check_member(member, bounds)
        key = folded(member.name).rstrip("/")
        if key in seen:
            raise ContainerRefused(
                f"tệp nén có hai thành phần cùng tên “{_shown(member.name)}”: không nhận"
            )
        seen.add(key)
        total += member.size
        total_compressed += member.compressed
        if total > bounds.total_size:
            raise ContainerRefused(
                "tệp nén khai báo dung lượng giải nén quá lớn "
                f"(hơn {bounds.total_size // (1024 * 1024)} MB)"
            )
        members.append(member)
    if at != end or len(members) != count:
        raise ContainerRefused("tệp nén hỏng: mục lục không khớp với số thành phần")
    if total > bounds.ratio_floor and total > bounds.ratio * max(total_compressed, 1):
        raise ContainerRefused(_ratio_text(bounds))
    _check_layout(data, members, cd_offset)
    return members


def _end_record(data: memoryview) -> tuple[int, int, int]:
    """(entries, central directory size, its offset) from the end record, which must close the
    file exactly: nothing appended, no ZIP64, one disk, the directory right before it."""
    tail_start = max(0, len(data) - _EOCD.size - 0xFFFF)
    at = bytes(data[tail_start:]).rfind(_EOCD_SIG)
    if at < 0:
        raise ContainerRefused("tệp bị hỏng hoặc không đọc được")
    at += tail_start
    if at + _EOCD.size > len(data):
        raise ContainerRefused("tệp bị hỏng hoặc không đọc được")
    _, disk, cd_disk, here, count, cd_size, cd_offset, comment = _EOCD.unpack_from(data, at)
    if at + _EOCD.size + comment != len(data):
        raise ContainerRefused("tệp nén có dữ liệu lạ sau phần kết thúc: không nhận")
    if disk or cd_disk or here != count:
        raise ContainerRefused("tệp nén chia nhiều phần: không nhận")
    zip64 = at >= 20 and bytes(data[at - 20 : at - 16]) == _ZIP64_LOCATOR_SIG
    if zip64 or _ZIP64_MARK in (cd_size, cd_offset) or count == 0xFFFF:
        raise ContainerRefused("tệp nén dạng ZIP64 không được nhận")
    if cd_offset + cd_size != at:
        raise ContainerRefused("tệp nén hỏng: mục lục không nằm đúng chỗ")
    return count, cd_size, cd_offset


def _entry(data: memoryview, at: int, end: int) -> tuple[Member, int]:
    if at + _CENTRAL.size > end:
        raise ContainerRefused("tệp nén hỏng: mục lục bị cắt cụt")
    fields = _CENTRAL.unpack_from(data, at)
    signature, flags, method = fields[0], fields[3], fields[4]
    crc, compressed, size, name_length, extra_length, comment_length = fields[7:13]
    offset = fields[16]
    if signature != _CENTRAL_SIG:
        raise ContainerRefused("tệp nén hỏng: mục lục không đọc được")
    name_start = at + _CENTRAL.size
    following = name_start + name_length + extra_length + comment_length
    if following > end:
        raise ContainerRefused("tệp nén hỏng: mục lục bị cắt cụt")
    raw_name = bytes(data[name_start : name_start + name_length])
    name = raw_name.decode("utf-8" if flags & _UTF8 else "cp437", errors="replace")
    member = Member(name, method, flags, crc, compressed, size, offset, raw_name)
    return member, following


def _check_member(member: Member, bounds: Bounds) -> None:
    shown = _shown(member.name)
    _check_name(member.name, bounds)
    if member.flags & (_ENCRYPTED | _STRONG_ENCRYPTION):
        raise ContainerRefused(f"thành phần “{shown}” được mã hoá (đặt mật khẩu): không nhận")
    if member.method not in (STORED, DEFLATED):
        raise ContainerRefused(
            f"thành phần “{shown}” nén theo kiểu không được nhận (chỉ nhận nén thường "
            "Deflate hoặc không nén; không nhận bzip2, LZMA…)"
        )
    if _ZIP64_MARK in (member.size, member.compressed, member.offset):
        raise ContainerRefused("tệp nén dạng ZIP64 không được nhận")
    if member.method == STORED and member.size != member.compressed:
        raise ContainerRefused(f"thành phần “{shown}” khai báo kích thước không khớp")
    if member.size > bounds.member_size:
        raise ContainerRefused(
            f"thành phần “{shown}” khai báo dung lượng giải nén quá lớn "
            f"(hơn {bounds.member_size // (1024 * 1024)} MB)"
        )
    if member.size > bounds.ratio_floor and member.size > bounds.ratio * max(member.compressed, 1):
        raise ContainerRefused(_ratio_text(bounds))
    if extension(member.name) in ARCHIVE_EXTENSIONS:
        raise ContainerRefused(f"tệp nén lồng trong tệp nén (“{shown}”): không nhận")


def _check_name(name: str, bounds: Bounds) -> None:
    """No absolute paths, climbing, backslashes, drive letters or control characters: names
    that unpack outside a folder, or that two tools would read as two different parts."""
    parts = name.rstrip("/").split("/")
    odd = (
        not name
        or len(name) > bounds.name_length
        or name.startswith("/")
        or "\\" in name
        or "\ufffd" in name
        or any(part in ("", ".", "..") for part in parts)
        or (len(parts[0]) >= 2 and parts[0][1] == ":")
        or any(unicodedata.category(c)[0] == "C" for c in name)
    )
    if odd:
        raise ContainerRefused(f"tệp nén có thành phần mang tên bất thường (“{_shown(name)}”)")


def _check_layout(data: memoryview, members: list[Member], cd_offset: int) -> None:
    """Each member's local header agrees with the directory, the first starts the file, and no
    two members share bytes (the overlapping layout of the densest zip bombs)."""
    ordered = sorted(members, key=lambda m: m.offset)
    if ordered and ordered[0].offset != 0:
        raise ContainerRefused("tệp nén có dữ liệu lạ trước thành phần đầu tiên: không nhận")
    for member, following in zip(ordered, [*ordered[1:], None], strict=True):
        end = _data_start(data, member) + member.compressed
        limit = cd_offset if following is None else following.offset
        if member.flags & _DESCRIPTOR:
            end = min(end + _DESCRIPTOR_MAX, limit)  # the descriptor's exact size varies
        if end > limit:
            raise ContainerRefused("tệp nén hỏng: các thành phần chồng lên nhau")


def _data_start(data: memoryview, member: Member) -> int:
    at = member.offset
    if at + _LOCAL.size > len(data):
        raise ContainerRefused("tệp nén hỏng: thiếu phần đầu của một thành phần")
    signature, _, flags, method, *_, name_length, extra_length = _LOCAL.unpack_from(data, at)
    name_start = at + _LOCAL.size
    local_name = bytes(data[name_start : name_start + name_length])
    agrees = (
        signature == _LOCAL_SIG
        and method == member.method
        and (flags & _ENCRYPTED) == (member.flags & _ENCRYPTED)
        and local_name == member.raw_name
    )
    if not agrees:
        raise ContainerRefused(
            f"tệp nén hỏng: thành phần “{_shown(member.name)}” không khớp với mục lục"
        )
    return int(name_start + name_length + extra_length)


def _too_many(bounds: Bounds) -> str:
    return f"tệp nén có quá nhiều thành phần (tối đa {bounds.members})"


def _ratio_text(bounds: Bounds) -> str:
    return (
        f"tệp nén có tỉ lệ nén bất thường (hơn {bounds.ratio} lần): "
        "có thể là tệp “bom nén”, không nhận"
    )


def _shown(name: str) -> str:
    """A member's name as a message may quote it: printable and short."""
    clean = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    return clean if len(clean) <= 60 else clean[:57] + "…"
