"""The supplier projects and training page (decision 0067): the supply-chain KPI with its
progress and status, the implied-factor warning, the programmes, the ledger and the training
counts, in both languages; another organisation's user sees none of it.

Figures: one 星火 project XH-1 (S-1, ¥150 M, 33,500 MWh/yr, 33,000 t/yr, 20 years) measured
27,000 t from April to December 2023 (FY2023/24): implied 660,000 / 670,000 = 0.985 t/MWh >
0.7901 (CN-HE 2021) → warning; progress 27,000 / 1,000,000 = 2.7 %; pathway FY2023/24
1,000,000 · 2/4 = 500,000 t → off track. Training: ESG Day (conference) with two people.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from webkit import TestClient, create_site_app, login

from lingtan.adapters.store.db import make_engine
from lingtan.adapters.store.scoping import request_session, tenant_session
from lingtan.adapters.store.supplier_programmes import (
    SupplierAttendance,
    SupplierProgramme,
    SupplierProjectMeasurement,
    SupplierProjectProgramme,
    SupplierProjectRow,
    SupplierTrainingEvent,
)
from lingtan.adapters.store.suppliers import Supplier
from lingtan.adapters.store.tenancy import Organisation

Site = Any  # tests/adapters/web/conftest.py: Site


def _seed(site: Site) -> None:
    engine = make_engine(site.database_url)
    try:
        with request_session(engine) as db:
            org = db.scalar(select(Organisation).where(Organisation.slug == site.org))
            assert org is not None
            org_id = int(org.id)
        with tenant_session(engine, org_id) as db:
            s = Supplier(code="S-1", legal_name="Spark Supplier", country="CN",
                         status="approved", company_ids=[], categories=[])  # fmt: skip
            prog = SupplierProgramme(code="XINGHUO", name="星火行动", description="")
            db.add_all([s, prog])
            db.flush()
            p = SupplierProjectRow(
                code="XH-1", supplier_id=s.id, name="Spark retrofit", type="compressed_air",
                region="CN", capex_cny=150e6, start=date(2022, 6, 1), life_years=20,
                ex_ante=[{"carrier": "electricity", "quantity": 33_500, "unit": "MWh"}],
                ex_ante_t_per_year=33_000, factor_basis="", basis_factor=0.5568,
                attribution_pct=100.0,
            )  # fmt: skip
            db.add(p)
            db.flush()
            db.add(SupplierProjectProgramme(project_id=p.id, programme_id=prog.id))
            m = SupplierProjectMeasurement(project_id=p.id, start=date(2023, 4, 1),
                                           end=date(2023, 12, 31), t_co2e=27_000,
                                           electricity_mwh=0.0, savings=[], note="")  # fmt: skip
            db.add(m)
            e = SupplierTrainingEvent(code="ESG-DAY", kind="conference", title="Supplier ESG Day",
                                      held_on=date(2023, 11, 8), organiser="")  # fmt: skip
            db.add(e)
            db.flush()
            for person in ("Li Lei", "Han Meimei"):
                db.add(SupplierAttendance(event_id=e.id, supplier_id=s.id, supplier_code="S-1",
                                          person=person, person_key=person.lower(),
                                          completed=True))  # fmt: skip
            db.commit()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def client(
    site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Site]]:
    site = site_factory(tmp_path_factory.mktemp("supplier-programmes"))
    _seed(site)
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        yield c, site


def test_page_shows_kpi_warning_ledger_and_training(client: tuple[TestClient, Site]) -> None:
    c, site = client
    r = c.get(f"/o/{site.org}/supplier-programmes?lang=en")
    assert r.status_code == 200, r.text
    html = r.text
    assert 'id="supply-chain-kpi" data-status="off_track"' in html
    assert "Off track" in html
    assert "27,000" in html  # cumulative attributed
    assert "500,000" in html  # pathway FY2023/24
    assert "2.7" in html  # progress [%]
    assert 'id="implied-warnings"' in html
    text = re.sub(r"<[^>]+>", "", html)  # the sentence's names and figures are marked as data
    assert "the implied factor 0.9851 t CO2e/MWh exceeds the highest grid factor of CN" in text
    assert '<span translate="no">CN</span>' in html
    assert 'data-project="XH-1" class="warning"' in html
    assert "0.985" in html
    row = '<tr data-kind="conference"><td>Conference</td><td class="num">1</td>'
    assert row in html
    zh = c.get(f"/o/{site.org}/supplier-programmes?lang=zh-CN").text
    assert "供应链减排目标" in zh
    assert "隐含排放因子 0.9851" in zh
    assert "星火行动" in zh
    # a fiscal year without events: the training section says so
    html = c.get(f"/o/{site.org}/supplier-programmes?lang=en&fy=FY2021-22").text
    assert 'id="no-training"' in html


def test_another_organisation_sees_nothing(
    client: tuple[TestClient, Site], site_factory: Callable[[Path], Site]
) -> None:
    _, site = client
    with TestClient(create_site_app(site), follow_redirects=False) as other:
        login(other, site.outsider)
        assert other.get(f"/o/{site.org}/supplier-programmes").status_code in (403, 404)
        html = other.get(f"/o/{site.other_org}/supplier-programmes?lang=en").text
        assert "XH-1" not in html
        assert "Spark" not in html
        assert 'id="no-projects"' in html
