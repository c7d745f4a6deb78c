"""Product carbon footprints (issue 6): BOM-driven life-cycle assessment on sparse matrices.

Pure domain and engine on numpy/scipy; no file, no connection (DESIGN.md). Modules:

- :mod:`.errors`        one base exception (:class:`LcaError`) with specific subclasses
- :mod:`.lci`           life-cycle inventory data: processes, elementary flows, exchanges,
                        uncertainty, characterisation by GWP set
- :mod:`.engine`        matrix LCA: build once, factorise the transpose once, solve many
                        functional units; the adjoint score vector
- :mod:`.montecarlo`    Monte Carlo over exchange uncertainties (seeded, iterative with a
                        direct fallback)
- :mod:`.model`         products, configurations, multi-level BOMs, material declarations,
                        use profiles, transport legs, end-of-life routes, life-cycle stages
- :mod:`.footprint`     BOM → demand lines → footprints by stage, component, material and
                        supplier; hot spots; many configurations at once
- :mod:`.certification` footprint → reductions → retired credits → carbon-neutral claim
- :mod:`.efficiency`    energy-efficiency tracking per product line

Standards: ISO 14067:2018 (carbon footprint of products), ISO 14040/14044:2006 (LCA), GHG
Protocol Product Life Cycle Accounting and Reporting Standard (2011), PACT Technical
Specifications v2 (data exchange), ISO 14068-1:2023 (carbon neutrality).
"""
