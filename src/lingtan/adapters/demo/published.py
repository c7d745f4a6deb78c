"""The source report's **published figures**, as data for ``lingtan reconcile`` (demo workspace
(a), ``published/figures.csv``; format in docs/reconcile.md).

Every value is entered exactly as printed, with the line of the report text it is on
(``../shared/seeds/000_fbf9cbf94a988f67.txt``, the text of *2023/24 联想集团碳中和行动报告*):
the chapter-4 summary table "2022/23和2023/24财年温室气体排放情况" (10⁴ t, lines 1616–1666), the
two charts "运营碳排放构成" and the Scope 3 composition (lines 1689–1758), the appendix table
"联想集团2022/23和2023/24财年温室气体盘查情况" (t, lines 3027–3187), the Hefei and Shenzhen
project figures (lines 1945–1946, 1979–1980, 2086, 2096) and the supplier programme 星火行动
(lines 2294–2295).

Nothing here says which figures are wrong: ``lingtan reconcile`` finds that by computing each
figure from the disclosed lines (and, for projects, from energy × factor).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from lingtan.adapters.demo._files import csv_text, write_text

HEADER: Final = ("id", "label", "reference", "fiscal_year", "kind", "value", "unit", "decimals",
                 "lingtan", "region", "factor_as_of", "parts", "group", "note")  # fmt: skip
SUMMARY: Final = "4.0 summary table 2022/23和2023/24财年温室气体排放情况"
APPENDIX: Final = "appendix 联想集团2022/23和2023/24财年温室气体盘查情况"
T_CO2_NOTE: Final = (
    "printed as 排放量（吨CO2） (t CO2) while the inventory covers every Kyoto gas; entered as "
    "t CO2e; the report does not name its GWP set"
)
_SCOPES = (("S1", "scope1", "范围 1"), ("S2", "scope2_market", "范围 2（按市场计）"),
           ("S3", "scope3", "范围 3"))  # fmt: skip
_CATS = (1, 2, 3, 4, 5, 6, 7, 11, 12)

# (fiscal year, id prefix, S1/S2/S3/total values and lines, share values and lines), summary
_SUMMARY_ROWS: Final = (
    ("FY2018/19", "BY", ("0.60", 1620), ("2.60", 1626), ("2043.25", 1622), ("2046.46", 1624),
     ("0.03", 1628), ("0.13", 1634), ("99.84", 1630)),
    ("FY2022/23", "SUM22", ("0.63", 1636), ("1.95", 1642), ("1874.15", 1638), ("1876.73", 1640),
     ("0.03", 1644), ("0.11", 1650), ("99.86", 1646)),
    ("FY2023/24", "SUM23", ("0.50", 1652), ("1.80", 1658), ("1510.01", 1654), ("1512.30", 1656),
     ("0.03", 1660), ("0.12", 1666), ("99.85", 1662)),
)  # fmt: skip

# appendix: fiscal year → (categories (value, line) in _CATS order, total, S1, S2, S3,
# category shares, S1 share, S2 share, S3 share)
_APPENDIX: Final = {
    "FY2022/23": (
        [("8,662,378", 3027), ("833,800", 3029), ("12,924", 3031), ("538,156", 3033),
         ("1,808", 3035), ("38,846", 3037), ("45,568", 3039), ("8,451,000", 3041),
         ("157,000", 3043)],
        ("18,767,323", 3045), ("6,303", 3075), ("19,540", 3077), ("18,741,480", 3079),
        [("46.16", 3047), ("4.44", 3049), ("0.07", 3051), ("2.87", 3053), ("0.01", 3055),
         ("0.21", 3057), ("0.24", 3059), ("45.03", 3061), ("0.84", 3063)],
        ("0.03", 3081), ("0.11", 3083), ("99.86", 3079),
    ),
    "FY2023/24": (
        [("6,507,693", 3131), ("863,700", 3133), ("12,700", 3135), ("360,152", 3137),
         ("2,135", 3139), ("41,630", 3141), ("56,585", 3143), ("7,131,203", 3145),
         ("124,265", 3147)],
        ("15,123,029", 3149), ("4,969", 3179), ("17,997", 3181), ("15,100,063", 3183),
        [("46.16", 3151), ("5.71", 3153), ("0.08", 3155), ("2.38", 3157), ("0.01", 3159),
         ("0.28", 3161), ("0.37", 3163), ("47.15", 3165), ("0.82", 3167)],
        ("0.03", 3185), ("0.12", 3187), ("99.85", 3183),
    ),
}  # fmt: skip

Row = tuple[str, ...]


def _row(id_: str, label: str, ref: str, fy: str, kind: str, value: str, unit: str,
         decimals: int, sel: str, *, region: str = "", as_of: str = "", parts: str = "",
         group: str = "", note: str = "") -> Row:  # fmt: skip
    return (id_, label, ref, fy, kind, value, unit, str(decimals), sel, region, as_of, parts,
            group, note)  # fmt: skip


def _summary_rows() -> list[Row]:
    rows: list[Row] = []
    for fy, p, s1, s2, s3, total, sh1, sh2, sh3 in _SUMMARY_ROWS:
        for (code, sel, zh), (value, line) in zip(_SCOPES, (s1, s2, s3), strict=True):
            rows.append(_row(f"{p}-{code}", f"{zh} 排放量 (万吨)", f"{SUMMARY}, line {line}", fy,
                             "scope_total", value, "1e4 t", 2, sel))  # fmt: skip
        rows.append(_row(f"{p}-TOTAL", "合计 排放量 (万吨)", f"{SUMMARY}, line {total[1]}", fy,
                         "inventory_total", total[0], "1e4 t", 2, "total",
                         parts=f"{p}-S1+{p}-S2+{p}-S3"))  # fmt: skip
        for (code, sel, zh), (value, line) in zip(_SCOPES, (sh1, sh2, sh3), strict=True):
            rows.append(_row(f"{p}-SH-{code}", f"{zh} 占比", f"{SUMMARY}, line {line}", fy,
                             "share", value, "%", 2, f"share({sel}, total)",
                             group=f"{p}-SHARES"))  # fmt: skip
    return rows


def _appendix_rows() -> list[Row]:
    rows: list[Row] = []
    for fy, (cats, total, s1, s2, s3, shares, sh1, sh2, sh3) in _APPENDIX.items():
        p = f"APP{fy[4:6]}"
        ref = f"{APPENDIX}, {fy}"
        for c, (value, line) in zip(_CATS, cats, strict=True):
            rows.append(_row(f"{p}-C{c}", f"范围 3 类别 {c} 排放量（吨CO2）", f"{ref}, line {line}",
                             fy, "category_total", value, "t", 0, f"s3.c{c}"))  # fmt: skip
        for (code, sel, zh), (value, line) in zip(_SCOPES, (s1, s2, s3), strict=True):
            parts = "+".join(f"{p}-C{c}" for c in _CATS) if code == "S3" else ""
            rows.append(_row(f"{p}-{code}", f"{zh} 排放量（吨CO2）", f"{ref}, line {line}", fy,
                             "scope_total", value, "t", 0, sel, parts=parts))  # fmt: skip
        rows.append(_row(f"{p}-TOTAL", "合计 (范围 1+范围 2+范围 3)", f"{ref}, line {total[1]}",
                         fy, "inventory_total", total[0], "t", 0, "total",
                         parts=f"{p}-S1+{p}-S2+{p}-S3", note=T_CO2_NOTE))  # fmt: skip
        for c, (value, line) in zip(_CATS, shares, strict=True):
            rows.append(_row(f"{p}-SH-C{c}", f"类别 {c} 比例", f"{ref}, line {line}", fy, "share",
                             value, "%", 2, f"share(s3.c{c}, total)"))  # fmt: skip
        for (code, sel, zh), (value, line) in zip(_SCOPES, (sh1, sh2, sh3), strict=True):
            rows.append(_row(f"{p}-SH-{code}", f"{zh} 比例", f"{ref}, line {line}", fy, "share",
                             value, "%", 2, f"share({sel}, total)",
                             group=f"{p}-SHARES"))  # fmt: skip
    return rows


def _chart_rows() -> list[Row]:
    ops = "scope1+scope2_market"
    other = "scope3-s3.c1-s3.c2-s3.c11"
    chart_ops = "4.0 chart 运营碳排放构成"
    chart_s3 = "4.0 chart 范围 3 构成"
    rows: list[Row] = []
    for fy, p, total, s1, s2, c1, c11, c2, oth in (
        ("FY2022/23", "CH22", ("2.58", 1689), ("24", 1695), ("76", 1707), ("46", 1730),
         ("45", 1740), ("5", 1748), ("4", 1756)),
        ("FY2023/24", "CH23", ("2.30", 1692), ("22", 1697), ("78", 1709), ("43", 1732),
         ("47", 1742), ("6", 1750), ("4", 1758)),
    ):  # fmt: skip
        rows += [
            _row(f"{p}-OPS", "运营碳排放 (范围 1+2, 万吨)", f"{chart_ops}, line {total[1]}", fy,
                 "scope_total", total[0], "1e4 t", 2, ops),
            _row(f"{p}-OPS-S1", "运营碳排放构成: 范围 1", f"{chart_ops}, line {s1[1]}", fy,
                 "share", s1[0], "%", 0, f"share(scope1, {ops})", group=f"{p}-OPS"),
            _row(f"{p}-OPS-S2", "运营碳排放构成: 范围 2（按市场计）", f"{chart_ops}, line {s2[1]}",
                 fy, "share", s2[0], "%", 0, f"share(scope2_market, {ops})", group=f"{p}-OPS"),
            _row(f"{p}-S3-C1", "范围 3 构成: 所采购的商品及服务", f"{chart_s3}, line {c1[1]}", fy,
                 "share", c1[0], "%", 0, "share(s3.c1, scope3)", group=f"{p}-S3"),
            _row(f"{p}-S3-C11", "范围 3 构成: 使用已售出产品", f"{chart_s3}, line {c11[1]}", fy,
                 "share", c11[0], "%", 0, "share(s3.c11, scope3)", group=f"{p}-S3"),
            _row(f"{p}-S3-C2", "范围 3 构成: 资本货物", f"{chart_s3}, line {c2[1]}", fy, "share",
                 c2[0], "%", 0, "share(s3.c2, scope3)", group=f"{p}-S3"),
            _row(f"{p}-S3-OTHER", "范围 3 构成: 其他", f"{chart_s3}, line {oth[1]}", fy, "share",
                 oth[0], "%", 0, f"share({other}, scope3)", group=f"{p}-S3"),
        ]  # fmt: skip
    return rows


def _project_rows() -> list[Row]:
    fy = "FY2023/24"
    hefei = "5.0 合肥 (联宝科技)"
    sz = "5.0 联想南方智能制造基地"
    xh = "6.0 星火行动"
    return [
        _row("HF-PV3-E", "光伏三期 每年节能量 280万度/年", f"{hefei}, line 1945", fy, "energy",
             "2.8", "GWh", 1, "-"),
        _row("HF-PV3-TCE", "光伏三期 减少能耗 344.12吨标煤/年", f"{hefei}, line 1945", fy,
             "project_tce", "344.12", "tce", 2, "tce(HF-PV3-E)"),
        _row("HF-PV3-T", "光伏三期 减少二氧化碳 1600吨", f"{hefei}, line 1946", fy,
             "project_tco2e", "1600", "t", -2, "grid_tco2e(HF-PV3-E)", region="CN-AH",
             note="no factor named in the report"),
        _row("HF-N2-E", "深冷制氮 每年节电量 390万度/年", f"{hefei}, line 1979", fy, "energy",
             "3.9", "GWh", 1, "-"),
        _row("HF-N2-TCE", "深冷制氮 减少能耗 479.31吨标煤/年", f"{hefei}, line 1979", fy,
             "project_tce", "479.31", "tce", 2, "tce(HF-N2-E)"),
        _row("HF-N2-T", "深冷制氮 减少二氧化碳 2510吨", f"{hefei}, line 1980", fy,
             "project_tco2e", "2510", "t", 0, "grid_tco2e(HF-N2-E)", region="CN-AH",
             note="no factor named in the report; in operation from end of March 2024"),
        _row("SZ-PV-E", "基地光伏发电项目 年发电量 280万度", f"{sz}, line 2086", fy, "energy",
             "2.8", "GWh", 1, "-"),
        _row("SZ-PV-T", "可减少二氧化碳排放量 1559吨", f"{sz}, line 2086 (footnote 8, line 2096)",
             fy, "project_tco2e", "1559", "t", 0, "grid_tco2e(SZ-PV-E)", region="CN",
             as_of="2021-07-01",
             note="footnote 8: 依据2021年全国电力平均碳排因子0.5568 kgCO2/kWh (national, 2021)"),
        _row("XH-E", "星火行动 20年项目周期 节省用电 6.7亿度", f"{xh}, line 2295", fy, "energy",
             "670", "GWh", -1, "-"),
        _row("XH-T", "星火行动 20年项目周期 预计减碳量 66万吨", f"{xh}, line 2294", fy,
             "programme_tco2e", "660", "kt", -1, "grid_tco2e(XH-E)", region="CN",
             note="supplier programme (20+ suppliers); both figures over the 20-year life"),
    ]  # fmt: skip


def published_rows() -> list[Row]:
    """Every published figure of the demo, in report order by section."""
    return [*_summary_rows(), *_chart_rows(), *_appendix_rows(), *_project_rows()]


def write_published_figures(directory: Path) -> Path:
    """Write ``<directory>/published/figures.csv`` and return its path."""
    (directory / "published").mkdir(parents=True, exist_ok=True)
    return write_text(directory / "published" / "figures.csv", csv_text(HEADER, published_rows()))
