"""The disclosure facts: what an edition's sections state and the framework mapping reads.

A fact is one thing a disclosure framework asks for, named once in lingtan's own words
(``ghg.scope1``, ``gov.remuneration``): the section that owns it states its status (complete,
partial, missing — :class:`~.document.Fact`), and each framework requirement (an IFRS S2
paragraph, an HKEX requirement, a CDP question, an ISO 14064-1 clause) binds to one or more facts
or to a narrative field (:mod:`.frameworks`). Its label is the catalogue key
``disc_map.fact.<key>`` (zh-CN and en).

:data:`FACTS` maps each fact to the section of :data:`~.document.SECTION_ORDER` that states it;
every section producer states every fact of its section (a test checks it), so that a
requirement's status is always computed, never assumed.
"""

from __future__ import annotations

#: fact key → the section that states it
FACTS: dict[str, str] = {
    # organisation (ISO 14064-1 cl. 9.3.1 a–c; GHG Protocol ch. 3–4)
    "org.identity": "organisation",  # organisation, period covered
    "org.responsible": "organisation",  # the person responsible for the report
    "org.boundary": "organisation",  # consolidation approach, entities, sites
    "org.reporting_boundary": "organisation",  # categories' significance criteria
    # the inventory (ISO 14064-1 cl. 9.3.1 d–j; IFRS S2 29(a)(i), (iv), (v), (vi))
    "ghg.scope1": "ghg_inventory",
    "ghg.scope2_location": "ghg_inventory",
    "ghg.scope2_market": "ghg_inventory",
    "ghg.contractual_instruments": "ghg_inventory",
    "ghg.scope3": "ghg_inventory",
    "ghg.scope3_categories": "ghg_inventory",  # every category calculated or excluded with reason
    "ghg.by_gas": "ghg_inventory",
    "ghg.biogenic": "ghg_inventory",  # biogenic CO2 reported separately
    "ghg.removals": "ghg_inventory",
    "ghg.consolidated_split": "ghg_inventory",  # consolidated group vs other investees
    "ghg.intensity": "ghg_inventory",
    "ghg.base_year": "ghg_inventory",
    "ghg.recalculation": "ghg_inventory",  # base-year recalculation policy and restatements
    "ghg.completeness": "ghg_inventory",  # no row left uncalculated
    # methods (ISO 14064-1 cl. 9.3.1 k–q; IFRS S2 29(a)(iii))
    "ghg.methods": "ghg_methods",
    "ghg.factors": "ghg_methods",
    "ghg.gwp": "ghg_methods",
    "ghg.uncertainty": "ghg_methods",
    "ghg.data_quality": "ghg_methods",
    "ghg.exclusions": "ghg_methods",
    "ghg.changes": "ghg_methods",  # changes against the previous period
    # governance (IFRS S2 5–7; HKEX Part D governance)
    "gov.body": "governance",
    "gov.oversight": "governance",  # meetings, how often, what was decided
    "gov.management_role": "governance",
    "gov.remuneration": "governance",  # IFRS S2 29(g)
    # strategy (IFRS S2 8–23)
    "strat.risks": "strategy",
    "strat.opportunities": "strategy",
    "strat.horizons": "strategy",
    "strat.business_model": "strategy",  # where in the value chain, effects on the business
    "strat.financial_effects": "strategy",
    "strat.transition_plan": "strategy",
    "strat.scenarios": "strategy",  # climate resilience, scenario analysis
    # risk management (IFRS S2 24–26)
    "rm.process": "risk_management",
    "rm.cadence": "risk_management",
    "rm.integration": "risk_management",
    "rm.aspects": "risk_management",  # ISO 14001 significant aspects
    # metrics and targets (IFRS S2 27–37; HKEX Part C A1–A2)
    "mt.targets": "metrics_targets",
    "mt.progress": "metrics_targets",
    "mt.kpis": "metrics_targets",
    "mt.credits": "metrics_targets",  # IFRS S2 36(e): planned use of carbon credits
    "mt.internal_carbon_price": "metrics_targets",  # IFRS S2 29(f)
    "mt.energy": "metrics_targets",  # energy by type
    "mt.energy_intensity": "metrics_targets",
    "mt.transition_risk_exposure": "metrics_targets",  # IFRS S2 29(b)
    "mt.physical_risk_exposure": "metrics_targets",  # IFRS S2 29(c)
    "mt.opportunity_revenue": "metrics_targets",  # IFRS S2 29(d)
    "mt.capital_deployment": "metrics_targets",  # IFRS S2 29(e)
    "mt.supplier_engagement": "metrics_targets",  # CDP 5.11
    "mt.inclusion": "metrics_targets",  # carbon-inclusion participation
    # circularity (certification-circularity spec)
    "circ.materials": "circularity",
    "circ.packaging": "circularity",
    "circ.returnables": "circularity",
    "circ.takeback": "circularity",
    "circ.kpis": "circularity",
    # checks and errata (the spec's consistency checks)
    "checks.consistency": "checks",
    # verification (ISO 14064-1 cl. 9.3.1 r; ISO 14064-3; CDP 7.9)
    "ver.statement": "verification",
    "ver.scope_level": "verification",
}


def facts_of(section: str) -> list[str]:
    """The facts :data:`FACTS` gives to ``section``, in their order."""
    return [key for key, owner in FACTS.items() if owner == section]
