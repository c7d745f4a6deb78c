"""The source report's targets, KPIs and project examples, entered as published.

Source: *2023/24 Carbon Neutrality Action Report* (联想集团 2023/24 碳中和行动报告), chapter 4.0
"科学有序 迈向净零排放目标" (targets table, "跟踪目标/关键指标进展" and "气候变化缓解行动" KPI
table), chapter 5.0 site pages (Hefei, Wuhan, Shenzhen projects) and chapter 6.0 (supplier
programme, product efficiency). Fiscal years start on 1 April; years below are fiscal start
years (2018 = FY2018/19).

What the report gives and what it does not (lingtan never fills a gap with an invented number):

- targets: base year, target year and reduction for all five; printed status "按计划进行中"
  (on track) for all five, three of them with footnote 5 ("best estimate at publication");
  names in the report's Chinese and in English (``names``), statuses as
  :class:`~lingtan.modules.targets.targets.ReportedStatus`;
  the progress values themselves are in charts, not in the text;
- intensity denominators (US$ million gross profit, t·km, comparable products): **no values**,
  so the three Scope 3 intensity targets have status "no data" in lingtan;
- base-year (FY2018/19) Scope 3 is disclosed only in total (2043.25 × 10⁴ t), so category-level
  base values do not exist either;
- KPIs: goal and goal year, printed status; **no current values** → "no data";
- projects: energy saved and, for some, tce and t CO2; **no costs**.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from lingtan.modules.targets.emissions import Coverage, Series
from lingtan.modules.targets.kpis import Kpi, KpiKind
from lingtan.modules.targets.projects import Project, ProjectType, ReportedFigures, Saving
from lingtan.modules.targets.targets import (
    Horizon,
    IntensityType,
    ReportedStatus,
    Status,
    Target,
    TargetKind,
)

REPORT: Final = "2023/24联想集团碳中和行动报告"
_T = f"{REPORT}, 4.0 科学有序 迈向净零排放目标, targets table and 跟踪目标/关键指标进展"
_K = f"{REPORT}, 4.0, 气候变化缓解行动 KPI table (关键绩效指标, 至2023/24财年进展)"
#: the targets table's "按计划进行中" (on track)
ON_TRACK_PRINTED: Final = ReportedStatus(Status.ON_TRACK, printed="按计划进行中")
#: "按计划进行中" with footnote 5 ("best estimate at publication")
ON_TRACK_FN5: Final = ReportedStatus(
    Status.ON_TRACK, footnote="5", estimate=True, printed="按计划进行中"
)
#: the KPI table's "正按计划进行" (on track) and "未能按计划进行" (not on track)
KPI_ON_TRACK: Final = ReportedStatus(Status.ON_TRACK, printed="正按计划进行")
NOT_ON_TRACK: Final = ReportedStatus(Status.OFF_TRACK, printed="未能按计划进行")


def _names(en: str, zh: str) -> dict[str, str]:
    """The English words and the report's own Chinese words of a name."""
    return {"en": en, "zh-CN": zh}


BASE, NEAR, LONG = 2018, 2029, 2049


