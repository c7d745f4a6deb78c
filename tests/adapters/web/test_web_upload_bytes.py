"""A page's uploaded file is read whole or refused: never cut short at the limit
(``web.pages._common.upload_bytes``, used by the register, aspects, governance, hazards,
scenario, certificate and energy pages)."""

from __future__ import annotations

import io

import pytest
from fastapi import UploadFile

from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web.pages._common import upload_bytes


def test_a_file_at_the_limit_is_read_whole() -> None:
    assert upload_bytes(UploadFile(io.BytesIO(b"a,b\n1,2\n"), filename="x.csv"), limit=8) == (
        b"a,b\n1,2\n"
    )


def test_a_file_past_the_limit_is_refused_not_cut() -> None:
    with pytest.raises(ServiceError) as caught:
        upload_bytes(UploadFile(io.BytesIO(b"a,b\n1,2\n3"), filename="x.csv"), limit=8)
    assert caught.value.kind == "too_large"
