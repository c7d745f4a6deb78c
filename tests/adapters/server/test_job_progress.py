"""A real import job reports progress from its counters (issue 13 item 3, decision 0052): the
sequence recorded with the job is monotonic, strictly between 0 and 1 until the end, its counts
are the file's rows; while it runs, the API answers the key, the parameters and the message in
the asker's language, and the job page shows the stage and counts in the viewer's language."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lingtan.adapters.i18n.messages import catalogue
from lingtan.adapters.server.worker import JobWorker
from lingtan.adapters.services import jobs as tasks
from lingtan.adapters.store import jobs
from serverkit import Server, owner_client

ROWS = 5_000  # data rows: report every 2,000 → 2,000, 4,000 and 5,000
ORG = "acme"


def _electricity() -> bytes:
    lines = ["site,date,period_end,quantity,unit,source,supplier"]
    lines += [
        f"TJ01,2024-{4 + i % 9:02d}-01,2024-{4 + i % 9:02d}-28,{1000 + i},kWh,grid,State Grid"
        for i in range(ROWS)
    ]
    return ("\n".join(lines) + "\n").encode()


def test_an_import_job_reports_its_counts(server_factory: Callable[..., Server]) -> None:
    srv = server_factory(workers=0)
    c = owner_client(srv, "owner@example.com", ORG)
    site = {"code": "TJ01", "name": "Tianjin", "entity_code": "MAIN", "region": "CN-TJ"}
    assert c.post(f"/api/v1/orgs/{ORG}/sites", json=site).status_code in (200, 201)
    r = c.post(
        f"/api/v1/orgs/{ORG}/imports",
        files={"file": ("electricity.csv", _electricity(), "text/csv")},
    )
    assert r.status_code == 202, r.text
    queued = r.json()
    assert queued["message_key"] == jobs.MSG_QUEUED
    assert queued["message"] == catalogue("en")[jobs.MSG_QUEUED]

    worker = JobWorker(srv.engine, threads=0)
    claimed = jobs.claim_next(srv.engine, worker.name)
    assert claimed is not None
    seen: list[tuple[float, str, dict[str, Any]]] = []
    shown: dict[str, Any] = {}

    def report(fraction: float, key: str, params: dict[str, Any] | None = None) -> None:
        """What the worker does with a report (record it with the job), and a look at the job
        while it runs, the first time rows have been checked."""
        seen.append((fraction, key, dict(params or {})))
        assert jobs.report_progress(srv.engine, claimed.id, fraction, key, worker.name, params)
        if key == "progress.import.check" and "api" not in shown:
            url = f"/api/v1/orgs/{ORG}/jobs/{claimed.id}"
            shown["api"] = c.get(url, headers={"Accept-Language": "zh-CN"}).json()
            shown["api_en"] = c.get(url).json()
            shown["page"] = c.get(f"/o/{ORG}/jobs/{claimed.id}?lang=zh-CN").text

    result = tasks.run_job(srv.engine, claimed, "owner@example.com", report)
    assert jobs.finish(srv.engine, claimed.id, result, worker=worker.name)
    assert result["rows_read"] == ROWS
    assert result["rows_accepted"] == ROWS

    fractions = [f for f, _, _ in seen]
    assert fractions == sorted(fractions)  # monotonic
    assert all(0 < f < 1 for f in fractions)  # strictly between 0 and 1 until the end
    counts = [(k.rsplit(".", 2)[-2] if k.endswith(".count") else k.rsplit(".", 1)[-1], p)
              for _, k, p in seen]  # fmt: skip
    assert [p for s, p in counts if s == "check"] == [
        {"done": 2000, "total": ROWS},
        {"done": 4000, "total": ROWS},
        {"done": ROWS, "total": ROWS},
    ]
    assert [p for s, p in counts if s == "write"] == [
        {"done": 0, "total": ROWS},
        {"done": ROWS, "total": ROWS},
    ]
    reads = [p for s, p in counts if s == "read"]
    assert reads[-1] == {"done": ROWS + 1, "total": ROWS + 1}  # every line, the header too

    api = shown["api"]
    assert api["status"] == "running"
    assert api["message_key"] == "progress.import.check"
    assert api["message_params"] == {"done": 2000, "total": ROWS}
    assert api["message"] == "已检查 2,000 / 5,000 行"
    assert shown["api_en"]["message"] == "2,000 of 5,000 rows checked"
    assert 0.3 < api["progress"] < 0.8
    page = shown["page"]
    assert '<span class="muted" id="job-message">已检查 2,000 / 5,000 行</span>' in page
    assert re.search(r'<span id="job-percent">(\d+)</span>', page)

    done = c.get(f"/api/v1/orgs/{ORG}/jobs/{claimed.id}").json()
    assert done["status"] == "done"
    assert done["progress"] == 1.0
    assert done["message_key"] == jobs.MSG_DONE
    assert done["message_params"] == {}


def test_a_failed_job_says_why_in_the_viewers_language(
    server_factory: Callable[..., Server],
) -> None:
    srv = server_factory(workers=0)
    c = owner_client(srv, "owner@example.com", ORG)
    r = c.post(
        f"/api/v1/orgs/{ORG}/imports",
        files={"file": ("electricity.csv", _electricity(), "text/csv")},
    )
    job_id = r.json()["id"]
    worker = JobWorker(srv.engine, threads=0, time_budget_s=1e-9)  # past it at once
    claimed = jobs.claim_next(srv.engine, worker.name)
    assert claimed is not None
    worker.run(claimed)  # its first progress report stops it, before anything is written

    got = c.get(f"/api/v1/orgs/{ORG}/jobs/{job_id}", headers={"Accept-Language": "zh"}).json()
    assert got["status"] == "failed"
    assert got["message_key"] == "progress.job.stopped_budget"
    assert got["message_params"] == {"budget_s": 0}
    assert got["message"].startswith("已停止：任务运行时间超过 0 秒的上限")
    assert "time budget of 0 s" in got["error"]  # the English text, for the API's clients
    page = c.get(f"/o/{ORG}/jobs/{job_id}?lang=zh-CN").text
    assert "已停止：任务运行时间超过 0 秒的上限" in page
    assert "time budget" not in page
    assert c.get(f"/api/v1/orgs/{ORG}/imports").json() == []  # nothing was written
