"""Import templates: what each input file looks like, and how its rows become activities.

The executable form of ``docs/templates.md`` (generated from :mod:`.catalogue` by
``tools/gen_templates_doc.py``). Pure: it never opens a file. The reading side (CSV/XLSX, typing
of cells) is :mod:`lingtan.adapters.io.intake`, which hands :func:`normalise` a table of
already-typed columns plus a ``source_row`` column.

- :mod:`.spec`: :class:`Column`, :class:`Template`, :class:`NormaliseContext`,
  :class:`NormaliseResult`, the schemas :data:`NORMALISED_SCHEMA` and :data:`INSTRUMENT_SCHEMA`;
- :mod:`.catalogue`: every template as data (:data:`TEMPLATES`), in English and Chinese;
- :mod:`.validation`: the row checks (required cells, choices, ranges, units, sites, periods,
  categories); :mod:`.units`: unit dimensions;
- :mod:`.normalise`: validation, the template's normaliser, assembly of the activities.

The normalisers themselves are calculation methods: they live in :mod:`lingtan.core.methods`
(per scope) and are registered, dated and versioned, in :mod:`lingtan.core.methods.registry`.

Invariant: **every row either becomes an activity or is reported as a**
:class:`~lingtan.core.errors.RowIssue` **, never both and never neither** — a row with any issue
produces no activity, so nothing is silently dropped and nothing wrong is silently counted.

Standards the classification and formulas follow:

- Scope 1 and 2 categories: GHG Protocol Corporate Standard (2004) ch. 4; Scope 2: GHG Protocol
  Scope 2 Guidance (2015) ch. 6 (location- and market-based from one activity row, contractual
  instruments per Table 7.1).
- Scope 3 categories: GHG Protocol Scope 3 Standard (2011) ch. 5 and Table 5.4, with the methods of
  the Technical Guidance for Calculating Scope 3 Emissions (2013), category by category.
- Refrigerants: GHG Protocol HFC tool ("Calculating HFC and PFC emissions from the manufacturing,
  installation, operation and disposal of refrigeration and air-conditioning equipment", v1.0) and
  IPCC 2006 Guidelines Vol. 3 ch. 7 (mass-balance and screening methods).
"""

from __future__ import annotations

from lingtan.core.templates.catalogue import (
    TEMPLATES,
    UnknownTemplateError,
    example_rows,
    get_template,
    template_names,
)
from lingtan.core.templates.normalise import empty_activities, normalise
from lingtan.core.templates.spec import (
    BUILTIN_PREFIXES,
    BUILTIN_TYPES,
    DIMENSIONS,
    INSTRUMENT_SCHEMA,
    NORMALISED_SCHEMA,
    Column,
    ColumnKind,
    NormaliseContext,
    NormaliseResult,
    Template,
    is_builtin_activity_type,
    match_choice,
)
from lingtan.core.templates.units import describe_unit

__all__ = [
    "BUILTIN_PREFIXES",
    "BUILTIN_TYPES",
    "DIMENSIONS",
    "INSTRUMENT_SCHEMA",
    "NORMALISED_SCHEMA",
    "TEMPLATES",
    "Column",
    "ColumnKind",
    "NormaliseContext",
    "NormaliseResult",
    "Template",
    "UnknownTemplateError",
    "describe_unit",
    "empty_activities",
    "example_rows",
    "get_template",
    "is_builtin_activity_type",
    "match_choice",
    "normalise",
    "template_names",
]
