"""The navigation is defined once (lingtan.adapters.web.nav): every entry's label exists in both
catalogues, its action is a known one, and its path is a page of the web app."""

from __future__ import annotations

import pytest
from starlette.routing import Match

from lingtan.adapters.i18n.messages import LOCALES, catalogue
from lingtan.adapters.store.tenancy import ACTIONS
from lingtan.adapters.web.nav import (
    DISCLOSURE,
    INCLUSION,
    MAIN,
    MENUS,
    NAV,
    RISKS,
    SUPPLIERS,
    TARGETS,
)
from lingtan.adapters.web.pages import router


def _is_page(path: str) -> bool:
    """True when a page of the web app answers ``GET path``."""
    scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "headers": []}
    return any(r.matches(scope)[0] == Match.FULL for r in router.routes)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_label_is_in_the_catalogue(locale: str) -> None:
    cat = catalogue(locale)
    missing = [m.label(e) for m in MENUS.values() for e in m.entries if m.label(e) not in cat]
    assert missing == []


def test_every_entry_is_a_page_with_a_known_action() -> None:
    for menu in MENUS.values():
        keys = [e.key for e in menu.entries]
        assert len(keys) == len(set(keys))
        for e in menu.entries:
            assert e.action in ACTIONS, e
            assert _is_page(f"/o/acme/{e.path}"), e


def test_what_each_role_sees() -> None:
    assert MAIN.entries is NAV
    assert [e.key for e in MAIN.visible({"read"})] == [
        "overview", "dashboard", "inventory", "targets", "imports", "factors", "sites", "setup",
        "users", "products", "suppliers", "energy", "risks", "inclusion", "disclosure",
    ]  # fmt: skip
    assert "audit" in [e.key for e in MAIN.visible({"read", "read_audit"})]
    assert [e.key for e in TARGETS.visible({"read"})] == ["overview", "macc", "plan"]
    assert TARGETS.visible({"read", "edit_data"})[-1].key == "edit"
    assert [e.key for e in SUPPLIERS.visible({"read"})] == [
        "register", "coverage", "requests", "reviews", "programmes",
    ]  # fmt: skip
    assert [e.key for e in RISKS.visible({"read"})] == [
        "register", "aspects", "scenarios", "sites", "governance",
    ]  # fmt: skip
    assert [e.key for e in INCLUSION.visible({"read"})] == [
        "overview", "programmes", "methodologies", "partners", "campaigns", "review",
    ]  # fmt: skip
    assert [e.key for e in DISCLOSURE.visible({"read"})] == [
        "editions", "mapping", "narratives", "verification", "circularity",
    ]  # fmt: skip
