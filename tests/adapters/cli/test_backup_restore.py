"""``lingtan backup`` / ``restore`` of an embedded workspace (issue 11 item 9; decision 0039):
the restored workspace calculates the same snapshot; a backup taken while another writer
imports is consistent (every batch its store names has its files); restore checks every hash,
refuses a non-empty folder without --force and never writes outside the folder; ``lingtan
export-org`` exports a workspace's organisation."""

from __future__ import annotations

import json
import threading
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app
from lingtan.adapters.store.backup import backup_workspace, restore_workspace
from lingtan.adapters.store.lifecycle import verify_exported_chain, verify_manifest
from lingtan.adapters.store.workspace import open_workspace
from lingtan.core.errors import WorkspaceError

runner = CliRunner()
#: on the PostgreSQL workspace store a workspace is backed up with pg_dump
#: (tests/adapters/api/test_lifecycle.py::test_pg_dump_and_restore_keep_rows_and_chains)
sqlite_store = pytest.mark.stores(
    "sqlite", reason="the workspace store is PostgreSQL: backed up with pg_dump (server test)"
)


def lingtan(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.output


def _elec(month: int) -> str:
    return f"site,date,quantity,unit\nHQ,2023-{month:02d}-01,{100 + month},MWh\n"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    code, out = lingtan("init", str(root), "--organisation", "Backup Co")
    assert code == 0, out
    cfg = root / "lingtan.yaml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace(
            "region: CN\n    kind: office", "region: CN-TJ\n    kind: office"
        ),
        encoding="utf-8",
    )
    f = tmp_path / "electricity.csv"
    f.write_text(_elec(5), encoding="utf-8")
    assert lingtan("import", str(f), "-w", str(root))[0] == 0
    assert lingtan("calc", "-y", "FY2023/24", "-w", str(root))[0] == 0
    return root


def _inventory(root: Path) -> dict[str, object]:
    code, out = lingtan("inventory", "-y", "FY2023/24", "-w", str(root), "--format", "json")
    assert code == 0, out
    doc: dict[str, object] = json.loads(out)
    return doc


@sqlite_store
def test_backup_restore_gives_the_same_snapshot(ws: Path, tmp_path: Path) -> None:
    before = _inventory(ws)
    archive = tmp_path / "ws-backup.zip"
    code, out = lingtan("backup", str(archive), "-w", str(ws))
    assert code == 0, out
    assert lingtan("backup", str(archive), "-w", str(ws))[0] == 1  # never overwritten
    with zipfile.ZipFile(archive) as zf:
        assert verify_manifest(zf) == []
        assert "store/lingtan.db" in zf.namelist()
    target = tmp_path / "restored"
    code, out = lingtan("restore", str(archive), "-w", str(target))
    assert code == 0, out
    code, out = lingtan("calc", "-y", "FY2023/24", "-w", str(target))
    assert code == 0, out
    after = _inventory(target)
    assert after["snapshot_id"] == before["snapshot_id"]
    assert after["totals_tco2e"] == before["totals_tco2e"]
    # a non-empty folder is replaced only with --force
    code, out = lingtan("restore", str(archive), "-w", str(target))
    assert code == 1
    assert "--force" in out
    assert lingtan("restore", str(archive), "-w", str(target), "--force")[0] == 0
    # a folder that is not a workspace is never replaced, even with --force
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep", encoding="utf-8")
    assert lingtan("restore", str(archive), "-w", str(other), "--force")[0] == 1
    assert (other / "mine.txt").read_text(encoding="utf-8") == "keep"


@sqlite_store
def test_restore_refuses_a_damaged_or_hostile_archive(ws: Path, tmp_path: Path) -> None:
    archive = tmp_path / "b.zip"
    backup_workspace(ws, archive)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "workspace/lingtan.yaml":
                data += b"\n# changed\n"
            dst.writestr(item, data)
    with pytest.raises(WorkspaceError, match="damaged"):
        restore_workspace(damaged, tmp_path / "r1")
    assert not (tmp_path / "r1").exists()
    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(hostile, "w") as dst:
        manifest = json.loads(src.read("manifest.json"))
        manifest["files"]["../escape.txt"] = manifest["files"]["workspace/lingtan.yaml"]
        for item in src.infolist():
            if item.filename != "manifest.json":
                dst.writestr(item, src.read(item))
        dst.writestr("../escape.txt", src.read("workspace/lingtan.yaml"))
        dst.writestr("manifest.json", json.dumps(manifest))
    with pytest.raises(WorkspaceError, match="unsafe"):
        restore_workspace(hostile, tmp_path / "r2")
    assert not (tmp_path / "escape.txt").exists()


@sqlite_store
def test_backup_while_another_writer_imports_is_consistent(ws: Path, tmp_path: Path) -> None:
    files = []
    for month in range(6, 12):
        f = tmp_path / f"electricity-{month}.csv"
        f.write_text(_elec(month), encoding="utf-8")
        files.append(f)
    from lingtan.adapters.io.importer import import_file

    writer = open_workspace(ws)
    errors: list[BaseException] = []

    def imports() -> None:
        try:
            for f in files:
                import_file(writer, f)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=imports)
    t.start()
    archives = []
    for i in range(3):
        archives.append(tmp_path / f"during-{i}.zip")
        backup_workspace(ws, archives[-1])
    t.join()
    assert not errors
    for i, archive in enumerate(archives):
        target = tmp_path / f"restored-{i}"
        restore_workspace(archive, target)
        restored = open_workspace(target)
        for b in restored.batches(active_only=False):
            for name in (b.activities_file, b.source_file):
                assert name is None or (restored.batches_dir / name).is_file(), name
        assert lingtan("calc", "-y", "FY2023/24", "-w", str(target))[0] == 0


def test_export_org_of_a_workspace(ws: Path, tmp_path: Path) -> None:
    out_zip = tmp_path / "export.zip"
    code, out = lingtan("export-org", str(out_zip), "-w", str(ws))
    assert code == 0, out
    with zipfile.ZipFile(out_zip) as zf:
        assert verify_manifest(zf) == []
        chain = zf.read("audit/chain.jsonl").decode().splitlines()
        assert verify_exported_chain(chain)[0]
        assert len(chain) > 2
        assert "workspace/lingtan.yaml" in zf.namelist()
        assert zf.read("tables/import_batch.jsonl").count(b"\n") == 1
