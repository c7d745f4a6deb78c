"""Demo data: the disclosed inventory reproduces the source report; the synthetic workspace and
the scale generator are deterministic, complete and internally consistent."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import yaml

from lingtan.adapters.demo import (
    EXPECTED,
    generate_activities,
    write_disclosed_workspace,
    write_synthetic_workspace,
)
from lingtan.adapters.demo.group import FACTOR_SETS, boundary
from lingtan.adapters.demo.scale import activity_types
from lingtan.adapters.io.factor_files import bundled_factor_sets, read_user_factor_set
from lingtan.adapters.io.intake import read_activity_file
from lingtan.core.activities import ACTIVITY_SCHEMA, STREAMS
from lingtan.core.boundary import Boundary, Consolidation, LegalEntity, Site
from lingtan.core.factors import EmissionFactor, make_factor, resolve, validate_groups
from lingtan.core.periods import FiscalCalendar
from lingtan.core.templates import NormaliseContext

ROOT = Path(__file__).resolve().parents[3]
CAL = FiscalCalendar(4)

# The report's appendix table (t CO2e), typed here independently of the module under test
# (SYSTEM.md §1): line → (FY2022/23, FY2023/24). Scope 2 is market-based.
REPORT_LINES: dict[tuple[int, int], tuple[int, int]] = {
    (1, 0): (6_303, 4_969),
    (2, 0): (19_540, 17_997),
    (3, 1): (8_662_378, 6_507_693),
    (3, 2): (833_800, 863_700),
    (3, 3): (12_924, 12_700),
    (3, 4): (538_156, 360_152),
    (3, 5): (1_808, 2_135),
    (3, 6): (38_846, 41_630),
    (3, 7): (45_568, 56_585),
    (3, 11): (8_451_000, 7_131_203),
    (3, 12): (157_000, 124_265),
}
YEARS = ("FY2022/23", "FY2023/24")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def disclosed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("disclosed")
    write_disclosed_workspace(directory)
    return directory


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("synthetic")
    write_synthetic_workspace(directory)
    return directory


@pytest.fixture(scope="module")
def lines(disclosed: Path) -> dict[str, dict[tuple[int, int], int]]:
    """Fiscal year → (scope, category; 0 for Scope 1 and 2 totals) → t CO2e, from the CSV."""
    out: dict[str, dict[tuple[int, int], int]] = defaultdict(dict)
    for row in read_csv(disclosed / "disclosed_inventory.csv"):
        fy = CAL.of(date.fromisoformat(row["date"])).label
        scope = int(row["scope"])
        key = (scope, int(row["category"]) if scope == 3 else 0)
        assert key not in out[fy], f"{fy} {key} entered twice"
        assert row["unit"] == "t"
        out[fy][key] = int(row["co2e"])
    return out


# ---- workspace (a): disclosed inventory ------------------------------------------------------


def test_disclosed_csv_reproduces_every_reported_line(
    lines: dict[str, dict[tuple[int, int], int]],
) -> None:
    for i, fy in enumerate(YEARS):
        assert lines[fy] == {key: values[i] for key, values in REPORT_LINES.items()}


def test_disclosed_rows_follow_the_template(disclosed: Path) -> None:
    rows = read_csv(disclosed / "disclosed_inventory.csv")
    assert len(rows) == 3 + 2 * len(REPORT_LINES)
    for row in rows:
        d = date.fromisoformat(row["date"])
        assert d == CAL.of(d).start, "date must be the first day of the fiscal year"
        assert row["site"] == "GROUP"
        assert row["basis"] == ("market" if row["scope"] == "2" else "")
        assert "盘查情况" in row["source_note"] or "排放情况" in row["source_note"]
        assert 1 <= int(row["category"]) <= 15


def test_expected_totals_are_the_sums_of_the_lines(
    lines: dict[str, dict[tuple[int, int], int]],
) -> None:
    for fy in YEARS:
        published = EXPECTED[fy]
        by_line = lines[fy]
        s3 = sum(v for (scope, _), v in by_line.items() if scope == 3)
        assert published["scope1_t"] == by_line[(1, 0)]
        assert published["scope2_market_t"] == by_line[(2, 0)]
        assert published["scope3_t"] == s3
        assert published["total_t"] == sum(by_line.values())
    assert sum(lines["FY2022/23"].values()) == 18_767_323
    assert sum(lines["FY2023/24"].values()) == 15_123_029


#: Where the printed report disagrees with its own lines (printed, computed from the lines at the
#: printed precision), typed here by hand; ``lingtan reconcile`` must find each of them
#: (tests/adapters/cli/test_cli_reconcile.py checks its output on the demo workspace).
KNOWN_DIFFERENCES: dict[tuple[str, str], tuple[float, float]] = {
    # 6,507,693 / 15,123,029 = 43.03 %; 46.16 % is FY2022/23's 8,662,378 / 18,767,323
    ("FY2023/24", "share_pct.s3.c1"): (46.16, 43.03),
    # 19,540 / 18,767,323 = 0.104 % → 0.10; printed 0.11 so that the scope shares add to 100 %
    ("FY2022/23", "share_pct.scope2_market"): (0.11, 0.10),
    # 0.60 + 2.60 + 2043.25 = 2046.45 ×10⁴ t; printed 2046.46
    ("FY2018/19", "summary_1e4_t.total"): (2046.46, 2046.45),
}


def _errata() -> dict[tuple[str, str], tuple[float, float]]:
    return KNOWN_DIFFERENCES


def test_printed_shares_match_computed_shares_except_recorded_errata(
    lines: dict[str, dict[tuple[int, int], int]],
) -> None:
    errata = _errata()
    for fy in YEARS:
        by_line = lines[fy]
        total = sum(by_line.values())
        computed = {f"share_pct.s3.c{c}": 100 * v / total for (s, c), v in by_line.items()
                    if s == 3}  # fmt: skip
        computed["share_pct.scope1"] = 100 * by_line[(1, 0)] / total
        computed["share_pct.scope2_market"] = 100 * by_line[(2, 0)] / total
        computed["share_pct.scope3"] = (
            100 - computed["share_pct.scope1"] - computed["share_pct.scope2_market"]
        )
        printed = {f"share_pct.s3.c{c}": v for c, v in EXPECTED[fy]["category_share_pct"].items()}
        printed |= {f"share_pct.{k}": v for k, v in EXPECTED[fy]["scope_share_pct"].items()
                    if k != "total"}  # fmt: skip
        assert printed.keys() == computed.keys()
        for item, value in computed.items():
            if (fy, item) in errata:
                was, should = errata[(fy, item)]
                assert was == printed[item]
                assert should == round(value, 2)
                assert was != should
            else:
                assert round(value, 2) == printed[item], (fy, item)


def test_copy_error_in_fy2023_24_category_1_share_is_in_the_published_figures() -> None:
    from lingtan.adapters.demo.published import HEADER, published_rows

    rows = {r[0]: dict(zip(HEADER, r, strict=True)) for r in published_rows()}
    c1 = rows["APP23-SH-C1"]
    assert (c1["value"], c1["fiscal_year"], c1["lingtan"]) == (
        "46.16", "FY2023/24", "share(s3.c1, total)"
    )  # fmt: skip
    assert "line 3151" in c1["reference"]
    assert EXPECTED["FY2023/24"]["category_share_pct"][1] == 46.16
    assert round(100 * 6_507_693 / 15_123_029, 2) == 43.03
    shares = EXPECTED["FY2023/24"]["category_share_pct"]
    assert round(sum(shares.values()), 2) == 102.96


def test_published_figures_agree_with_expected() -> None:
    """The published figures file and :data:`EXPECTED` hold the same printed numbers."""
    from lingtan.adapters.demo.published import HEADER, published_rows

    rows = {r[0]: dict(zip(HEADER, r, strict=True)) for r in published_rows()}
    for fy, p in (("FY2018/19", "BY"), ("FY2022/23", "SUM22"), ("FY2023/24", "SUM23")):
        s = EXPECTED[fy]["summary_1e4_t"]
        for key, code in (("scope1", "S1"), ("scope2_market", "S2"), ("scope3", "S3"),
                          ("total", "TOTAL")):  # fmt: skip
            assert float(rows[f"{p}-{code}"]["value"]) == s[key], (fy, key)
    for fy, p in (("FY2022/23", "APP22"), ("FY2023/24", "APP23")):
        for cat, share in EXPECTED[fy]["category_share_pct"].items():
            assert float(rows[f"{p}-SH-C{cat}"]["value"]) == share
        assert int(rows[f"{p}-TOTAL"]["value"].replace(",", "")) == EXPECTED[fy]["total_t"]


def test_summary_in_1e4_t_matches_lines(lines: dict[str, dict[tuple[int, int], int]]) -> None:
    errata = _errata()
    for fy in ("FY2018/19", *YEARS):
        by_line = lines[fy]
        summary = EXPECTED[fy]["summary_1e4_t"]
        s3 = sum(v for (scope, _), v in by_line.items() if scope == 3)
        assert round(by_line[(1, 0)] / 1e4, 2) == summary["scope1"]
        assert round(by_line[(2, 0)] / 1e4, 2) == summary["scope2_market"]
        assert round(s3 / 1e4, 2) == summary["scope3"]
        total = round(sum(by_line.values()) / 1e4, 2)
        if (fy, "summary_1e4_t.total") in errata:
            assert errata[(fy, "summary_1e4_t.total")] == (summary["total"], total)
        else:
            assert total == summary["total"]


def test_base_year_scope3_is_one_category_1_row_with_a_warning(disclosed: Path) -> None:
    rows = [r for r in read_csv(disclosed / "disclosed_inventory.csv")
            if r["date"] == "2018-04-01"]  # fmt: skip
    s3 = [r for r in rows if r["scope"] == "3"]
    assert len(rows) == 3
    assert len(s3) == 1
    assert s3[0]["category"] == "1"
    assert s3[0]["co2e"] == "20432500"
    assert "without category split" in s3[0]["source_note"]


def test_disclosed_yaml(disclosed: Path) -> None:
    text = (disclosed / "lingtan.yaml").read_text(encoding="utf-8")
    cfg = yaml.safe_load(text)
    assert cfg["organisation"] == "Source report group (disclosed inventory)"
    assert cfg["fiscal_year_start_month"] == 4
    assert cfg["consolidation"] == "operational_control"
    assert cfg["gwp_set"] == "AR5"
    assert cfg["base_year"] == "FY2018/19"
    assert "does not name its GWP set" in text
    assert [s["id"] for s in cfg["sites"]] == ["GROUP"]


# ---- workspace (b): synthetic ---------------------------------------------------------------


def _tree(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}  # fmt: skip


def test_synthetic_workspace_is_byte_identical_for_the_same_seed(tmp_path: Path) -> None:
    first = write_synthetic_workspace(tmp_path / "a", seed=7)
    write_synthetic_workspace(tmp_path / "b", seed=7)
    write_synthetic_workspace(tmp_path / "c", seed=8)
    a, b, c = _tree(tmp_path / "a"), _tree(tmp_path / "b"), _tree(tmp_path / "c")
    assert a == b
    assert a.keys() == c.keys()
    assert a != c
    assert len(first) == len(a)


def test_synthetic_workspace_has_one_file_per_template_and_year(synthetic: Path) -> None:
    expected = {"fuel", "vehicle_distance", "refrigerant", "direct_gas", "electricity", "energy",
                "instrument", "spend", "activity", "transport", "waste", "business_travel",
                "hotel", "commuting", "use_phase", "end_of_life"}  # fmt: skip
    for fy in ("fy2022-23", "fy2023-24"):
        names = {p.stem for p in (synthetic / "activity" / fy).glob("*.csv")}
        assert names == expected
        for p in (synthetic / "activity" / fy).glob("*.csv"):
            rows = read_csv(p)
            assert rows, p
            period = CAL.parse(fy.replace("-", "/").upper())
            for r in rows:
                for col in ("date", "vintage_start", "vintage_end", "period_end"):
                    if r.get(col):
                        assert period.contains(date.fromisoformat(r[col])), (p, r)
    for name in ("lingtan.yaml", "factors/demo-company.csv", "factors/demo-company.yaml",
                 "reference/fx_rates.csv", "reference/price_index.csv"):  # fmt: skip
        assert (synthetic / name).is_file()


def _documented_columns() -> dict[str, tuple[set[str], set[str]]]:
    """Template → (required, allowed) columns, parsed from docs/templates.md."""
    text = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    out: dict[str, tuple[set[str], set[str]]] = {}
    for line in text.splitlines():
        m = re.match(r"^\| `(\w+)` \|[^|]*\|(.*?)\| [^|]*\|$", line.replace(r"\|", "/"))
        if not m:
            continue
        cell = m.group(2)
        required = set(re.findall(r"\*\*(\w+)\*\*", cell))
        optional = set(re.findall(r"`(\w+)`", cell))
        out[m.group(1)] = (required, required | optional)
    return out


COMMON_OPTIONAL = {"description", "tier", "period_end", "dq_temporal", "dq_geographical",
                   "dq_technological", "dq_completeness", "dq_reliability"}  # fmt: skip


def test_synthetic_csv_headers_match_docs_templates(synthetic: Path) -> None:
    documented = _documented_columns()
    assert len(documented) >= 18
    for p in sorted((synthetic / "activity").rglob("*.csv")):
        with p.open(encoding="utf-8") as fh:
            header = set(next(csv.reader(fh)))
        required, allowed = documented[p.stem]
        assert required <= header, (p.name, required - header)
        assert header <= allowed | COMMON_OPTIONAL, (p.name, header - allowed - COMMON_OPTIONAL)


def test_synthetic_yaml_boundary(synthetic: Path) -> None:
    cfg = yaml.safe_load((synthetic / "lingtan.yaml").read_text(encoding="utf-8"))
    assert cfg["organisation"] == "Demo Electronics Group"
    assert cfg["factor_sets"] == ["demo-company", "cn-grid", "desnz-2025", "epa-hub-2025",
                                  "useeio-1.3"]  # fmt: skip
    b = Boundary(
        organisation=cfg["organisation"],
        entities=tuple(LegalEntity(e["id"], e["name"], float(e["ownership_pct"]),
                                   e["operational_control"], e["financial_control"], e["parent"],
                                   e["country"]) for e in cfg["entities"]),
        sites=tuple(Site(s["id"], s["name"], s["entity"], s["region"], s["kind"])
                    for s in cfg["sites"]),
    )  # fmt: skip
    assert b == boundary()
    regions = {s.id: s.region for s in b.sites}
    assert regions["TJ-FACTORY"] == "CN-TJ"
    assert regions["US-OFFICE"] == "US-EGRID-CAMX"
    assert regions["BJ-HQ"] == "CN-BJ"
    assert regions["HK-OFFICE"] == "HK"
    op = b.site_shares(Consolidation.OPERATIONAL_CONTROL)
    eq = b.site_shares(Consolidation.EQUITY_SHARE)
    assert op["HF-FACTORY"] == 1.0
    assert eq["HF-FACTORY"] == pytest.approx(0.51)
    assert op["SUZ-MOULDING"] == 0.0
    assert eq["SUZ-MOULDING"] == pytest.approx(0.30)


def test_instruments_never_exceed_consumption(synthetic: Path) -> None:
    for fy in ("fy2022-23", "fy2023-24"):
        folder = synthetic / "activity" / fy
        grid: dict[str, float] = defaultdict(float)
        for r in read_csv(folder / "electricity.csv"):
            if r["source"] == "grid":
                assert r["unit"] == "kWh"
                grid[r["site"]] += float(r["quantity"]) / 1000.0  # MWh
        claimed: dict[str, float] = defaultdict(float)
        pooled = 0.0
        ids = set()
        for r in read_csv(folder / "instrument.csv"):
            assert r["unit"] == "MWh"
            assert r["instrument_id"] not in ids
            ids.add(r["instrument_id"])
            if r["type"] == "gec":
                first, last = (int(x) for x in r["instrument_id"].rsplit("-", 2)[1:])
                assert last - first + 1 == int(r["quantity"]), "one GEC per MWh"
            if r["site"]:
                claimed[r["site"]] += float(r["quantity"])
            else:
                assert r["region"] == "CN"
                pooled += float(r["quantity"])
        assert {"TJ-FACTORY", "HF-FACTORY", "WH-FACTORY"} <= claimed.keys()
        assert pooled > 0
        for site, mwh in claimed.items():
            assert mwh <= grid[site], (fy, site)
        cn_left = sum(v - claimed.get(s, 0.0) for s, v in grid.items()
                      if boundary().site(s).region.startswith("CN"))  # fmt: skip
        assert pooled <= cn_left


def test_refrigerant_mass_balance_is_never_negative(synthetic: Path) -> None:
    for p in synthetic.glob("activity/*/refrigerant.csv"):
        for r in read_csv(p):
            if r["method"] != "mass_balance":
                continue
            v = {
                k: float(r[k] or 0)
                for k in (
                    "inventory_start",
                    "inventory_end",
                    "purchased",
                    "disposed",
                    "capacity_new",
                    "capacity_retired",
                )
            }
            emitted = (v["inventory_start"] - v["inventory_end"] + v["purchased"] - v["disposed"]
                       + v["capacity_retired"] - v["capacity_new"])  # fmt: skip
            assert 0 < emitted < 500, r


def test_end_of_life_shares_sum_to_100(synthetic: Path) -> None:
    for p in synthetic.glob("activity/*/end_of_life.csv"):
        total: dict[tuple[str, str, str], float] = defaultdict(float)
        for r in read_csv(p):
            total[(r["date"], r["product"], r["market"])] += float(r["share_pct"])
        assert total
        assert all(v == 100.0 for v in total.values())


def test_operational_magnitudes_are_plausible(synthetic: Path) -> None:
    """Tens of GWh per factory; PV ≈ 2.8 GWh/yr at Tianjin; Scope 1 + 2 of order 10⁴ t."""
    rows = read_csv(synthetic / "activity" / "fy2023-24" / "electricity.csv")
    by_site: dict[tuple[str, str], float] = defaultdict(float)
    for r in rows:
        by_site[(r["site"], r["source"])] += float(r["quantity"]) / 1e6  # GWh
    for site in ("TJ-FACTORY", "HF-FACTORY", "WH-FACTORY", "SZ-FACTORY"):
        assert 10 <= by_site[(site, "grid")] <= 80
    assert by_site[("TJ-FACTORY", "onsite_renewable")] == pytest.approx(2.8, rel=0.1)


def test_company_factors_load_and_are_marked_illustrative(synthetic: Path) -> None:
    rows = read_csv(synthetic / "factors" / "demo-company.csv")
    factors = [make_factor("demo-company", r, f"row {i}") for i, r in enumerate(rows, 2)]
    validate_groups(factors)
    types = {(f.activity_type, f.region) for f in factors}
    assert {("heat.steam", "CN"), ("cooling.district", "CN"), ("td_loss.electricity.grid", "CN"),
            ("wtt.electricity.grid", "CN"), ("electricity.residual_mix", "CN"),
            ("supplier.acme_displays.lcd_panel_14in", "GLO")} <= types  # fmt: skip
    assert all("illustrative" in f.source.publisher.lower() for f in factors)
    assert "ILLUSTRATIVE" in (synthetic / "factors" / "demo-company.yaml").read_text("utf-8")
    for name in ("fx_rates.csv", "price_index.csv"):
        ref = read_csv(synthetic / "reference" / name)
        assert {r["currency"] for r in ref} == {"CNY", "USD", "GBP"}
        assert all("not an official series" in r["source"] for r in ref)


# ---- scale generator ------------------------------------------------------------------------

N = 100_000


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_activities(N, seed=11, path=tmp_path_factory.mktemp("scale") / "a.parquet")


def test_generated_schema_and_row_ids(generated: Path) -> None:
    table = pq.read_table(generated)
    assert table.schema.equals(ACTIVITY_SCHEMA)
    assert table.num_rows == N
    assert table["row_id"].to_pylist() == list(range(1, N + 1))
    assert set(table["batch_id"].to_pylist()) == {f"synthetic-11-{N}"}
    for field in ACTIVITY_SCHEMA:
        if not field.nullable:
            assert table[field.name].null_count == 0, field.name


def test_generated_is_reproducible(generated: Path, tmp_path: Path) -> None:
    again = generate_activities(N, seed=11, path=tmp_path / "b.parquet")
    other = generate_activities(N, seed=12, path=tmp_path / "c.parquet")
    assert again.read_bytes() == generated.read_bytes()
    assert not pq.read_table(other).equals(pq.read_table(generated))


def test_generated_covers_every_scope_and_reported_category(generated: Path) -> None:
    table = pq.read_table(generated)
    pairs = set(zip(table["scope"].to_pylist(), table["category"].to_pylist(), strict=True))
    assert {s for s, _ in pairs} == {1, 2, 3}
    assert {c for s, c in pairs if s == 3} >= {1, 2, 4, 5, 6, 7, 11, 12}
    # category 3 comes from the engine's streams over own fuel and grid electricity
    own = pc.less_equal(table["scope"], 2)
    own_types = set(pc.filter(table["activity_type"], own).to_pylist())
    for stream in STREAMS:
        assert any(t.startswith(stream.prefix) for t in own_types), stream.prefix


def test_generated_dates_sites_and_types(generated: Path) -> None:
    table = pq.read_table(generated)
    dates = table["date"].to_pylist()
    assert min(dates) >= date(2022, 4, 1)
    assert max(dates) <= date(2024, 3, 31)
    sites = set(table["site"].to_pylist())
    assert sites <= {s.id for s in boundary().sites} | {"*"}
    types = set(table["activity_type"].to_pylist())
    assert 300 <= len(types) <= len(activity_types())
    currency = pc.is_in(table["unit"], value_set=pa.array(["CNY", "USD"]))
    assert table["price_year"].null_count == N - pc.sum(currency).as_py()


def test_workspace_rows_writes_bulk_parquet(tmp_path: Path) -> None:
    paths = write_synthetic_workspace(tmp_path, rows=1_000, years=("FY2023/24",))
    bulk = tmp_path / "bulk" / "activities.parquet"
    assert paths[-1] == bulk
    assert pq.read_metadata(bulk).num_rows == 1_000
    assert yaml.safe_load((tmp_path / "lingtan.yaml").read_text("utf-8"))["base_year"] == (
        "FY2023/24"
    )


# ---- against the import templates and the bundled factor library ----------------------------


@pytest.fixture(scope="module")
def library(synthetic: Path) -> dict[str, list[EmissionFactor]]:
    """Activity type → factors of the bundled sets and the workspace's demo-company set."""
    sets = [
        *bundled_factor_sets(),
        read_user_factor_set(synthetic / "factors" / "demo-company.csv"),
    ]
    out: dict[str, list[EmissionFactor]] = defaultdict(list)
    for s in sets:
        for f in s.factors:
            out[f.activity_type].append(f)
    return out


