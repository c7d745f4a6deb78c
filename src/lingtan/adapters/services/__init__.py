"""Plain functions used by the API routes and the web pages alike (never by querying models
directly): each takes the request's store session and, for organisation data, the
:class:`TenantContext` (or any :class:`Context`); functions that change something commit.

Importing this package imports none of its modules: each name below is imported on first use
(PEP 562), so ``lingtan --help`` and a CLI command load only the services they call. The imports
under ``TYPE_CHECKING`` are the one list of names (the type checker reads them; at run time
:func:`__getattr__` reads the same list from this file).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lingtan.adapters.services.audit import audit_entries, audit_verify
    from lingtan.adapters.services.boundary import (
        consolidation,
        create_entity,
        create_site,
        delete_entity,
        delete_site,
        get_entity,
        get_site,
        list_entities,
        list_sites,
        update_entity,
        update_site,
    )
    from lingtan.adapters.services.context import (
        Context,
        LocalContext,
        TenantContext,
        jsonable,
        open_tenant,
    )
    from lingtan.adapters.services.factors import factor_sets, search_factors, upload_factor_set
    from lingtan.adapters.services.imports import (
        fiscal_year_label,
        get_batch,
        job_status,
        list_batches,
        list_jobs,
        quarantine_rows,
        rejected_rows_file,
        start_calculation,
        start_import,
        template_file,
        templates,
    )
    from lingtan.adapters.services.inventories import (
        BREAKDOWNS,
        breakdown,
        explain_number,
        inventory_download,
        inventory_view,
        inventory_years,
        latest_inventory,
        list_snapshots,
    )
    from lingtan.adapters.services.orgs import (
        change_member_role,
        create_organisation,
        create_token,
        list_members,
        list_organisations,
        list_tokens,
        remove_member,
        rename_organisation,
        revoke_token,
    )


def _exports() -> dict[str, str]:
    """Name → module of the imports under ``TYPE_CHECKING`` above."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If))
    return {
        alias.asname or alias.name: str(node.module)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


_EXPORTS = _exports()


def __getattr__(name: str) -> Any:
    """Import ``name`` from its service module on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "BREAKDOWNS",
    "Context",
    "LocalContext",
    "TenantContext",
    "audit_entries",
    "audit_verify",
    "breakdown",
    "change_member_role",
    "consolidation",
    "create_entity",
    "create_organisation",
    "create_site",
    "create_token",
    "delete_entity",
    "delete_site",
    "explain_number",
    "factor_sets",
    "fiscal_year_label",
    "get_batch",
    "get_entity",
    "get_site",
    "inventory_download",
    "inventory_view",
    "inventory_years",
    "job_status",
    "jsonable",
    "latest_inventory",
    "list_batches",
    "list_entities",
    "list_jobs",
    "list_members",
    "list_organisations",
    "list_sites",
    "list_snapshots",
    "list_tokens",
    "open_tenant",
    "quarantine_rows",
    "rejected_rows_file",
    "remove_member",
    "rename_organisation",
    "revoke_token",
    "search_factors",
    "start_calculation",
    "start_import",
    "template_file",
    "templates",
    "update_entity",
    "update_site",
    "upload_factor_set",
]
