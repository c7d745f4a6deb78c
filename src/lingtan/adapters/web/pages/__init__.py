"""The web app's pages (server-rendered HTML): one router, one module per area.

``router`` is what :func:`lingtan.adapters.web.mount_web` includes in the FastAPI app.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from lingtan.adapters.web import csrf
from lingtan.adapters.web.pages import (
    admin,
    auth,
    certifications,  # issue 16: certificates, zero-carbon assessment (decision 0077)
    circularity,  # issue 19: circularity ledgers
    control_tower,  # issue 19: the control tower
    disclosure_editions,  # issue 19: editions, narratives
    disclosure_mapping,  # issue 19: the framework mapping table
    disclosure_verification,  # issue 19: verification records
    energy,  # issue 16: site energy, meters, production (decision 0078)
    imports,
    inclusion_campaigns,  # issue 18: rewards, campaigns, leaderboards
    inclusion_events,  # issue 18: events, fraud review
    inclusion_member,  # issue 18: the member page
    inclusion_methodologies,  # issue 18: methodology packs
    inclusion_programmes,  # issue 18: programmes, accounts, partners, consent
    inclusion_report,  # issue 18: overview and programme report
    inventory,
    oidc,
    products,
    reconcile,  # issue 10: published figures, reconciled
    reference,
    risk_aspects,  # issue 17: significant environmental aspects
    risk_governance,  # issue 17: governance records
    risk_hazards,  # issue 17: physical risk per site
    risk_register,  # issue 17: the risk register, heat map, reviews
    risk_scenarios,  # issue 17: scenario runs
    setup,  # issue 13: entities, sites, exchange rates, own factor sets (decision 0056)
    supplier_programmes,  # issue 15: supplier projects and training (decision 0067)
    supplier_requests,  # issue 15: data requests, coverage, answer form (decision 0065)
    supplier_reviews,  # issue 15: ratings, CAPs, audits, scorecards (decision 0064)
    suppliers,  # issue 15: the supplier register (decision 0063)
    targets,
)

#: every POST to a page must carry the session's CSRF token (403 otherwise)
router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.check)])
router.include_router(supplier_requests.router)  # first: /suppliers/coverage before /{code}
for _module in (auth, inventory, targets, products, imports, reference, setup, admin, reconcile):
    router.include_router(_module.router)
router.include_router(supplier_reviews.router)  # issue 15 (decision 0064)
router.include_router(supplier_programmes.router)  # issue 15 (decision 0067)
router.include_router(suppliers.router)  # issue 15: register (decision 0063)
router.include_router(energy.router)  # issue 16: site energy (decision 0078)
router.include_router(certifications.router)  # issue 16: certificates (decision 0077)
for _risk in (risk_aspects, risk_scenarios, risk_hazards, risk_governance, risk_register):
    router.include_router(_risk.router)  # issue 17: climate risk (fixed paths before /{code})
for _incl in (
    inclusion_member,
    inclusion_methodologies,
    inclusion_campaigns,
    inclusion_events,
    inclusion_programmes,
    inclusion_report,
):
    router.include_router(_incl.router)  # issue 18: carbon inclusion (fixed paths first)
for _disc in (disclosure_verification, disclosure_mapping, disclosure_editions):
    router.include_router(_disc.router)  # issue 19: disclosure (fixed paths first)
router.include_router(circularity.router)  # issue 19: circularity ledgers
router.include_router(control_tower.router)  # issue 19: the control tower
router.include_router(oidc.router)  # issue 11: OpenID Connect sign-in (decision 0040)

__all__ = ["router"]
