"""A workspace for the climate risk register tests (issue 17, decision 0080), shared by the
service, API, web and CLI tests (and free for the other risk slices to reuse).

The workspace: organisation "Risk Co", sites HQ (the starter site, CN) and WH (Wuhan, CN); a
targets file with target ``S12`` and project ``PV1``; the supplier ``S-001`` is added to the
supplier register by :func:`add_supplier` (the store belongs to the workspace or the server).

:data:`REGISTER_CSV` holds four items in the register file's columns (the interface contract):

- T-CARBON, risk, policy_legal / carbon_pricing: L 3, C finance 4, reputation 2 →
  3 × 4 = 12 high; last reviewed 2024-05-01 → next 2025-05-01 (+ 12 months);
- P-TYPHOON, risk, physical_acute / acute_weather: L 4, C finance 5, production 4 →
  4 × 5 = 20 very high; a key unit, reviewed 2024-03-01 → next 2024-06-01 (+ 3 months);
- O-LOWCARB, opportunity, products_services / low_emission_products: L 3, C reputation 3,
  market share 4 → 3 × 4 = 12 high; never reviewed;
- T-DISCL, risk, policy_legal / disclosure_obligations: unrated, never reviewed.

(max aggregation: C = the highest dimension; bands ≥15 very high, 10–14 high, 5–9 medium.)
Under ``mean`` aggregation T-CARBON becomes 3 × (4 + 2)/2 = 9 medium, P-TYPHOON 4 × (5 + 4)/2 =
18 very high, O-LOWCARB 3 × (3 + 4)/2 = 10.5 high.
"""

from __future__ import annotations

from pathlib import Path

ORG = "Risk Co"
SITES = ("HQ", "WH")
TARGET = "S12"
PROJECT = "PV1"
SUPPLIER = "S-001"

HEADER = (
    "code,kind,category,driver,title,description,horizons,value_chain,owner,owner_unit,key_unit,"
    "likelihood,c_finance,c_reputation,c_production,c_human_capital,c_compliance,"
    "c_market_share,response,actions,financial_line,effect_low,effect_central,effect_high,"
    "currency,sites,suppliers,products,targets,projects,last_reviewed,source\n"
)
REGISTER_CSV = HEADER + (
    "T-CARBON,risk,policy_legal,carbon_pricing,Carbon price rises,ETS expansion,short;medium,"
    "own_operations,Li Wei,Finance,false,3,4,2,,,,,mitigate,Internal carbon price;PPAs,opex,"
    "1000000,2000000,5000000,CNY,HQ;WH,,,S12,PV1,2024-05-01,report 728-735\n"
    "P-TYPHOON,risk,physical_acute,acute_weather,Typhoons hit plants,Floods and wind,"
    "short;medium;long,own_operations;upstream,Zhang Min,Manufacturing,true,4,5,,4,,,,"
    "transfer,Insurance,capex,,,,,WH,,,,,2024-03-01,report 710-722\n"
    "O-LOWCARB,opportunity,products_services,low_emission_products,Low-carbon products,,"
    "short;medium;long,downstream,Chen Jie,Products,false,3,,3,,,,4,pursue,,revenue,,,,,,,,,,,"
    "report 950-957\n"
    "T-DISCL,risk,policy_legal,disclosure_obligations,Disclosure duties,,short,own_operations,"
    ",,false,,,,,,,,mitigate,,,,,,,,,,,,,report 736-740\n"
)

TARGETS = """\
organisation: Risk Co
fiscal_year_start_month: 4
emissions:
  FY2018/19: {scope1: 6000, scope2_market: 26000, scope3_total: 100000}
targets:
  - id: S12
    name: Operations -50 %
    scopes: [1, 2]
    base_year: FY2018/19
    target_year: FY2029/30
    reduction_pct: 50
projects:
  - {id: PV1, name: Rooftop PV, type: efficiency, reduction_t_per_year: 500, scope: 2,
     opex_per_year: 1000, life_years: 10, earliest_start: FY2024/25}
"""

_WH = """  - id: WH
    name: Wuhan plant
    entity: MAIN
    region: CN
    kind: factory
"""


def prepare(folder: Path) -> Path:
    """The workspace at ``folder`` (module docstring): sites HQ and WH, ``targets.yaml``, and
    ``risks.csv`` (:data:`REGISTER_CSV`) written, not imported."""
    from lingtan.adapters.store.workspace import init_workspace

    init_workspace(folder, organisation=ORG, region="CN", start_month=4).engine.dispose()
    cfg = folder / "lingtan.yaml"
    text = cfg.read_text(encoding="utf-8")
    assert "    kind: office\n" in text
    text = text.replace("    kind: office\n", "    kind: office\n" + _WH, 1)
    cfg.write_text(text, encoding="utf-8")
    (folder / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    (folder / "risks.csv").write_text(REGISTER_CSV, encoding="utf-8")
    return folder


def add_supplier(db: object, ctx: object) -> None:
    """Add supplier :data:`SUPPLIER` to the register of ``ctx``'s organisation."""
    from lingtan.adapters.services.suppliers import create_supplier

    create_supplier(db, ctx, {"code": SUPPLIER, "legal_name": "Supplier One Ltd",  # type: ignore[arg-type]
                              "country": "CN"})  # fmt: skip
