"""Climate risk and opportunity (issue 17; ../shared/specs/climate-risk.md): pure types and
calculations, no I/O.

- :mod:`.catalogue` — kinds, categories and drivers of risks and opportunities (TCFD, the
  report's §4.0), horizons, value-chain positions;
- :mod:`.matrix` — the scoring matrix (likelihood × consequence dimensions, aggregation,
  bands) and the review cadence;
- :mod:`.aspects` — significant environmental aspects (ISO 14001:2015 §6.1.2);
- :mod:`.scenarios` — scenario data sets and the run arithmetic (carbon cost, energy cost,
  product opportunity) with its inputs' hash;
- :mod:`.physical` — hazard indicators, vulnerability curves, expected annual damage and
  business interruption per site (IFRS S2 ¶29(c));
- :mod:`.governance` — governance bodies, meetings, climate agenda items, remuneration links
  (IFRS S2 ¶6, ¶29(g)).
"""
