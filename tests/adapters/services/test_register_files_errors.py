"""The shared import-file refusal helpers of :mod:`lingtan.adapters.services.register_files`:
the keyed file error (summary + every wrong cell) and the text decoding (UTF-8 or GB 18030)."""

from __future__ import annotations

import pytest

from lingtan.adapters.services import certifications as certs
from lingtan.adapters.services.register_files import KeyedFileError, RowError, decode_text
from lingtan.core.messages import msg


class _RefusedError(Exception):
    pass


def test_file_error_names_every_cell_and_stays_the_register_error() -> None:
    cell = RowError("c.csv", 3, "scheme", msg("certs.file.encoding"))
    exc = certs.CertsFileError(msg("certs.file.encoding", n=1), [cell])
    assert isinstance(exc, certs.CertsError)
    assert isinstance(exc, KeyedFileError)
    assert exc.kind == "invalid"
    assert exc.field == "file"
    assert exc.key == "certs.file.encoding"
    assert exc.params == {"n": 1}
    assert exc.errors == (cell,)
    assert exc.message.splitlines()[1:] == certs.row_error_lines([cell], "en")
    assert exc.message.splitlines()[1].startswith("c.csv, row 3, column scheme: ")
    assert certs.RowError is RowError


def test_decode_text_utf8_bom_gb18030_named_and_refused() -> None:
    def refusal() -> Exception:
        return _RefusedError()

    assert decode_text("\ufeff碳,a".encode(), None, refusal) == "碳,a"
    # GB 18030 bytes that are not UTF-8 (the first byte 0xCE starts a 2-byte UTF-8 sequence
    # the next byte 0xC2 cannot continue)
    assert decode_text("温室气体,a".encode("gb18030"), None, refusal) == "温室气体,a"
    assert decode_text("碳".encode("utf-16"), "utf-16", refusal) == "碳"
    with pytest.raises(_RefusedError):
        decode_text(b"\xff\xfe\x00", "utf-8", refusal)
    with pytest.raises(_RefusedError):
        decode_text(b"a", "no-such-encoding", refusal)
