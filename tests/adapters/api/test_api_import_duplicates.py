"""The API and double imports (issue 10 item 7): an upload whose rows largely repeat an earlier
batch answers 409 naming it, nothing queued; it is resubmitted with ``on_duplicate`` or answered
through ``/imports/pending/{upload_id}``. And (item 8) the audit entries of a change made with
an API token, including those of the background job it started, name the token's user."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lingtan.adapters.server.worker import run_pending
from serverkit import ELECTRICITY_CSV, Server, owner_client, wait_job

API = "/api/v1"
SITE = {"code": "TJ01", "name": "Tianjin", "entity_code": "MAIN", "region": "CN-TJ"}
#: the first two rows of ELECTRICITY_CSV again, plus one new month: 2 of 3 rows repeat (66 %)
AGAIN_CSV = (
    b"site,date,period_end,quantity,unit,source,supplier\n"
    b"TJ01,2024-04-01,2024-04-30,52000,kWh,grid,State Grid Tianjin\n"
    b"TJ01,2024-05-01,2024-05-31,48000,kWh,grid,State Grid Tianjin\n"
    b"TJ01,2024-07-01,2024-07-31,50000,kWh,grid,State Grid Tianjin\n"
)


@pytest.fixture
def server(server_factory: Callable[..., Server]) -> Server:
    return server_factory(workers=0)  # jobs run by run_pending, in the test's thread


def _first_batch(server: Server) -> dict[str, object]:
    c = owner_client(server, "owner@acme.example")
    assert c.post(f"{API}/orgs/acme/sites", json=SITE).status_code == 201
    r = c.post(f"{API}/orgs/acme/imports",
               files={"file": ("electricity.csv", ELECTRICITY_CSV, "text/csv")})  # fmt: skip
    assert r.status_code == 202, r.text
    assert run_pending(server.engine) == 1
    batches = c.get(f"{API}/orgs/acme/imports").json()
    assert len(batches) == 1
    return dict(batches[0])


def test_409_names_the_batch_and_nothing_is_queued(server: Server) -> None:
    first = _first_batch(server)
    c = server.login("owner@acme.example")
    jobs_before = len(c.get(f"{API}/orgs/acme/jobs").json())
    r = c.post(f"{API}/orgs/acme/imports",
               files={"file": ("electricity_again.csv", AGAIN_CSV, "text/csv")})  # fmt: skip
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["code"] == "duplicate_import"
    # 2 of the 3 new rows equal rows of electricity.csv (the row without a quantity was
    # rejected there, so the earlier batch holds 2 rows): 2 / 3 = 66.7 % → 66 %
    assert err["batch"]["batch_id"] == first["id"]
    assert err["batch"]["file_name"] == "electricity.csv"
    assert (err["batch"]["rows_matching"], err["batch"]["rows_new"]) == (2, 3)
    assert err["batch"]["overlap_pct"] == 66
    assert str(first["imported_at"])[:16] in err["batch"]["imported_at"]
    assert "electricity.csv" in err["message"]
    assert "66 %" in err["message"]
    assert err["resubmit"]["supersede"] == {"on_duplicate": "supersede",
                                            "supersedes": first["id"]}  # fmt: skip
    assert len(c.get(f"{API}/orgs/acme/jobs").json()) == jobs_before
    assert len(c.get(f"{API}/orgs/acme/imports").json()) == 1


def test_resubmit_with_append_keeps_both(server: Server) -> None:
    _first_batch(server)
    c = server.login("owner@acme.example")
    r = c.post(f"{API}/orgs/acme/imports", data={"on_duplicate": "append"},
               files={"file": ("electricity_again.csv", AGAIN_CSV, "text/csv")})  # fmt: skip
    assert r.status_code == 202, r.text
    assert run_pending(server.engine) == 1
    assert wait_job(c, "acme", r.json()["id"])["status"] == "done"
    active = c.get(f"{API}/orgs/acme/imports", params={"active_only": True}).json()
    assert [b["file_name"] for b in active] == ["electricity.csv", "electricity_again.csv"]
    log = c.get(f"{API}/orgs/acme/audit", params={"limit": 100}).json()
    queued = [e for e in log if e["action"] == "import.queued"]
    assert any(e["after"].get("append") is True for e in queued)


def test_resubmit_with_supersede_replaces_the_batch(server: Server) -> None:
    first = _first_batch(server)
    c = server.login("owner@acme.example")
    r = c.post(f"{API}/orgs/acme/imports", data={"on_duplicate": "supersede"},
               files={"file": ("electricity_fixed.csv", AGAIN_CSV, "text/csv")})  # fmt: skip
    assert r.status_code == 202, r.text
    assert run_pending(server.engine) == 1
    every = {b["file_name"]: b for b in c.get(f"{API}/orgs/acme/imports").json()}
    assert every["electricity.csv"]["superseded_by"] == every["electricity_fixed.csv"]["id"]
    assert every["electricity.csv"]["id"] == first["id"]


def test_answer_a_pending_upload(server: Server) -> None:
    _first_batch(server)
    c = server.login("owner@acme.example")
    r = c.post(f"{API}/orgs/acme/imports",
               files={"file": ("electricity_again.csv", AGAIN_CSV, "text/csv")})  # fmt: skip
    upload_id = r.json()["error"]["upload_id"]
    folder = server.data_dir / "orgs" / "acme" / "uploads" / upload_id
    assert folder.is_dir()
    bad = c.post(f"{API}/orgs/acme/imports/pending/{upload_id}", data={"decision": "maybe"})
    assert bad.status_code == 422
    job = c.post(f"{API}/orgs/acme/imports/pending/{upload_id}", data={"decision": "append"})
    assert job.status_code == 200, job.text
    assert run_pending(server.engine) == 1
    assert wait_job(c, "acme", job.json()["id"])["status"] == "done"
    assert not folder.exists()  # the job removed the upload
    # answered once: the pending upload is gone
    again = c.post(f"{API}/orgs/acme/imports/pending/{upload_id}", data={"decision": "append"})
    assert again.status_code == 404
    # cancel: the file is discarded, nothing imported
    third = ("electricity_third.csv", AGAIN_CSV + b"\n", "text/csv")
    r = c.post(f"{API}/orgs/acme/imports", files={"file": third})
    assert r.status_code == 409
    up = r.json()["error"]["upload_id"]
    gone = c.post(f"{API}/orgs/acme/imports/pending/{up}", data={"decision": "cancel"})
    assert gone.status_code == 200
    assert gone.json() is None
    assert not (server.data_dir / "orgs" / "acme" / "uploads" / up).exists()
    assert len(c.get(f"{API}/orgs/acme/imports").json()) == 2


def test_a_new_file_is_not_asked_about(server: Server, tmp_path: Path) -> None:
    _first_batch(server)
    c = server.login("owner@acme.example")
    other = ELECTRICITY_CSV.replace(b"2024-04", b"2025-04").replace(b"2024-05", b"2025-05")
    r = c.post(f"{API}/orgs/acme/imports",
               files={"file": ("electricity_2025.csv", other, "text/csv")})  # fmt: skip
    assert r.status_code == 202, r.text
    # on_duplicate=supersede with nothing repeated: nothing to supersede, a clear 422
    r = c.post(f"{API}/orgs/acme/imports", data={"on_duplicate": "supersede"},
               files={"file": ("electricity_2026.csv", other.replace(b"2025", b"2026"),
                               "text/csv")})  # fmt: skip
    assert r.status_code == 422
    assert "nothing to supersede" in r.json()["error"]["message"]


def test_token_changes_and_their_jobs_name_the_user(server: Server) -> None:
    c = owner_client(server, "owner@acme.example")
    tok = c.post(f"{API}/orgs/acme/tokens", json={"name": "ci"}).json()["token"]
    api = server.bearer(tok)
    last = max((e["id"] for e in c.get(f"{API}/orgs/acme/audit").json()), default=0)
    assert api.post(f"{API}/orgs/acme/sites", json=SITE).status_code == 201
    r = api.post(f"{API}/orgs/acme/imports",
                 files={"file": ("electricity.csv", ELECTRICITY_CSV, "text/csv")})  # fmt: skip
    assert r.status_code == 202
    assert api.post(f"{API}/orgs/acme/calculations",
                    json={"fiscal_year": "FY2024/25"}).status_code == 202  # fmt: skip
    assert run_pending(server.engine) == 2
    log = [e for e in c.get(f"{API}/orgs/acme/audit", params={"limit": 1000}).json()
           if e["id"] > last]  # fmt: skip
    actions = {e["action"] for e in log}
    assert {"site.create", "import.queued", "import_batch.create", "calculation.queued",
            "snapshot.create"} <= actions  # fmt: skip
    for e in log:  # the request's entries "… (token)", the jobs' "… (token) (job N)"
        assert e["actor"].startswith("owner@acme.example (token)"), e
