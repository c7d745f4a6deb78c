"""A buyer and a supplier organisation on one server, for the data-request tests (issue 15
item 4; decision 0065).

Buyer ``buyer`` (fiscal years from April): a spend file of FY2023/24 in CNY (price year 2023,
so the conversion to CNY is 1), Scope 3 category 1, by supplier [CNY]:

=====  =========  ==========  =========
code   spend      share       flags
=====  =========  ==========  =========
S1     420 000    42 %
S2     340 000    34 %        linked_org = ``seller``
S3     150 000    15 %
S4      60 000     6 %
S5      30 000     3 %        strategic
=====  =========  ==========  =========

Total 1 000 000. Top 95 % of spend by descending spend: S1 (42 %) → S2 (76 %) → S3 (91 %) →
S4 (97 % ≥ 95 %, crosses the line): {S1, S2, S3, S4}; ∪ strategic: + S5 — five requests.

Supplier ``seller``: the inventory of :func:`serverkit.seed_inventory` (site TJ01, electricity
FY2024/25), pushed to the buyer's request to S2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from serverkit import Server, owner_client, seed_inventory

BUYER = "buyer"
SELLER = "seller"
FY = "FY2023/24"
SPEND = {"S1": 420_000, "S2": 340_000, "S3": 150_000, "S4": 60_000, "S5": 30_000}
SPEND_CSV = "date,code,amount,currency,price_year,category,site,supplier\n" + "".join(
    f"2023-06-01,spend.xo.steel,{v},CNY,2023,1,HQ,{k}\n" for k, v in SPEND.items()
)
FACTORS = (
    "factor_id,activity_type,region,unit,gas,value,valid_from,publisher,dataset,edition,"
    "price_year\n"
    "xo/steel,spend.xo.steel,GLO,CNY,CO2,0.5,2020-01-01,Test Co,own factors,2024,2023\n"
)


def add_factor_set(ws: Path) -> None:
    """The ``xo`` factor set (0.5 kg CO2 per CNY of 2023) first in the workspace's priority."""
    cfg = ws / "lingtan.yaml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace("factor_sets: [", "factor_sets: [xo, "),
        encoding="utf-8",
    )
    (ws / "factors").mkdir(exist_ok=True)
    (ws / "factors" / "xo.csv").write_text(FACTORS, encoding="utf-8")


def _workspace_path(engine: Engine, slug: str) -> Path:
    from lingtan.adapters.store.scoping import request_session
    from lingtan.adapters.store.tenancy import organisation_by_slug

    with request_session(engine) as db:
        org = organisation_by_slug(db, slug)
        assert org is not None
        return Path(str(org.workspace_path))


def add_suppliers(engine: Engine, slug: str, rows: list[dict[str, Any]]) -> None:
    """Register suppliers of ``slug`` directly in the store (the register is helper S1's)."""
    from lingtan.adapters.store.scoping import request_session, tenant_session
    from lingtan.adapters.store.suppliers import Supplier
    from lingtan.adapters.store.tenancy import organisation_by_slug

    with request_session(engine) as db:
        org = organisation_by_slug(db, slug)
        assert org is not None
        org_id = int(org.id)
    with tenant_session(engine, org_id, actor="tests") as db:
        for r in rows:
            db.add(Supplier(**{"legal_name": r["code"] + " Ltd", "country": "CN", **r}))
        db.commit()


def buyer_and_seller(srv: Server) -> tuple[Any, Any]:
    """The buyer (spend imported, five suppliers registered) and the seller (an inventory);
    their owners' logged-in clients."""
    from lingtan.adapters.server.worker import run_pending

    buyer = owner_client(srv, "owner@buyer.example", BUYER)
    add_factor_set(_workspace_path(srv.engine, BUYER))
    # site HQ comes with the starter lingtan.yaml
    r = buyer.post(
        f"/api/v1/orgs/{BUYER}/imports",
        files={"file": ("spend.csv", SPEND_CSV.encode(), "text/csv")},
        data={"template": "spend"},
    )
    assert r.status_code in (200, 201, 202), r.text
    assert run_pending(srv.engine) >= 1
    add_suppliers(
        srv.engine,
        BUYER,
        [
            {"code": "S1", "status": "approved"},
            {"code": "S2", "status": "approved", "linked_org": SELLER},
            {"code": "S3", "status": "approved"},
            {"code": "S4", "status": "approved"},
            {"code": "S5", "status": "approved", "strategic": True},
        ],
    )
    seller = seed_inventory(srv, "owner@seller.example", SELLER)
    return buyer, seller
