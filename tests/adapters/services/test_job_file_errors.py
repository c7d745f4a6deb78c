"""A failed import job says why in the viewer's language (decisions 0052, 0053): a file that
cannot be read — its encoding refused, its header unusable — fails the job with the keyed
``file.error`` (the user's file name and the reason as a nested message), which the API and the
job page render in zh-CN or en; ``error`` keeps the English text for API clients and logs."""

from __future__ import annotations

import json
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from lingtan.adapters.server.worker import JobWorker
from lingtan.adapters.services.jobs import file_failure
from lingtan.adapters.store import jobs
from lingtan.core.errors import InputFileError
from lingtan.core.messages import Message
from serverkit import Server, owner_client

ORG = "acme"
#: the reason of each file in both languages (the catalogue's texts, written out)
ZH_ENCODING = (
    "既不是 UTF-8 也不是 GB18030 文本，且无法可靠判断其编码（没有任何编码能读取它）；请声明编码"
    "（encoding=…，lingtan import --encoding cp1252），或另存为 CSV UTF-8 或 XLSX"
)
EN_ENCODING = (
    "is neither UTF-8 nor GB18030 text, and its encoding cannot be told with confidence (no "
    "encoding reads it); declare it (encoding=…, lingtan import --encoding cp1252) or save the "
    "file as CSV UTF-8 or as XLSX"
)


def _failed_job(srv: Server, name: str, data: bytes) -> tuple[Any, int]:
    """Upload ``data`` as ``name`` and run its import job to its failure."""
    c = owner_client(srv, "owner@example.com", ORG)
    r = c.post(
        f"/api/v1/orgs/{ORG}/imports",
        data={"on_duplicate": "append"},  # no look at the file at upload: the job reads it
        files={"file": (name, data, "text/csv")},
    )
    assert r.status_code == 202, r.text
    worker = JobWorker(srv.engine, threads=0)
    claimed = jobs.claim_next(srv.engine, worker.name)
    assert claimed is not None
    worker.run(claimed)
    return c, int(r.json()["id"])


def test_a_refused_encoding_fails_the_job_with_a_keyed_message(
    server_factory: Callable[..., Server],
) -> None:
    srv = server_factory(workers=0)
    c, job_id = _failed_job(srv, "fuel.csv", b"\xff\xfe\x00\x00\x81\x30")
    url = f"/api/v1/orgs/{ORG}/jobs/{job_id}"
    zh = c.get(url, headers={"Accept-Language": "zh-CN"}).json()
    en = c.get(url).json()
    for got in (zh, en):
        assert got["status"] == "failed"
        assert got["message_key"] == "file.error"
        assert got["message_params"] == {
            "file": "fuel.csv",
            "reason": {
                "key": "intake.encoding_uncertain",
                "params": {"why": {"key": "intake.why.none", "params": {}}},
            },
        }
        assert got["error"] == f"fuel.csv: {EN_ENCODING}"  # English for clients and logs
    assert zh["message"] == f"fuel.csv：{ZH_ENCODING}"
    assert en["message"] == f"fuel.csv: {EN_ENCODING}"
    page_zh = unescape(c.get(f"/o/{ORG}/jobs/{job_id}?lang=zh-CN").text)
    assert f'<p class="error" role="alert">fuel.csv：{ZH_ENCODING}</p>' in page_zh
    assert EN_ENCODING not in page_zh
    page_en = unescape(c.get(f"/o/{ORG}/jobs/{job_id}?lang=en").text)
    assert f'<p class="error" role="alert">fuel.csv: {EN_ENCODING}</p>' in page_en
    assert ZH_ENCODING not in page_en


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the store is the same
def test_an_unusable_header_fails_the_job_in_both_languages_without_server_paths(
    server_factory: Callable[..., Server],
) -> None:
    srv = server_factory(workers=0)
    c, job_id = _failed_job(srv, "../../etc/electricity.csv", b"sitee,when\nTJ01,2024\n")
    url = f"/api/v1/orgs/{ORG}/jobs/{job_id}"
    zh = c.get(url, headers={"Accept-Language": "zh"}).json()
    en = c.get(url, headers={"Accept-Language": "en"}).json()
    assert zh["message_params"]["file"] == "electricity.csv"  # the name, never a path
    assert zh["message_params"]["reason"]["key"] == "file.columns_unknown"
    assert zh["message"].startswith(
        "electricity.csv：未知列 'sitee'（是否应为 'site'？）、'when'；模板“electricity”的列为："
        "site、date、period_end"
    )
    assert zh["message"].endswith("（必填：site、date、quantity、unit）")
    assert en["message"] == en["error"]
    assert en["error"].startswith(
        "electricity.csv: unknown column(s) 'sitee' (did you mean 'site'?), 'when'; template "
        "'electricity' expects: site, date, period_end"
    )
    for path in (str(srv.data_dir), str(srv.data_dir.resolve())):
        assert path not in json.dumps(zh)
    page = unescape(c.get(f"/o/{ORG}/jobs/{job_id}?lang=zh-CN").text)
    assert zh["message"] in page
    assert "unknown column" not in page


def test_a_reason_naming_a_server_path_is_reduced_to_its_last_part(tmp_path: Path) -> None:
    root = tmp_path / "orgs" / "acme"
    where = root / "uploads" / "3f" / "fuel.csv"
    exc = InputFileError(str(where), f"cannot open {where}", message=Message(
        "file.csv_invalid", {"why": f"[Errno 5] {where}"}))  # fmt: skip
    got = file_failure("fuel.csv", exc, [root])
    assert got.key == "file.error"
    assert got.params == {
        "file": "fuel.csv",
        "reason": {"key": "file.csv_invalid", "params": {"why": "[Errno 5] fuel.csv"}},
    }
    assert str(root) not in str(got)
    unkeyed = file_failure("fuel.csv", InputFileError(str(where), f"bad {where}"), [root])
    assert unkeyed.params == {"file": "fuel.csv", "reason": "bad fuel.csv"}
    assert str(unkeyed) == "fuel.csv: bad fuel.csv"
