"""Files that are not UTF-8: located at their first bad byte, with what they probably are."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fiveguard.modelio import encoding
from fiveguard.modelio.encoding import first_bad_utf8, not_utf8_message, position


def test_a_latin1_letter_is_named_with_the_fix() -> None:
    assert not_utf8_message("Liège".encode("latin-1"), 2) == (
        "not valid UTF-8 text (expected a UTF-8 encoded file): byte 0xE8 is 'è' in "
        "Windows-1252 (Latin-1), so the file was probably saved in that encoding; save it "
        "as UTF-8 ('CSV UTF-8' in a spreadsheet program) or convert it, e.g. iconv -f "
        "WINDOWS-1252 -t UTF-8"
    )


def test_utf16_is_recognised_by_its_byte_order_mark() -> None:
    raw = "id,operator".encode("utf-16")
    assert "it is UTF-16 text; save it as UTF-8" in not_utf8_message(raw, 0)


def test_a_byte_that_is_no_letter_in_any_encoding_is_only_named() -> None:
    assert not_utf8_message(b"ab\x81", 2).endswith("encoded file): byte 0x81")


@settings(max_examples=200, deadline=None)
@given(
    before=st.text(alphabet="ab\né€😀", max_size=40),
    after=st.binary(max_size=5),
    chunk=st.integers(1, 9),
    bom=st.booleans(),
)
def test_chunked_search_finds_what_a_whole_read_finds(
    before: str, after: bytes, chunk: int, bom: bool
) -> None:
    """Reading in chunks (as large files are) places the bad byte exactly where decoding
    the whole file does, whatever chunk boundary falls inside a character."""
    raw = (b"\xef\xbb\xbf" if bom else b"") + before.encode() + b"\xe9" + after
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(encoding, "_CHUNK", chunk)
        found = first_bad_utf8(io.BytesIO(raw))
    text = raw[3:] if bom else raw
    try:
        text.decode("utf-8")
        expected = None  # the bytes after 0xE9 completed a character
    except UnicodeDecodeError as exc:
        expected = position(text, exc.start)
    assert (found and found[:2]) == expected


def test_valid_utf8_has_no_bad_byte() -> None:
    assert first_bad_utf8(io.BytesIO("Liège,😀\n".encode() * 1000)) is None


def test_a_sequence_cut_at_the_end_of_the_file_is_found() -> None:
    found = first_bad_utf8(io.BytesIO(b"ab\ncd\xe2\x82"))
    assert found is not None and found[:2] == (2, 3)
