"""The demo's climate register (``adapters.demo.climate_register``; issue 17 item 8, decision
0085): the source report's risks and opportunities with their printed horizons, in the
register file's headers, and ILLUSTRATIVE scores that give the report's stated conclusion.

Checked by hand against the report (``../shared/seeds/000_fbf9cbf94a988f67.txt``):

- carbon pricing "碳定价机制" (line 731) is a policy-and-legal risk (716), horizon "短期" (723);
- cyclones "气旋、飓风、台风" (729) acute (712), "短、中、长期" (718–719);
- precipitation and sea level (738–739) chronic (714), "中、长期" (721): the horizon cells
  follow the type column (712–716), not the drivers' extraction order (docs/risk-demo.md);
- technology (763, 776) "短、中期" (769), market / consumer behaviour (765, 778) "中、长期"
  (771), reputation / stakeholder expectations (767, 780) "短、中、长期" (773–774);
- every opportunity (932–984) "短、中、长期" (936–979).

Scores: score = L × max_d C_d under the default matrix (very high ≥ 15, lingtan's bands):
R01, R04, R08, O02, O04 → 4 × 4 = 16 (very high); R05, R06, R07, O01, O03, O05 → 3 × 4 = 12
or 4 × 3 = 12 (high); R02, R03 → 3 × 3 = 9 (medium).
"""

from __future__ import annotations

import csv
import io

from lingtan.adapters.demo import climate_register as cr
from lingtan.adapters.io.risk_files import COLUMNS, read_register_file
from lingtan.modules.risk.catalogue import (
    DRIVERS,
    HORIZONS,
    RESPONSES,
    VALUE_CHAIN,
    driver_fits,
    kind_of,
)
from lingtan.modules.risk.matrix import RiskMatrix

BY_CODE = {i.code: i for i in cr.ITEMS}
BY_DRIVER = {i.driver: i for i in cr.ITEMS}


def _rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(cr.register_csv().decode("utf-8"))))


def test_headers_are_the_register_files() -> None:
    assert cr.HEADERS == COLUMNS
    assert tuple(_rows()[0]) == COLUMNS


def test_the_reports_thirteen_rows() -> None:
    rows = _rows()
    assert [r["kind"] for r in rows].count("risk") == 8  # lines 729–780: 5 + 3 drivers
    assert [r["kind"] for r in rows].count("opportunity") == 5  # lines 945–984
    assert len({r["code"] for r in rows}) == len({r["driver"] for r in rows}) == 13


def test_codes_drivers_and_lists_are_the_catalogues() -> None:
    for item in cr.ITEMS:
        assert item.driver in DRIVERS, item.code
        assert driver_fits(item.driver, item.category), item.code
        assert kind_of(item.category) == item.kind, item.code
        assert set(item.horizons) <= set(HORIZONS)
        assert set(item.value_chain) <= set(VALUE_CHAIN)
        assert item.response in RESPONSES
        assert all(";" not in a and "|" not in a and "；" not in a for a in item.actions)


def test_printed_horizons() -> None:
    h = {i.driver: i.horizons for i in cr.ITEMS}
    assert h["carbon_pricing"] == ("short",)  # line 723
    assert h["disclosure_obligations"] == ("short",)  # line 725
    assert h["product_mandates"] == ("short",)  # line 727
    assert h["acute_weather"] == ("short", "medium", "long")  # lines 718–719
    assert h["chronic_climate"] == ("medium", "long")  # line 721
    assert h["low_emission_technology"] == ("short", "medium")  # line 769
    assert h["consumer_behaviour"] == ("medium", "long")  # line 771
    assert h["stakeholder_expectations"] == ("short", "medium", "long")  # lines 773–774
    for item in cr.ITEMS:
        if item.kind == "opportunity":  # lines 936–943, 975–979
            assert item.horizons == ("short", "medium", "long"), item.code


def test_titles_as_printed() -> None:
    assert BY_DRIVER["acute_weather"].title_zh == "气旋、飓风、台风"  # line 729
    assert BY_DRIVER["disclosure_obligations"].title_zh == "信息披露责任强化"  # line 733
    assert BY_DRIVER["stakeholder_expectations"].title_zh == "利益相关方期望"  # line 780
    assert BY_DRIVER["adaptation_solutions"].title_zh == "气候适应性解决方案的开发"  # 981–982
    assert BY_DRIVER["carbon_pricing"].description.startswith("碳市场扩容、碳价上涨")  # 746
    for item in cr.ITEMS:
        assert item.title == f"{item.title_zh} · {item.title_en}"


def test_every_row_says_its_scores_are_illustrative() -> None:
    for r in _rows():
        assert r["source"].startswith("report lines "), r["code"]
        assert r["source"].endswith("; scores illustrative (lingtan demo)"), r["code"]
        assert len(r["source"]) <= 300  # risk_item.source


def test_the_scores_give_the_reports_conclusion() -> None:
    """The highest band of the default matrix holds exactly the report's key drivers (lines
    1085–1086): the scores were chosen for it (module docstring)."""
    m = RiskMatrix()
    top = m.bands[0][0]
    rated = {i.driver: m.rate(i.likelihood, i.consequences) for i in cr.ITEMS}
    assert all(r is not None for r in rated.values())
    key = {d for d, r in rated.items() if r is not None and r.band == top}
    risks = {d for d in key if BY_DRIVER[d].kind == "risk"}
    assert risks == cr.REPORT_KEY_RISKS
    assert key - risks == cr.REPORT_KEY_OPPORTUNITIES
    r = rated["disclosure_obligations"]
    assert r is not None
    assert r.score == 16.0
    r = rated["carbon_pricing"]
    assert r is not None
    assert (r.score, r.band) == (9.0, "medium")


def test_the_file_reads_back() -> None:
    rows = read_register_file(cr.register_csv(), "demo.csv")
    assert [r.cells["code"] for r in rows] == [i.code for i in cr.ITEMS]
    assert rows[0].cells["description"] == cr.ITEMS[0].description
    assert rows[0].cells["horizons"] == "short;medium;long"
