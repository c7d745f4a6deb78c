"""``lingtan inclusion push sign``: the headers and curl line a partner needs (decision 0090)."""

from __future__ import annotations

import shlex
from pathlib import Path

from typer.testing import CliRunner

from lingtan.adapters.cli.inclusion_push import push_app
from lingtan.adapters.services.inclusion_push import signature_ok


def test_sign_prints_headers_that_verify_and_a_curl_line(tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(b'{"external_id":"t-1","account":"m-x"}')
    secret = tmp_path / "secret"
    secret.write_text("ips_test\n")
    r = CliRunner().invoke(
        push_app,
        ["sign", "zz", str(body), "--secret-file", str(secret), "--timestamp", "1796342400",
         "--url", "http://127.0.0.1:8000/api/v1/orgs/acme/inclusion/staff/events"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    lines = r.output.strip().splitlines()
    headers = dict(line.split(": ", 1) for line in lines[:3])
    assert headers["X-Partner"] == "zz"
    assert headers["X-Timestamp"] == "1796342400"
    assert signature_ok("ips_test", "1796342400", body.read_bytes(), headers["X-Signature"])
    curl = shlex.split(lines[3])
    assert curl[:4] == ["curl", "-sS", "-X", "POST"]
    assert f"X-Signature: {headers['X-Signature']}" in curl
    assert curl[-1] == f"@{body}"


def test_sign_of_a_missing_file_fails(tmp_path: Path) -> None:
    r = CliRunner().invoke(push_app, ["sign", "zz", str(tmp_path / "nope.json"),
                                      "--secret-file", str(tmp_path / "nope")])  # fmt: skip
    assert r.exit_code == 1
