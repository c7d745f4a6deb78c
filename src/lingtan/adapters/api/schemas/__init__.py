"""Request and response bodies of the API (Pydantic 2), one module per area (docs/api.md,
section "Schemas"; decision 0048).

One naming convention throughout: ``<Thing>Public`` is what the API answers, ``<Thing>Create``
the body of a ``POST``, ``<Thing>Update`` the body of a ``PATCH`` or ``PUT``; a ``POST`` that
performs an action names the action as a noun (``LoginCreate``, ``PasswordResetCreate``).
Shared field types (bounded text, e-mail, region, UTC times) are in :mod:`.common`. Import a
schema from its area's module (``from lingtan.adapters.api.schemas.orgs import MemberUpdate``).
"""
