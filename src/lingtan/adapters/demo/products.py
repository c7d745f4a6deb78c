"""The product demo (issue 6): ILLUSTRATIVE data only — the bundled notebook family and
inventory (``lingtan/data/lca``), a supplier's PACT footprint of its SSD, and a carbon-neutral
claim (ISO 14068-1:2023) backed by fictional credits (VCS, improved cookstoves).

- :func:`demo_claim`: the claim ``lingtan products demo`` (and ``lingtan demo``) prints, with
  its credits retired in a register built here;
- :func:`write_demo_product_files`: the same family, inventory, PACT file and claim as an
  organisation's products folder (``lingtan serve --demo``; the claim is issued by
  :func:`lingtan.adapters.services.products.write_demo_products`).
"""

from __future__ import annotations

import math
import os
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from lingtan.adapters.io.lca.folder import (
    CLAIMS_FILE,
    FAMILY_FILE,
    PACT_DIR,
    PRODUCTS_DIR,
    products_folder,
)
from lingtan.adapters.io.lca.workflow import DEFAULT_BASE_URL, Workbench
from lingtan.core.errors import LingtanError
from lingtan.modules.products.certification import ProductClaim, claim_product
from lingtan.modules.products.footprint import Footprint

#: the demo's claimed configuration and claim period (FY2024/25)
DEMO_PRODUCT, DEMO_CONFIG = "LB14-G5", "i7-32-1t-GB"
DEMO_PERIOD = (date(2024, 4, 1), date(2025, 3, 31))
#: the supplier's PACT footprint bundled with the demo family
DEMO_PACT = "supplier-ssd-pact.json"


def demo_pact_text() -> str:
    """The bundled supplier PACT document (``lingtan/data/lca/supplier-ssd-pact.json``)."""
    lca = resources.files("lingtan").joinpath("data", "lca")
    return lca.joinpath(DEMO_PACT).read_text(encoding="utf-8")


class _Retired:
    """A retirement record for registers without the targets module (demo only)."""

    def __init__(self, claim_id: str, quantity: float, retired_on: date, serials: str) -> None:
        self.claim_id, self.quantity, self.retired_on, self.serials = (
            claim_id,
            quantity,
            retired_on,
            serials,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim_id,
            "quantity": self.quantity,
            "retired_on": self.retired_on.isoformat(),
            "serials": self.serials,
        }


class _List:
    def __init__(self, items: list[_Retired]) -> None:
        self.items = items

    def retired_for(self, claim_id: str) -> list[_Retired]:
        return [r for r in self.items if r.claim_id == claim_id]


def demo_claim(
    wb: Workbench,
    fp: Footprint,
    units: int = 10_000,
    base_url: str = DEFAULT_BASE_URL,
    period: tuple[date, date] = DEMO_PERIOD,
) -> ProductClaim:
    """The demo's carbon-neutral claim: ``units`` products of one configuration, credits
    retired in the targets module's register (fictional holding) for the residual [t CO2e,
    whole credits rounded up]."""
    claim_id = f"{fp.product_id}/{fp.configuration_id}/FY{period[0].year}"
    need = int(-(-fp.total * units // 1000))  # whole credits, rounded up [t]
    try:
        from lingtan.modules.targets.credits import CreditBlock, CreditRegister, SerialRange
        from lingtan.modules.targets.plan import CreditKind

        reg: Any = CreditRegister()
        reg.add(
            CreditBlock(
                "DEMO-1",
                "VCS",
                "VCS-0000 (fictional)",
                "improved cookstoves",
                period[0].year - 1,
                CreditKind.AVOIDANCE,
                SerialRange("VCS-0000-DEMO", 1, need + 500),
            )
        )
        reg.retire("DEMO-1", need, claim_id=claim_id, retired_on=period[1])
    except (ImportError, AttributeError, TypeError, LingtanError):  # targets module absent or
        # changed: the demo keeps working with a plain list of retirements
        reg = _List([_Retired(claim_id, need, period[1], f"VCS-0000-DEMO-1…{need}")])
    return claim_product(
        claim_id,
        fp,
        units,
        period[0],
        period[1],
        reg,
        reductions=wb.family.reductions,
        base_url=base_url,
    )


def write_demo_product_files(workspace: Path, *, units: int = 10_000) -> Path | None:
    """The bundled ILLUSTRATIVE notebook family as the organisation's product data
    (``products/``: family, inventory, the supplier's PACT SSD footprint) with one public,
    carbon-neutral claim of configuration ``i7-32-1t-GB`` in FY2024/25: fictional credits
    (VCS, improved cookstoves, vintage 2023) retired for the residual, rounded up to whole
    tonnes — as ``lingtan products demo`` does. Kept when ``products/`` exists; returns the
    folder written, else None."""
    from lingtan.adapters.io.lca.native import bundled_text
    from lingtan.adapters.io.lca.workflow import open_workbench

    folder = products_folder(workspace)
    if folder.exists():
        return None
    tmp = workspace / f".{PRODUCTS_DIR}.tmp"
    (tmp / PACT_DIR).mkdir(parents=True, exist_ok=True)
    family = bundled_text("laptops.yaml")
    (tmp / FAMILY_FILE).write_text(family, encoding="utf-8")
    (tmp / "illustrative-ict.yaml").write_text(
        bundled_text("illustrative-ict.yaml"), encoding="utf-8"
    )
    (tmp / PACT_DIR / DEMO_PACT).write_text(demo_pact_text(), encoding="utf-8")
    product, config = DEMO_PRODUCT, DEMO_CONFIG
    start, end = DEMO_PERIOD
    claim_id = f"{product}/{config}/FY{start.year}"
    wb = open_workbench(
        tmp / FAMILY_FILE, on=end, pact_files=sorted((tmp / PACT_DIR).glob("*.json"))
    )
    need = math.ceil(wb.footprint(product, config, 0).total * units / 1000)  # whole credits [t]
    claims = {
        "product_claims": [
            {"id": claim_id, "product": product, "configuration": config, "units": units,
             "period_start": start.isoformat(), "period_end": end.isoformat(), "public": True}
        ],
        "credits": {
            "holdings": [
                {"id": "DEMO-1", "standard": "VCS", "project_id": "VCS-0000 (fictional)",
                 "project_type": "improved cookstoves", "vintage": start.year - 1,
                 "kind": "avoidance", "serial_prefix": "VCS-0000-DEMO", "serial_start": 1,
                 "serial_end": need + 500}
            ],
            "retirements": [
                {"holding": "DEMO-1", "serial_start": 1, "serial_end": need, "claim": claim_id,
                 "retired_on": end.isoformat(), "note": "fictional demo retirement"}
            ],
        },
    }  # fmt: skip
    header = (
        "# lingtan demo: carbon-neutral product claims (ISO 14068-1) and the credits retired\n"
        "# for them. ILLUSTRATIVE: fictional credits for the fictional notebook family.\n"
    )
    (tmp / CLAIMS_FILE).write_text(
        header + yaml.safe_dump(claims, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    os.replace(tmp, folder)
    return folder