def _context(workspace: Path, known: frozenset[str]) -> NormaliseContext:
    cfg = yaml.safe_load((workspace / "lingtan.yaml").read_text("utf-8"))
    sites = {s["id"]: s["region"] for s in cfg["sites"]}
    return NormaliseContext("", sites, cfg["region"], CAL, known_activity_types=known)


def _unresolved(
    library: dict[str, list[EmissionFactor]], rows: set[tuple[str, str, str]]
) -> list[tuple[str, str, str]]:
    """(activity type, region, unit) combinations no factor of the library covers, whatever
    the date (dates are resolved as of 2100: any factor of the type, region chain and unit
    dimension qualifies)."""
    builtin = ("gas.", "co2e.", "electricity.onsite_renewable")
    on = date(2100, 1, 1)
    return sorted(
        key
        for key in rows
        if not key[0].startswith(builtin)
        and resolve(library.get(key[0], []), key[0], key[1], on, key[2], FACTOR_SETS) is None
    )


def test_synthetic_files_import_cleanly_and_resolve(
    synthetic: Path, library: dict[str, list[EmissionFactor]]
) -> None:
    ctx = _context(synthetic, frozenset(library))
    needed: set[tuple[str, str, str]] = set()
    imported = 0
    for p in sorted((synthetic / "activity").rglob("*.csv")):
        result = read_activity_file(p, context=ctx)
        assert result.issues == [], [str(i) for i in result.issues[:5]]
        table = result.instruments if result.template == "instrument" else result.activities
        assert table.num_rows == result.rows_read
        imported += table.num_rows
        if result.template == "instrument":
            continue
        for r in table.select(["activity_type", "region", "site", "unit"]).to_pylist():
            needed.add((r["activity_type"], r["region"] or ctx.sites[r["site"]], r["unit"]))
    assert imported > 4_000
    assert _unresolved(library, needed) == []


def test_disclosed_file_imports_cleanly(disclosed: Path) -> None:
    result = read_activity_file(
        disclosed / "disclosed_inventory.csv", context=_context(disclosed, frozenset())
    )
    assert result.issues == []
    assert result.activities.num_rows == 3 + 2 * len(REPORT_LINES)


def test_generated_activity_types_resolve(
    generated: Path, library: dict[str, list[EmissionFactor]]
) -> None:
    table = pq.read_table(generated, columns=["activity_type", "region", "site", "unit"])
    regions = {s.id: s.region for s in boundary().sites}
    needed = {
        (r["activity_type"], r["region"] or regions[r["site"]], r["unit"])
        for r in table.group_by(["activity_type", "region", "site", "unit"])
        .aggregate([])
        .to_pylist()
    }
    assert _unresolved(library, needed) == []
