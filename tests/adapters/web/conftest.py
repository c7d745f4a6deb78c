"""Fixtures of the web app's tests: a small real inventory document, the translators."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lingtan.adapters.i18n.messages import Translator
from lingtan.core.inventory import AggregateRow, build_inventory


def _row(scope: int, category: int, site: str, month: str, kg: float, **kw: Any) -> AggregateRow:
    return AggregateRow(
        scope=scope,
        category=category,
        iso_category=kw.get("iso", 1 if scope == 1 else 2 if scope == 2 else 4),
        basis=kw.get("basis", "both"),
        gas=kw.get("gas", "CO2"),
        site=site,
        month=month,
        method="test",
        tier=kw.get("tier", "activity"),
        co2e_kg=kg,
        rows=1,
    )


def small_inventory(fiscal_year: str = "FY2023/24", scale: float = 1.0) -> dict[str, Any]:
    """A hand-made inventory (kg → t):
    Scope 1: cat 1 at TJ 1,000,000 kg = 1,000 t; cat 2 at WH 250,000 kg = 250 t → 1,250 t
    Scope 2: electricity at TJ, market 2,000,000 kg = 2,000 t, location 3,000,000 kg = 3,000 t
    Scope 3: cat 1 at org level (*) 5,000,000 kg = 5,000 t; cat 6 at WH 750,000 kg = 750 t
    Total market = 1,250 + 2,000 + 5,750 = 9,000 t; location = 1,250 + 3,000 + 5,750 = 10,000 t
    """
    start = int(fiscal_year[2:6])
    m1, m2 = f"{start}-04", f"{start}-05"
    rows = [
        _row(1, 1, "TJ", m1, 1_000_000 * scale),
        _row(1, 2, "WH", m2, 250_000 * scale, gas="CH4"),
        _row(2, 1, "TJ", m1, 2_000_000 * scale, basis="market", iso=2),
        _row(2, 1, "TJ", m1, 3_000_000 * scale, basis="location", iso=2),
        _row(3, 1, "*", m2, 5_000_000 * scale, tier="spend"),
        _row(3, 6, "WH", m1, 750_000 * scale, iso=3),
    ]
    inv = build_inventory(
        rows,
        organisation="Test Org",
        fiscal_year=fiscal_year,
        period_start=f"{start}-04-01",
        period_end=f"{start + 1}-03-31",
        gwp_set="AR5",
        consolidation="operational_control",
        site_entities={"TJ": "E-TJ", "WH": "E-WH"},
        snapshot_id="abc123" * 4,
    )
    return inv.to_dict()


@pytest.fixture
def inv() -> dict[str, Any]:
    return small_inventory()


@pytest.fixture
def make_inventory() -> Callable[..., dict[str, Any]]:
    """:func:`small_inventory` for tests that need several years."""
    return small_inventory


@pytest.fixture(params=["en", "zh-CN"])
def t(request: pytest.FixtureRequest) -> Translator:
    return Translator(request.param)


# -- a served site: the synthetic demo workspace registered as an organisation ------------------

SYNTHETIC_YEARS = ("FY2022/23", "FY2023/24")
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Site:
    """A data folder with a server database: organisation ``synthetic`` (the demo manufacturer,
    two fiscal years calculated), organisation ``other`` (empty), and users
    ``owner@`` (owner of synthetic), ``viewer@`` (viewer of synthetic) and ``outsider@`` (owner
    of other only), all with :data:`PASSWORD`."""

    root: Path
    database_url: str
    owner: str = "owner@lingtan.invalid"
    viewer: str = "viewer@lingtan.invalid"
    outsider: str = "outsider@lingtan.invalid"
    org: str = "synthetic"
    other_org: str = "other"


@pytest.fixture(scope="session")
def built_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic demo workspace, imported and calculated once per test session (~5 s)."""
    from lingtan.adapters.demo.synthetic import write_synthetic_workspace
    from lingtan.adapters.io.importer import import_file
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.store.workspace import open_workspace

    folder = tmp_path_factory.mktemp("built") / "synthetic"
    files = write_synthetic_workspace(folder, years=SYNTHETIC_YEARS)
    ws = open_workspace(folder)
    skip = {folder / "factors", folder / "reference"}
    for f in sorted(p for p in files if p.suffix in (".csv", ".xlsx") and p.parent not in skip):
        import_file(ws, f)
    for year in SYNTHETIC_YEARS:
        calculate_year(ws, year)
    ws.engine.dispose()
    return folder


def make_site(built: Path, root: Path) -> Site:
    """Copy the built workspace under ``root``, create the server database and register the
    organisations and users (the backend's bootstrap functions, as ``lingtan serve`` does)."""
    from lingtan.adapters.store.bootstrap import adopt_workspace, create_user
    from lingtan.adapters.store.db import make_engine, migrate
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.workspace import init_workspace

    orgs = root / "orgs"
    shutil.copytree(built, orgs / "synthetic")
    init_workspace(orgs / "other", organisation="Other Company").engine.dispose()
    url = f"sqlite:///{root / 'server.db'}"
    site = Site(root=root, database_url=url)
    engine = make_engine(url)
    migrate(engine)
    for path, slug in ((orgs / "synthetic", site.org), (orgs / "other", site.other_org)):
        with system_session(engine, actor="tests") as db:  # adopting scopes the session
            adopt_workspace(db, path, slug=slug)
    with system_session(engine, actor="tests") as db:
        create_user(db, site.owner, PASSWORD, "Owner", memberships={site.org: "owner"})
        create_user(db, site.viewer, PASSWORD, "Viewer", memberships={site.org: "viewer"})
        create_user(db, site.outsider, PASSWORD, "Outsider", memberships={site.other_org: "owner"})
    engine.dispose()
    return site


@pytest.fixture(scope="session")
def site_factory(built_workspace: Path) -> Callable[[Path], Site]:
    """``site_factory(root)`` → a fresh :class:`Site` under ``root`` (see :func:`make_site`)."""
    return lambda root: make_site(built_workspace, root)


@pytest.fixture(scope="session")
def password() -> str:
    """The password of every user of a :class:`Site`."""
    return PASSWORD


# -- the browser ----------------------------------------------------------------------------------

#: Debian's Chromium, driven by Playwright (never a downloaded browser)
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for one test module; missing, the module is skipped — or fails in CI."""
    if not CHROMIUM.exists():
        msg = f"{CHROMIUM} is missing (apt-get install chromium); the browser tests need it"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        )
        yield b
        b.close()