def report_targets() -> list[Target]:
    """The four near-term targets (FY2029/30) and the long-term target (FY2049/50)."""
    return [
        Target(
            "NT-S12", "Scope 1+2 (operations) absolute −50 %",
            Coverage.of([1, 2]), TargetKind.ABSOLUTE, BASE, NEAR, 50.0, Horizon.NEAR_TERM,
            source=_T, reported=ON_TRACK_PRINTED,
            note="Scope 2 market-based, the basis the report discloses",
            names=_names("Scope 1+2 (operations) absolute −50 %",
                         "范围1+范围2温室气体绝对排放量减少50%"),
        ),
        Target(
            "NT-S3-USE",
            "Scope 3 use of sold products per comparable product −35 % on average",
            Coverage.of(categories=[11]), TargetKind.INTENSITY, BASE, NEAR, 35.0,
            Horizon.NEAR_TERM, denominator="comparable_products",
            intensity_type=IntensityType.PHYSICAL, source=_T, reported=ON_TRACK_FN5,
            names=_names("Scope 3 use of sold products per comparable product −35 % on average",
                         "使用已售出产品范围3排放，对照可比较的产品，平均减少约35%"),
        ),
        Target(
            "NT-S3-PGS",
            "Scope 3 purchased goods and services per US$ million gross profit −66.5 %",
            Coverage.of(categories=[1]), TargetKind.INTENSITY, BASE, NEAR, 66.5,
            Horizon.NEAR_TERM, denominator="gross_profit", intensity_type=IntensityType.ECONOMIC,
            source=_T, reported=ON_TRACK_FN5,
            names=_names("Scope 3 purchased goods and services per US$ million gross profit "
                         "−66.5 %", "每百万美元毛利中所购商品和服务范围3排放减少66.5%"),
        ),
        Target(
            "NT-S3-LOG", "Scope 3 global logistics per tonne-km −25 %",
            Coverage.of(categories=[4]), TargetKind.INTENSITY, BASE, NEAR, 25.0,
            Horizon.NEAR_TERM, denominator="tkm", intensity_type=IntensityType.PHYSICAL,
            source=_T, reported=ON_TRACK_FN5,
            note="the inventory reports logistics under category 4 (upstream transport)",
            names=_names("Scope 3 global logistics per tonne-km −25 %",
                         "每吨公里运输产品中全球物流范围3排放减少25%"),
        ),
        Target(
            "LT-ALL", "All scopes absolute −90 %, residual 10 % removed",
            Coverage.of([1, 2, 3]), TargetKind.ABSOLUTE, BASE, LONG, 90.0, Horizon.LONG_TERM,
            neutralise_residual=True, source=_T, reported=ON_TRACK_PRINTED,
            names=_names("All scopes absolute −90 %, residual 10 % removed",
                         "所有温室气体排放量减少90%，通过碳捕获、重新造林或其他方式消除剩余10%"),
        ),
    ]  # fmt: skip


def report_series() -> dict[str, Series]:
    """The intensity denominators the targets name. The report publishes **no values** for
    them, so the series are empty and the intensity targets say "no data"."""
    note = "the report publishes no values"
    return {
        "gross_profit": Series("gross_profit", "1e6*USD", {}, "gross profit", source=note),
        "tkm": Series("tkm", "tkm", {}, "freight transported", source=note),
        "comparable_products": Series(
            "comparable_products", "item", {}, "comparable products sold", source=note
        ),
    }


def report_kpis() -> list[Kpi]:
    """The four KPIs of the mitigation-actions table, and the supplier-target share of
    chapter 6 (an additional KPI, with a value but no goal year)."""
    return [
        Kpi("KPI-RE", "90 % of electricity from renewables by FY2025/26",
            KpiKind.RENEWABLE_SHARE, "%", 90.0, 2025, source=_K, reported=KPI_ON_TRACK,
            names=_names("90 % of electricity from renewables by FY2025/26",
                         "全球经营活动90%的电力将来自可再生能源")),
        Kpi("KPI-SC", "1 Mt supply-chain GHG reduction by FY2025/26 vs FY2018/19",
            KpiKind.SUPPLY_CHAIN_REDUCTION, "t CO2e", 1_000_000.0, 2025, source=_K,
            reported=NOT_ON_TRACK,
            note="programme launched with main suppliers in FY2022/23 (chapter 6.0); the report "
            "gives no cumulative figure for it",
            names=_names("1 Mt supply-chain GHG reduction by FY2025/26 vs FY2018/19",
                         "减少供应链中100万吨温室气体排放")),
        Kpi("KPI-EFF-DS", "Desktop and server energy efficiency +50 % by FY2029/30",
            KpiKind.EFFICIENCY_GAIN, "% vs FY2018/19", 50.0, 2029,
            start_year=2018, start_value=0.0, source=_K, reported=KPI_ON_TRACK,
            names=_names("Desktop and server energy efficiency +50 % by FY2029/30",
                         "台式机和服务器能效提高50%")),
        Kpi("KPI-EFF-NB", "Notebook and Motorola energy efficiency +30 % by FY2029/30",
            KpiKind.EFFICIENCY_GAIN, "% vs base year", 30.0,
            2029, start_year=2018, start_value=0.0, source=_K, reported=KPI_ON_TRACK,
            note="notebooks vs FY2018/19, Motorola (MBG) products vs FY2020/21 (chapter 6.0)",
            names=_names("Notebook and Motorola energy efficiency +30 % by FY2029/30",
                         "笔记本和摩托罗拉产品能效提高30%")),
        Kpi("KPI-SUP-SBT", "Suppliers (by spend) committed to or with science-based targets",
            KpiKind.SUPPLIER_COVERAGE, "% of spend", 95.0, None, values={2023: 42.0},
            source=f"{REPORT}, 4.0 / 6.0: 42 % in FY2023/24, goal 95 % (no goal year given)",
            note="additional KPI (chapter 6), not in the four-KPI table",
            names=_names("Suppliers (by spend) committed to or with science-based targets",
                         "承诺制定或已经制定科学碳目标的供应商（按采购金额计）")),
    ]  # fmt: skip


