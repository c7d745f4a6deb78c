"""The product use cases (``services.products``): one composition of the product workbench for
``lingtan products`` and the server; the demo's product data come from ``adapters/demo``;
errors are ``ServiceError`` only."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from lingtan.adapters.demo.products import DEMO_CONFIG, DEMO_PRODUCT, write_demo_product_files
from lingtan.adapters.io.lca.folder import CLAIMS_FILE, ISSUED_DIR, products_folder
from lingtan.adapters.io.lca.workflow import open_products_folder
from lingtan.adapters.services import products as svc
from lingtan.adapters.services.errors import ServiceError

ON = date(2024, 6, 30)


def test_the_demo_folder_and_the_bundled_family_give_the_same_footprint(tmp_path: Path) -> None:
    folder = write_demo_product_files(tmp_path)
    assert folder == products_folder(tmp_path)
    assert (folder / CLAIMS_FILE).is_file()
    assert not (folder / ISSUED_DIR).exists()  # issuing is the service's part
    assert write_demo_product_files(tmp_path) is None  # kept when it exists
    stored = open_products_folder(folder, on=ON)
    bench = svc.open_bench(on=ON, pact_files=sorted((folder / "pact").glob("*.json")))
    a = svc.bench_footprint(stored, DEMO_PRODUCT, DEMO_CONFIG, 0)
    b = svc.footprint(bench, DEMO_PRODUCT, DEMO_CONFIG, 0)
    assert a.total == pytest.approx(b.total)
    assert stored.replaced == bench.replaced != ()


def test_write_demo_products_issues_the_claim(tmp_path: Path) -> None:
    folder = svc.write_demo_products(tmp_path)
    assert folder is not None
    ((_sha, record),) = svc.issued_versions(folder, DEMO_PRODUCT, DEMO_CONFIG)
    assert record["issued_by"] == "lingtan demo"
    assert record["public"] is True
    assert svc.write_demo_products(tmp_path) is None


def test_workbench_use_cases(tmp_path: Path) -> None:
    wb = svc.open_bench(on=ON)
    fp = svc.footprint(wb)
    doc = svc.write_pact_file(fp, tmp_path / "pact.json", company_name="X", company_ids=["urn:x"])
    assert json.loads((tmp_path / "pact.json").read_text(encoding="utf-8")) == doc
    svg, png, url = svc.write_label_files(fp, "https://example.org", tmp_path)
    assert svg.is_file()
    assert png.is_file()
    assert url.startswith("https://example.org")
    assert svc.efficiency(wb)
    mc = svc.monte_carlo(wb, iterations=50, seed=1)
    assert mc.static_score == pytest.approx(svc.footprint(wb, supply_chain=0).total)


def test_bad_input_is_a_service_error(tmp_path: Path) -> None:
    wb = svc.open_bench(on=ON)
    with pytest.raises(ServiceError) as exc:
        svc.footprint(wb, "NO-SUCH-PRODUCT")
    assert exc.value.kind == "invalid"
    missing = tmp_path / "family.yaml"
    with pytest.raises(ServiceError) as exc:
        svc.open_bench(missing)
    assert exc.value.kind == "invalid"
    with pytest.raises(ServiceError) as exc:
        svc.import_lca(tmp_path, "csv")
    assert (exc.value.kind, exc.value.field) == ("invalid", "format")
