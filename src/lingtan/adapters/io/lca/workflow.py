"""The product-footprint workflow as library functions (for the CLI, the API and pages).

Load a family and its LCI database (bundled illustrative data by default), resolve the
use-phase grid factor of each configuration's market, build the footprint model once, apply
suppliers' PACT footprints, and compute footprints, Monte Carlo intervals, claims, labels and
efficiency tracking. Every result has a JSON-serialisable ``to_dict()``. The use cases over a
workbench (footprints, labels, PACT, claims) are :mod:`lingtan.adapters.services.products`; the
demo's claim is :mod:`lingtan.adapters.demo.products`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from lingtan.adapters.io.factor_files import read_gwp_sets
from lingtan.adapters.io.lca.folder import FAMILY_FILE, pact_files
from lingtan.adapters.io.lca.grid import grid_factor
from lingtan.adapters.io.lca.native import (
    Family,
    bundled_database,
    bundled_family,
    read_family_yaml,
    read_lci_yaml,
)
from lingtan.adapters.io.lca.pact import PactFootprint, apply_supplier_footprints, read_pact
from lingtan.modules.products.efficiency import EfficiencyRow, track
from lingtan.modules.products.footprint import Footprint, FootprintModel
from lingtan.modules.products.lci import LciDatabase, characterise
from lingtan.modules.products.model import Product
from lingtan.modules.products.montecarlo import MonteCarlo, MonteCarloResult

DEFAULT_BASE_URL = "https://example.org/lingtan"


@dataclass
class Workbench:
    """A loaded family, its database and the built model (one factorisation)."""

    family: Family
    db: LciDatabase
    model: FootprintModel
    on: date
    gwp_set: str
    replaced: tuple[str, ...] = ()

    def product(self, product_id: str | None = None) -> Product:
        """The product (first of the family by default) with grid factors resolved."""
        p = self.family.product(product_id) if product_id else self.family.products[0]
        return with_grid(p, self.on, self.gwp_set)

    def footprint(
        self, product_id: str | None = None, config_id: str | None = None, supply_chain: int = 10
    ) -> Footprint:
        """Footprint of one configuration (first by default)."""
        p = self.product(product_id)
        cid = config_id or p.configurations[0].config_id
        return self.model.footprint(p, cid, supply_chain)

    def footprints(self, product_id: str | None = None) -> list[Footprint]:
        """Footprints of every configuration of a product."""
        return self.model.footprints(self.product(product_id))

    def monte_carlo(
        self,
        product_id: str | None = None,
        config_id: str | None = None,
        iterations: int = 1000,
        seed: int = 0,
    ) -> MonteCarloResult:
        """Monte Carlo over the database's exchange uncertainties for one configuration
        (database lines only; supplier and grid-factor lines are added as fixed values)."""
        fp = self.footprint(product_id, config_id, supply_chain=0)
        from lingtan.modules.products.footprint import demand_of

        f = self.model.system.demand_vector(demand_of(r.line for r in fp.lines))
        res = MonteCarlo(self.model.system).run(f, iterations, seed)
        fixed = sum(r.line.direct_kg_co2e for r in fp.lines)
        return replace(res, scores=res.scores + fixed, static_score=res.static_score + fixed)

    def efficiency(self) -> list[EfficiencyRow]:
        """Energy-efficiency tracking of the family's records."""
        return track(self.family.energy, dict(self.family.base_year), dict(self.family.target_pct))


def with_grid(product: Product, on: date, gwp_set: str) -> Product:
    """``product`` with each configuration's use-phase grid factor resolved for its market."""
    configs = tuple(
        replace(c, use=replace(c.use, grid=grid_factor(c.use.market, on, gwp_set)))
        if c.use is not None and c.use.grid is None
        else c
        for c in product.configurations
    )
    return replace(product, configurations=configs)


def open_workbench(
    family_path: str | Path | None = None,
    database_path: str | Path | None = None,
    *,
    gwp_set: str = "AR6",
    on: date | None = None,
    pact_files: Sequence[str | Path] = (),
) -> Workbench:
    """Load a family and its database, apply PACT supplier footprints, build the model.

    ``pact_files``: PACT ``ProductFootprint`` files; a footprint whose ``productIds`` contain
    ``urn:lingtan:part:<part number>`` replaces that part's database average.
    """
    family = read_family_yaml(family_path) if family_path else bundled_family()
    if database_path:
        db = read_lci_yaml(database_path)
    elif family_path and family.database:
        db = read_lci_yaml(Path(family_path).parent / family.database)
    else:
        db = bundled_database()
    pacts: list[PactFootprint] = [pf for f in pact_files for pf in read_pact(f)]
    by_part = {
        pid.split(":")[-1]: pf.supplier_footprint()
        for pf in pacts
        for pid in pf.product_ids
        if pid.startswith("urn:lingtan:part:")
    }
    replaced: list[str] = []
    if by_part:
        products = []
        for p in family.products:
            q, hits = apply_supplier_footprints(p, by_part)
            products.append(q)
            replaced += hits
        family = replace(family, products=tuple(products))
    ch = characterise(db.flows, read_gwp_sets()[gwp_set])
    model = FootprintModel(db, ch, family.catalogue)
    return Workbench(family, db, model, on or date.today(), gwp_set, tuple(sorted(set(replaced))))


def open_products_folder(
    folder: Path, *, gwp_set: str = "AR6", on: date | None = None
) -> Workbench:
    """The workbench of a workspace's products folder (:mod:`lingtan.adapters.io.lca.folder`):
    its ``family.yaml`` and database, with every PACT document of ``pact/`` applied."""
    return open_workbench(
        folder / FAMILY_FILE, gwp_set=gwp_set, on=on, pact_files=pact_files(folder)
    )