def report_projects() -> list[Project]:
    """The project examples of chapter 5.0 with the figures the report states. No costs are
    published (several run as energy-performance contracts, 合同能源管理)."""
    hefei = f"{REPORT}, 5.0 灯塔工厂: 联想合肥产业基地（联宝科技）"
    return [
        Project(
            "HF-PV3", "Hefei (LCFC) rooftop PV phase 3, 3 MW",
            ProjectType.RENEWABLE_ONSITE, region="CN", site="LCFC Hefei",
            savings=(Saving("electricity", 2.8, "GWh"),), life_years=25, start_year=2023,
            factor_as_of=date(2021, 7, 1),
            source=f"{hefei}: 每年节能量280万度/年，减少能耗344.12吨标煤/年，减少二氧化碳1600吨",
            reported=ReportedFigures(344.12, 1600.0, -2,
                "t CO2 printed to the hundred; the report names no factor for it: the basis its "
                "footnote 8 states for the Shenzhen PV (2021 national average) rounds to it; "
                "lingtan reconcile shows the implied factor"),
            note="assumed basis: the 2021 national average of footnote 8 (stated for the "
            "Shenzhen PV), not Anhui's provincial factor",
            names=_names("Hefei (LCFC) rooftop PV phase 3, 3 MW", "联宝科技光伏三期（3 MW）"),
        ),
        Project(
            "HF-N2", "Hefei cryogenic nitrogen plant, 2000 m³/h",
            ProjectType.EFFICIENCY, region="CN-AH", site="LCFC Hefei",
            savings=(Saving("electricity", 3.9, "GWh"),), life_years=15, start_year=2024,
            source=f"{hefei}: 每年节电量390万度/年，减少能耗479.31吨标煤/年，减少二氧化碳2510吨",
            reported=ReportedFigures(479.31, 2510.0, 0,
                "the report names no factor; not reproduced: lingtan reconcile computes the "
                "implied factor and the nearest one in the library"),
            note="in operation from end of March 2024",
            names=_names("Hefei cryogenic nitrogen plant, 2000 m³/h",
                         "合肥深冷制氮（2000 m³/h）"),
        ),
        Project(
            "SZ-PV", "Shenzhen (South smart manufacturing base) PV",
            ProjectType.RENEWABLE_ONSITE, region="CN", site="Shenzhen",
            savings=(Saving("electricity", 2.8, "GWh"),), life_years=25, start_year=2023,
            factor_as_of=date(2021, 7, 1),
            source=f"{REPORT}, 5.0 联想南方智能制造基地: 年发电量280万度，"
            "可减少二氧化碳排放量1559吨; "
            "footnote 8: 依据2021年全国电力平均碳排因子0.5568 kgCO2/kWh",
            reported=ReportedFigures(None, 1559.0, 0, "factor as footnote 8: 2021 national"),
            note="grid-connected June 2023; the report uses the 2021 national factor (region CN: "
            "not Guangdong's provincial factor)",
            names=_names("Shenzhen (South smart manufacturing base) PV",
                         "联想南方智能制造基地光伏发电项目"),
        ),
        Project(
            "WH-CW", "Wuhan cooling-water retrofit", ProjectType.EFFICIENCY,
            region="CN-HB", site="Wuhan", savings=(Saving("electricity", 300.0, "MWh"),),
            life_years=10, start_year=2023,
            source=f"{REPORT}, 5.0 联想武汉产业基地: 可实现节能30万KW·h/年",
            reported=ReportedFigures(None, None, 0, "the report gives no tce or t CO2"),
            names=_names("Wuhan cooling-water retrofit", "武汉产业基地冷却水改造"),
        ),
    ]  # fmt: skip
