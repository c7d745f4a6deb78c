"""Targets file: bilingual ``names`` and a keyed ``reported_status`` (docs/targets.md §Names,
§Reported status) read, written back identically, and old files read as before."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lingtan.adapters.io.targets_files import (
    parse_targets,
    programme_document,
    read_targets_file,
    write_targets_file,
)
from lingtan.core.errors import InputFileError
from lingtan.modules.targets.targets import ReportedStatus, Status

DOC = """\
organisation: Test Co
fiscal_year_start_month: 4
targets:
  - id: S12
    names: {en: Operations −50 %, zh: 运营排放减少50%}
    scopes: [1, 2]
    base_year: FY2018/19
    target_year: FY2029/30
    reduction_pct: 50
    reported_status: {status: on_track, printed: 按计划进行中, footnote: 5, estimate: true}
  - id: OLD
    name: Scope 1 −30 % (范围一减少30%)
    scopes: [1]
    base_year: FY2018/19
    target_year: FY2029/30
    reduction_pct: 30
    reported_status: on track (按计划进行中)
kpis:
  - id: RE
    names: {zh-CN: 可再生电力占比}
    unit: "%"
    goal: 90
    goal_year: FY2025/26
    reported_status: {status: off_track}
projects:
  - id: PV
    names: {en: Rooftop PV, zh-CN: 屋顶光伏}
    type: efficiency
    reduction_t_per_year: 50
    scope: 2
"""


def test_names_and_reported_status_read_and_written_back(tmp_path: Path) -> None:
    prog = parse_targets(yaml.safe_load(DOC), "targets.yaml")
    s12, old = prog.targets
    assert s12.name == "Operations −50 %"  # no name: the English one
    assert dict(s12.names) == {"en": "Operations −50 %", "zh-CN": "运营排放减少50%"}
    assert s12.reported == ReportedStatus(Status.ON_TRACK, "5", True, "按计划进行中")
    assert (
        s12.reported_status == "on track (按计划进行中, footnote 5: best estimate at publication)"
    )
    assert old.name == "Scope 1 −30 % (范围一减少30%)"
    assert not old.names
    assert old.reported is None
    assert old.reported_status == "on track (按计划进行中)"
    kpi = prog.kpis[0]
    assert kpi.name == "可再生电力占比"  # no name, no English one: the Chinese one
    assert kpi.reported_status == "not on track"
    assert dict(prog.projects[0].names) == {"en": "Rooftop PV", "zh-CN": "屋顶光伏"}
    path = write_targets_file(prog, tmp_path / "targets.yaml")
    again = read_targets_file(path)
    assert programme_document(again) == programme_document(prog)
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert written["targets"][0]["reported_status"] == {
        "status": "on_track", "printed": "按计划进行中", "footnote": "5", "estimate": True,
    }  # fmt: skip
    assert written["targets"][1]["reported_status"] == "on track (按计划进行中)"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("names", "{fr: Objectif}", "names"),
        ("reported_status", "{status: fine}", "reported_status"),
    ],
)
def test_bad_names_or_status_name_the_field(field: str, value: str, message: str) -> None:
    doc = DOC.replace("    reported_status: on track (按计划进行中)\n", f"    {field}: {value}\n")
    with pytest.raises(InputFileError, match=message):
        parse_targets(yaml.safe_load(doc), "targets.yaml")
