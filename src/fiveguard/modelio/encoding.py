"""Text that is not UTF-8: where its first bad byte is, and what the file probably is.

fiveguard reads UTF-8 only. A file saved by a spreadsheet program or an older editor in
much of Europe is often Windows-1252 (a superset of Latin-1), where ``é`` is the single
byte 0xE9; Excel's "Unicode text" is UTF-16. The message says which, and how to save the
file as UTF-8, at the line and column of the first byte that is not UTF-8.
"""

from __future__ import annotations

from typing import BinaryIO

NOT_UTF8 = "not valid UTF-8 text (expected a UTF-8 encoded file)"
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
_CHUNK = 1 << 20
_LONGEST_SEQUENCE = 4
"""Bytes in the longest UTF-8 sequence: an incomplete one at the end of a chunk is kept
for the next."""


def not_utf8_message(raw: bytes, start: int) -> str:
    """The message for ``raw`` (a file's bytes from its start), whose byte at ``start``
    begins no valid UTF-8 sequence."""
    return _message(raw[start] if start < len(raw) else None, raw.startswith(_UTF16_MARKS))


def _message(byte: int | None, utf16: bool) -> str:
    if utf16:
        return (
            f"{NOT_UTF8}: it is UTF-16 text; save it as UTF-8 instead (in a spreadsheet "
            "program: 'CSV UTF-8')"
        )
    if byte is None:
        return NOT_UTF8
    try:
        char = bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        char = ""
    if not (char.isprintable() and char.strip()):
        return f"{NOT_UTF8}: byte 0x{byte:02X}"
    return (
        f"{NOT_UTF8}: byte 0x{byte:02X} is {char!r} in Windows-1252 (Latin-1), so the file "
        "was probably saved in that encoding; save it as UTF-8 ('CSV UTF-8' in a "
        "spreadsheet program) or convert it, e.g. iconv -f WINDOWS-1252 -t UTF-8"
    )


def position(raw: bytes, start: int) -> tuple[int, int]:
    """Line and column (in characters) of byte ``start`` of ``raw``, valid UTF-8 before it."""
    line = raw.count(b"\n", 0, start) + 1
    line_start = raw.rfind(b"\n", 0, start) + 1
    return line, len(raw[line_start:start].decode("utf-8", "replace")) + 1


def first_bad_utf8(stream: BinaryIO) -> tuple[int, int, str] | None:
    """Line, column and message of the first byte of ``stream`` that is not UTF-8, read
    in chunks (memory stays small); None when it is all UTF-8."""
    line, col = 1, 0  # characters read on the current line
    carry = b""
    first = True
    utf16 = False
    while True:
        chunk = stream.read(max(_CHUNK, _LONGEST_SEQUENCE) if first else _CHUNK)
        data = carry + chunk
        if not data:
            return None
        if first:
            utf16 = data.startswith(_UTF16_MARKS)
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]  # the byte-order mark is not text
        try:
            data.decode("utf-8")
            good, carry = data, b""
        except UnicodeDecodeError as exc:
            incomplete = exc.end == len(data) and len(data) - exc.start < _LONGEST_SEQUENCE
            if not (incomplete and chunk):
                at_line, at_col = position(data, exc.start)
                column = at_col + (col if at_line == 1 else 0)
                return line + at_line - 1, column, _message(data[exc.start], utf16)
            good, carry = data[: exc.start], data[exc.start :]
        first = False
        newlines = good.count(b"\n")
        tail = good[good.rfind(b"\n") + 1 :]
        col = (0 if newlines else col) + len(tail.decode("utf-8"))
        line += newlines
