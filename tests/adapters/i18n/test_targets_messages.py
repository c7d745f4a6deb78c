"""The targets module's texts as catalogue keys (issue 13, item 4; decision 0054): every note,
KPI reason, MACC exclusion and plan note the module returns as ``{"key", "params"}`` renders in
English exactly as the module's own words, and in Chinese as hand-checked here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from lingtan.adapters.i18n.messages import Translator
from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets.emissions import Coverage, Series, YearEmissions
from lingtan.modules.targets.kpis import Kpi, KpiKind, track_kpi
from lingtan.modules.targets.projects import (
    EvaluatedProject,
    Project,
    ProjectType,
    YearImpact,
    macc,
)
from lingtan.modules.targets.targets import (
    IntensityType,
    ReportedStatus,
    Status,
    Target,
    TargetKind,
    track_target,
)

CAL = FiscalCalendar(4)
EN, ZH = Translator("en"), Translator("zh-CN")


def _render(t: Translator, m: Mapping[str, Any]) -> str:
    """A keyed text as the targets pages render it (``_targets_macros.html`` ``msg``)."""
    params = dict(m.get("params") or {})
    why = m.get("why")
    if why:
        params["why"] = t(why["key"], **dict(why.get("params") or {}))
    return t(m["key"], **params)


def _intensity() -> Target:
    return Target(
        "PGS", "Purchased goods per US$ million gross profit −50 %", Coverage.of(categories=[1]),
        TargetKind.INTENSITY, 2018, 2029, 50.0, denominator="gross_profit",
        intensity_type=IntensityType.ECONOMIC,
    )  # fmt: skip


def test_target_notes_render_as_the_module_words_and_in_chinese() -> None:
    # FY2018/19 has Scope 3 only in total; FY2023/24 has the split but no denominator value
    emissions = {
        2018: YearEmissions(2018, 10.0, 20.0, None, {}, 500.0),
        2023: YearEmissions(2023, 9.0, 18.0, None, {1: 300.0}, None),
    }
    series = {"gross_profit": Series("gross_profit", "1e6*USD", {}, "gross profit")}
    p = track_target(_intensity(), emissions, series, CAL)
    assert p.notes == (
        "base year FY2018/19: no Scope 3 category split for this year",
        "no value of the denominator 'gross_profit'",
    )
    assert len(p.note_keys) == len(p.notes)
    assert [_render(EN, k) for k in p.note_keys] == list(p.notes)
    assert [_render(ZH, k) for k in p.note_keys] == [
        "基准年 FY2018/19：该年度没有按类别细分的范围三排放",
        "分母 'gross_profit' 没有数值",
    ]
    assert p.denominator_unit == "1e6*USD"
    doc = p.to_dict(CAL)
    assert doc["note_keys"][0]["why"] == {"key": "targets.why.no_scope3_split", "params": {}}


def test_missing_series_and_scope2_basis_are_keyed() -> None:
    t = Target("L", "x", Coverage.of([1, 2], None, "location"), TargetKind.ABSOLUTE, 2018, 2029,
               40.0)  # fmt: skip
    p = track_target(t, {2018: YearEmissions(2018, 1.0, 2.0, None, {}, None)}, {}, CAL)
    assert [_render(EN, k) for k in p.note_keys] == list(p.notes)
    assert _render(ZH, p.note_keys[0]) == "基准年 FY2018/19：该年度没有基于位置的范围二排放"
    t2 = _intensity()
    p2 = track_target(t2, {}, {}, CAL)
    assert [_render(EN, k) for k in p2.note_keys] == list(p2.notes)
    assert _render(ZH, p2.note_keys[0]) == "未提供分母数据序列 'gross_profit'"


@pytest.mark.parametrize(
    ("kpi", "zh"),
    [
        (Kpi("A", "a", KpiKind.OTHER, "%", 90.0, 2025), "未提供实际值"),
        (Kpi("B", "b", KpiKind.OTHER, "%", 90.0, 2025, values={2023: 95.0}),
         "95 % 已达到目标值 90"),
        (Kpi("C", "c", KpiKind.OTHER, "%", 90.0, 2022, values={2023: 50.0}),
         "目标年份已过，实际值 50 %，目标值 90"),
        (Kpi("D", "d", KpiKind.OTHER, "%", 90.0, None, values={2023: 50.0}),
         "没有目标年份：无法绘制通往目标的路径"),
        (Kpi("E", "e", KpiKind.OTHER, "%", 90.0, 2025, values={2023: 50.0}),
         "没有起始值：无法绘制通往目标的路径"),
        # pathway 2018 → 2025 from 0 to 70: 2023 → 50.0 (5/7 · 70)
        (Kpi("F", "f", KpiKind.OTHER, "%", 70.0, 2025, start_year=2018, start_value=0.0,
             values={2023: 60.0}), "60 % 已达到或超过 FY2023/24 的路径值 50"),
        (Kpi("G", "g", KpiKind.OTHER, "%", 70.0, 2025, start_year=2018, start_value=0.0,
             values={2023: 40.0}), "40 % 落后于 FY2023/24 的路径值 50"),
    ],
)  # fmt: skip
def test_kpi_reasons_render_as_the_module_words(kpi: Kpi, zh: str) -> None:
    s = track_kpi(kpi, CAL)
    assert s.reason_key is not None
    assert _render(EN, s.reason_key) == s.reason
    assert _render(ZH, s.reason_key) == zh


def test_macc_formula_and_exclusions_are_keyed() -> None:
    p = Project("X", "x", ProjectType.EFFICIENCY, reduction_t_per_year=0.0, scope=2)
    q = Project("Y", "y", ProjectType.EFFICIENCY, reduction_t_per_year=1.0, scope=2)
    evs = [EvaluatedProject(p, {2024: YearImpact(2024, 0.0, {})}), EvaluatedProject(q, {})]
    m = macc(evs, 2024, CAL, discount_rate_pct=8.0).to_dict()
    assert EN(m["formula_key"]) == m["formula"]
    assert ZH(m["formula_key"]) == (
        "每吨成本 =（资本支出 × 资本回收系数(r, 寿命) + 运营成本 − 节省的费用）÷ 当年减排量"
    )
    reasons = {x["project_id"]: x for x in m["excluded"]}
    for x in reasons.values():
        assert _render(EN, x["reason_key"]) == x["reason"]
    assert _render(ZH, reasons["X"]["reason_key"]) == "该年度没有净减排量（0.000 吨）"
    assert _render(ZH, reasons["Y"]["reason_key"]) == "未针对该年度进行评估"


def test_plan_texts_render_as_the_module_words() -> None:
    from lingtan.modules.targets.optimise import HIERARCHY

    assert EN("plan.hierarchy_text") == HIERARCHY
    params = {"ref": "S12", "year": "FY2029/30", "need": 1234.5, "bau": 5000.0, "most": 100.0}
    assert EN("plan.diag.short", **params) == (
        "S12 in FY2029/30: needs 1,234.5 t of reductions below BAU 5,000.0 t, every candidate "
        "project together gives at most 100.0 t"
    )
    assert ZH("plan.diag.short", **params) == (
        "S12（FY2029/30）：需要比照常情景 5,000.0 吨减排 1,234.5 吨，"
        "而所有候选项目合计最多只能减排 100.0 吨"
    )
    assert ZH("plan.note.target_before", target="S12") == "目标 S12：目标年份早于计划期，未纳入计划"


def test_reported_status_words() -> None:
    r = ReportedStatus(Status.ON_TRACK, footnote="5", estimate=True, printed="按计划进行中")
    assert r.text == "on track (按计划进行中, footnote 5: best estimate at publication)"
    assert ReportedStatus(Status.OFF_TRACK, printed="未能按计划进行").text == (
        "not on track (未能按计划进行)"
    )
    assert ReportedStatus(Status.ACHIEVED).text == "achieved"
    assert ZH("targets.reported.footnote_estimate", n="5") == "脚注 5：发布时的最佳估计"
    t = Target("T", "t", Coverage.of([1]), TargetKind.ABSOLUTE, 2018, 2029, 50.0, reported=r)
    assert t.reported_status == r.text
    assert t.to_dict(CAL)["reported"] == {
        "status": "on_track", "printed": "按计划进行中", "footnote": "5", "estimate": True,
    }  # fmt: skip
