"""A hand-built sample edition document for the disclosure tests (issue 19, decision 0095).

:func:`sample_document` returns a small
:class:`~lingtan.modules.disclosure.document.EditionDocument` of the organisation ``kit``
("Kit Co 样本公司") for FY2023/24 (2023-04-01 … 2024-03-31), every heading a
catalogue key of ``disc_render.sample.*`` (so its rendering does not depend on other slices'
wording), four sections in :data:`SECTION_ORDER` order:

- ``organisation``: a paragraph (label with an argument), a table of text and date cells, and the
  narrative ``organisation`` (zh-CN and en);
- ``ghg_inventory``: the table ``inv_by_scope`` — scope 1 1,234.5 t, scope 2 (location)
  567.25 t, scope 3 cat. 1 8,910.125 t (digits 1, 2, 1 → printed 1,234.5 / 567.25 / 8,910.1),
  total 1,234.5 + 567.25 + 8,910.125 = 10,711.875 → 10,711.9 (digits 1; ``explain`` of the
  snapshot), each with its ``lingtan explain`` selection; a share column (scope 3 share
  8,910.125 / 10,711.875 = 83.18 %, digits 2 → 83.18 %, a ``ref``); a ``na`` cell (scope 2
  market-based not available); the table ``inv_trend`` (FY2021/22 11,000, FY2022/23 10,500,
  FY2023/24 10,711.875 → 10,712 with digits 0) and the chart ``inv_trend_chart`` drawing it;
  the narrative ``ghg_inventory`` in English only (the zh-CN rendering says not available);
- ``metrics_targets``: a paragraph whose label carries a number argument, a table of targets
  with a text cell holding HTML-like characters (``<b>R&D</b>`` — shown as entered, escaped),
  the pillar narrative field ``metrics_targets.targets`` (zh-CN and en, under its label);
- ``circularity``: :func:`empty_section` — not available.

Facts are stated for each section (the sample states only a few of each section's facts; it is a
rendering sample, not a producer). :data:`SNAPSHOT` is the (made-up) snapshot id the explain
selections name. :func:`sample_document` returns a fresh copy each time (tests may mutate it).
"""

from __future__ import annotations

import copy

from lingtan.core.hashing import canonical_sha256
from lingtan.modules.disclosure.document import (
    SCHEMA,
    Chart,
    EditionDocument,
    Fact,
    FactStatus,
    Section,
    empty_section,
    label,
    na,
    number,
    text,
)
from lingtan.modules.disclosure.facts import facts_of

ORG = "kit"
ORG_NAME = "Kit Co 样本公司"
FY = "FY2023/24"
PERIOD = ("2023-04-01", "2024-03-31")
SNAPSHOT = "5a1e" + "0" * 60
K = "disc_render.sample."

#: the inventory figures (t CO2e) and the digits they are printed with
SCOPE1, SCOPE2_LOC, SCOPE3_C1 = 1234.5, 567.25, 8910.125
TOTAL = SCOPE1 + SCOPE2_LOC + SCOPE3_C1  # 10,711.875
SHARE_S3 = round(SCOPE3_C1 / TOTAL * 100, 6)  # 83.18…%
TREND = (11000.0, 10500.0, TOTAL)


def _facts(section: str, status: FactStatus, source: str) -> dict[str, Fact]:
    return {f: {"status": status, "source": source} for f in facts_of(section)}


def _organisation() -> Section:
    return {
        "key": "organisation",
        "title": K + "organisation",
        "pillar": None,
        "available": True,
        "paragraphs": [label(K + "period", start=PERIOD[0], end=PERIOD[1])],
        "tables": [
            {
                "key": "org_sites",
                "title": K + "sites",
                "columns": [
                    {"key": "site", "label": K + "col.site"},
                    {"key": "country", "label": K + "col.country"},
                    {"key": "since", "label": K + "col.since"},
                ],
                "rows": [
                    [text("总部 HQ"), text("CN"), {"kind": "date", "v": "2011-01-01"}],
                    [text("Wuhan plant 武汉工厂"), text("CN"), {"kind": "date", "v": "2018-07-15"}],
                ],
            }
        ],
        "charts": [],
        "narratives": ["organisation"],
        "facts": {
            "org.identity": {"status": "complete", "source": "workspace"},
            "org.responsible": {"status": "missing", "source": "not_available"},
            "org.boundary": {"status": "complete", "source": "workspace"},
            "org.reporting_boundary": {"status": "partial", "source": "workspace"},
        },
    }


