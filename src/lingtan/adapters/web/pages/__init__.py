"""The web app's pages (server-rendered HTML): one router, one module per area.

``router`` is what :func:`lingtan.adapters.web.mount_web` includes in the FastAPI app.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from lingtan.adapters.web import csrf
from lingtan.adapters.web.pages import (
    admin,
    auth,
    imports,
    inventory,
    oidc,
    products,
    reconcile,  # issue 10: published figures, reconciled
    reference,
    setup,  # issue 13: entities, sites, exchange rates, own factor sets (decision 0056)
    targets,
)

#: every POST to a page must carry the session's CSRF token (403 otherwise)
router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.check)])
for _module in (auth, inventory, targets, products, imports, reference, setup, admin, reconcile):
    router.include_router(_module.router)
router.include_router(oidc.router)  # issue 11: OpenID Connect sign-in (decision 0040)

__all__ = ["router"]
