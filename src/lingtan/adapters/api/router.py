"""The JSON API's router: every route under ``/api/v1`` and the OpenAPI description.

The composition root (:func:`lingtan.adapters.server.app.create_app`) mounts it at
:data:`API_PREFIX`.
"""

from __future__ import annotations

from fastapi import APIRouter

from lingtan.adapters.api.routes import (
    audit,
    auth,
    boundary,
    circularity,  # issue 19: circularity ledgers
    control_tower,  # issue 19: the control tower
    disclosure_editions,  # issue 19: disclosure
    disclosure_mapping,
    disclosure_verification,
    factors,
    imports,
    inclusion_campaigns,  # issue 18: carbon inclusion
    inclusion_events,
    inclusion_methodologies,
    inclusion_programmes,
    inclusion_push,
    inclusion_report,
    inventories,
    orgs,
    products,
    reconcile,
    risk_aspects,  # issue 17: climate risk
    risk_governance,
    risk_hazards,
    risk_register,
    risk_scenarios,
    targets,
)
from lingtan.adapters.api.routes import certifications as cert_routes  # issue 16 (0077)
from lingtan.adapters.api.routes import energy as energy_routes  # issue 16 (0078)
from lingtan.adapters.api.routes import lifecycle as lifecycle_routes  # issue 11: export, deletion
from lingtan.adapters.api.routes import mappings as mapping_routes  # issue 13: mappings (0051)
from lingtan.adapters.api.routes import meters as meter_routes  # issue 16 (0078)
from lingtan.adapters.api.routes import oidc as oidc_routes  # issue 11: OpenID Connect (0040)
from lingtan.adapters.api.routes import pact as pact_routes  # issue 15: PACT (0068)
from lingtan.adapters.api.routes import setup as setup_routes  # issue 13: set-up (0056)
from lingtan.adapters.api.routes import supplier_programmes as sp_routes  # issue 15 (0067)
from lingtan.adapters.api.routes import supplier_requests as sr_routes  # issue 15 (0065)
from lingtan.adapters.api.routes import supplier_reviews as reviews_routes  # issue 15 (0064)
from lingtan.adapters.api.routes import suppliers as supplier_routes  # issue 15 (0063)
from lingtan.adapters.api.routes.common import GLOBAL_ERRORS

API_PREFIX = "/api/v1"

DESCRIPTION = """\
The lingtan (零碳) API: greenhouse-gas inventories (GHG Protocol Scope 1–3, ISO 14064-1) for
manufacturers, per organisation.

Authenticate with the session cookie (`POST /api/v1/auth/login`: `lingtan_session`,
`__Host-lingtan_session` when served over https) or an API token
(`Authorization: Bearer lt_…`, created with `POST /api/v1/orgs/{org}/tokens`). Masses are
t CO2e. Errors are `{"error": {"code", "message", "field"}}` with a stable `code`.
"""


def api_router() -> APIRouter:
    """Every router of the JSON API (without the ``/api/v1`` prefix)."""
    router = APIRouter(responses=GLOBAL_ERRORS)  # on every route (decision 0038)
    for module in (auth, orgs, boundary, factors, imports, inventories, targets, products, audit,
                   reconcile):  # fmt: skip
        router.include_router(module.router)
    router.include_router(setup_routes.router)  # exchange rates, own factor sets (0056)
    router.include_router(supplier_routes.router)  # supplier register (0063)
    router.include_router(cert_routes.router)  # certificates, zero-carbon (0077)
    router.include_router(lifecycle_routes.router)
    router.include_router(mapping_routes.router)  # column mappings (0051)
    router.include_router(oidc_routes.router)
    router.include_router(pact_routes.router)  # PACT credentials, publishing (0068)
    router.include_router(reviews_routes.router)  # ratings, CAPs, audits (0064)
    for sr_router in sr_routes.ROUTERS:  # supplier data requests (0065)
        router.include_router(sr_router)
    for sp_router in sp_routes.ROUTERS:  # supplier projects and training (0067)
        router.include_router(sp_router)
    router.include_router(meter_routes.router)  # meters, readings, production (0078)
    router.include_router(energy_routes.router)  # energy indicators, roll-up, bills (0078)
    for risk_module in (risk_aspects, risk_scenarios, risk_hazards, risk_governance, risk_register):
        router.include_router(risk_module.router)  # climate risk (issue 17)
    for incl in (
        inclusion_push,
        inclusion_methodologies,
        inclusion_campaigns,
        inclusion_events,
        inclusion_report,
        inclusion_programmes,
    ):
        router.include_router(incl.router)  # carbon inclusion (issue 18)
    for disc in (disclosure_verification, disclosure_mapping, disclosure_editions):
        router.include_router(disc.router)  # disclosure (issue 19)
    router.include_router(circularity.router)  # circularity ledgers (issue 19)
    router.include_router(control_tower.router)  # the control tower (issue 19)
    return router