def _inventory() -> Section:
    sel = {"snapshot": SNAPSHOT}
    chart: Chart = {
        "key": "inv_trend_chart",
        "title": K + "trend",
        "kind": "bar",
        "x": ["FY2021/22", "FY2022/23", "FY2023/24"],
        "series": [{"label": label(K + "total"), "values": list(TREND)}],
        "unit": "t CO2e",
        "table": "inv_trend",
    }
    return {
        "key": "ghg_inventory",
        "title": K + "inventory",
        "pillar": "metrics_targets",
        "available": True,
        "paragraphs": [label(K + "gwp")],
        "tables": [
            {
                "key": "inv_by_scope",
                "title": K + "by_scope",
                "columns": [
                    {"key": "scope", "label": K + "col.scope"},
                    {"key": "emissions", "label": K + "col.emissions", "unit": "t CO2e"},
                    {"key": "share", "label": K + "col.share", "unit": "%"},
                ],
                "rows": [
                    [
                        label(K + "scope1"),
                        number(SCOPE1, "t CO2e", 1, explain={**sel, "scope": 1}),
                        na(),
                    ],
                    [
                        label(K + "scope2_location"),
                        number(
                            SCOPE2_LOC,
                            "t CO2e",
                            2,
                            explain={**sel, "scope": 2, "basis": "location"},
                        ),
                        na(),
                    ],
                    [label(K + "scope2_market"), na(K + "no_instruments"), na()],
                    [
                        label(K + "scope3_cat", category=1),
                        number(SCOPE3_C1, "t CO2e", 1, explain={**sel, "scope": 3, "category": 1}),
                        number(SHARE_S3, "%", 2, ref="share:scope3/total"),
                    ],
                    [label(K + "total"), number(TOTAL, "t CO2e", 1, explain=dict(sel)), na()],
                ],
                "note": K + "note_location",
            },
            {
                "key": "inv_trend",
                "title": K + "trend",
                "columns": [
                    {"key": "fy", "label": K + "col.fy"},
                    {"key": "total", "label": K + "col.emissions", "unit": "t CO2e"},
                ],
                "rows": [
                    [text(fy), number(v, "t CO2e", 0, ref=f"snapshot:{fy}")]
                    for fy, v in zip(chart["x"], TREND, strict=True)
                ],
            },
        ],
        "charts": [chart],
        "narratives": ["ghg_inventory"],
        "facts": _facts("ghg_inventory", "complete", f"snapshot:{SNAPSHOT}")
        | {"ghg.scope2_market": {"status": "missing", "source": "not_available"}},
    }


def _metrics_targets() -> Section:
    return {
        "key": "metrics_targets",
        "title": K + "metrics_targets",
        "pillar": "metrics_targets",
        "available": True,
        "paragraphs": [label(K + "target_count", n=2)],
        "tables": [
            {
                "key": "mt_targets",
                "title": K + "targets",
                "columns": [
                    {"key": "target", "label": K + "col.target"},
                    {"key": "reduction", "label": K + "col.reduction", "unit": "%"},
                    {"key": "by", "label": K + "col.by"},
                ],
                "rows": [
                    [
                        text("S12 <b>R&D</b> 减排"),
                        number(42, "%", 0, ref="target:S12"),
                        text("2030"),
                    ],
                    [text("S3 suppliers"), number(25.5, "%", 1, ref="target:S3"), text("2032")],
                ],
            }
        ],
        "charts": [],
        "narratives": ["metrics_targets.targets"],
        "facts": _facts("metrics_targets", "missing", "not_available")
        | {"mt.targets": {"status": "complete", "source": "targets"}},
    }


def _document() -> EditionDocument:
    return {
        "schema": SCHEMA,
        "org": ORG,
        "organisation_name": ORG_NAME,
        "fiscal_year": FY,
        "period_start": PERIOD[0],
        "period_end": PERIOD[1],
        "inputs": {
            f"snapshot:{FY}": SNAPSHOT,
            "targets": "b" * 64,
            "narratives": "c" * 64,
        },
        "sections": [
            _organisation(),
            _inventory(),
            _metrics_targets(),
            empty_section(
                "circularity", K + "circularity", "metrics_targets", facts_of("circularity")
            ),
        ],
        "narratives": {
            "organisation": {
                "zh-CN": "本公司自2011年起编制温室气体清单。\n第二段：边界为运营控制。",
                "en": (
                    "We have compiled a GHG inventory since 2011.\n"
                    "Second paragraph: operational control."
                ),
            },
            "ghg_inventory": {"en": "Scope 3 dominates & is <estimated>."},
            "metrics_targets.targets": {
                "zh-CN": "目标经董事会批准。",
                "en": "The board approved the targets.",
            },
        },
        "supersedes": None,
        "restatement": None,
    }


_DOC = _document()
#: the sample's edition id (its canonical SHA-256)
EDITION_ID = canonical_sha256(_DOC)


def sample_document() -> EditionDocument:
    """A fresh copy of the sample edition document."""
    return copy.deepcopy(_DOC)
