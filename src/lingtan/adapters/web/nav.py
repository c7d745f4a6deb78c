"""The web app's navigation, defined once: the main menu of every organisation page and the
targets pages' sub-menu.

An entry is ``(key, path, action)``: ``key`` names it (the page's ``active`` — or, in a
sub-menu, ``sub`` — is compared with it to mark the current page, ``aria-current="page"``,
WAI-ARIA 1.2), ``path`` is its URL under ``/o/<org>/``, ``action`` what the role must allow
(:data:`lingtan.adapters.store.tenancy.ACTIONS`). Its label is the catalogue key
``<menu label prefix>.<key>`` (``nav.dashboard``, ``nav.targets.macc``; the ``nav`` area of
``lingtan.adapters.i18n``). ``base.html`` renders :data:`MAIN`, ``_targets_nav.html``
:data:`TARGETS`, ``_suppliers_nav.html`` :data:`SUPPLIERS`; a new page adds its entry here, its
label to the catalogues, nothing else.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import NamedTuple


class NavEntry(NamedTuple):
    """One link of a menu: its key, its path under ``/o/<org>/``, the action it needs."""

    key: str
    path: str
    action: str


@dataclass(frozen=True)
class Menu:
    """A menu: its entries in display order and the prefix of their catalogue labels."""

    label_prefix: str
    entries: tuple[NavEntry, ...]

    def label(self, entry: NavEntry) -> str:
        """The catalogue key of ``entry``'s label."""
        return f"{self.label_prefix}.{entry.key}"

    def visible(self, allowed: Collection[str]) -> list[NavEntry]:
        """The entries a role allowed ``allowed`` (its actions) sees, in order."""
        return [e for e in self.entries if e.action in allowed]


#: the main menu of an organisation's pages (``base.html``)
MAIN = Menu(
    "nav",
    (
        NavEntry("overview", "overview", "read"),  # issue 19: the control tower
        NavEntry("dashboard", "dashboard", "read"),
        NavEntry("inventory", "inventory", "read"),
        NavEntry("targets", "targets", "read"),
        NavEntry("imports", "imports", "read"),
        NavEntry("factors", "factors", "read"),
        NavEntry("sites", "sites", "read"),
        NavEntry("setup", "setup", "read"),
        NavEntry("users", "users", "read"),
        NavEntry("audit", "audit", "read_audit"),
        NavEntry("products", "products", "read"),
        NavEntry("suppliers", "suppliers", "read"),  # issue 15 (decision 0063)
        NavEntry("energy", "energy", "read"),  # issue 16 (decision 0078)
        NavEntry("risks", "risks", "read"),  # issue 17
        NavEntry("inclusion", "inclusion", "read"),  # issue 18
        NavEntry("disclosure", "disclosure", "read"),  # issue 19
    ),
)
#: the sub-menu of the targets pages (``_targets_nav.html``): the edit link needs ``edit_data``
#: and shows where the page offers editing (``can_edit``)
TARGETS = Menu(
    "nav.targets",
    (
        NavEntry("overview", "targets", "read"),
        NavEntry("macc", "targets/macc", "read"),
        NavEntry("plan", "targets/plan", "read"),
        NavEntry("edit", "targets/edit", "edit_data"),
    ),
)
#: the sub-menu of the supplier pages (``_suppliers_nav.html``; issue 15): the register, the
#: coverage of the climate requests, the requests, ratings/plans/audits, projects and training
SUPPLIERS = Menu(
    "nav.suppliers",
    (
        NavEntry("register", "suppliers", "read"),
        NavEntry("coverage", "suppliers/coverage", "read"),
        NavEntry("requests", "suppliers/requests", "read"),
        NavEntry("reviews", "supplier-reviews", "read"),
        NavEntry("programmes", "supplier-programmes", "read"),
    ),
)
#: the sub-menu of the energy pages (``_energy_nav.html``; issue 16, decision 0078): the
#: group table and site dashboards, the meters, the production volumes
ENERGY = Menu(
    "nav.energy",
    (
        NavEntry("overview", "energy", "read"),
        NavEntry("meters", "energy/meters", "read"),
        NavEntry("production", "energy/production", "read"),
        NavEntry("certificates", "certificates", "read"),  # decision 0077
    ),
)
#: the sub-menu of the climate-risk pages (``_risks_nav.html``; issue 17): the register with its
#: heat map, the significant environmental aspects, the scenario runs, physical risk per site,
#: the governance records
RISKS = Menu(
    "nav.risks",
    (
        NavEntry("register", "risks", "read"),
        NavEntry("aspects", "risks/aspects", "read"),
        NavEntry("scenarios", "risks/scenarios", "read"),
        NavEntry("sites", "risks/sites", "read"),
        NavEntry("governance", "risks/governance", "read"),
    ),
)
#: the sub-menu of the carbon-inclusion admin pages (``_inclusion_nav.html``; issue 18): the
#: overview with the programme report, programmes and accounts, methodology packs, partners and
#: consent, campaigns and rewards, the fraud review
INCLUSION = Menu(
    "nav.inclusion",
    (
        NavEntry("overview", "inclusion", "read"),
        NavEntry("programmes", "inclusion/programmes", "read"),
        NavEntry("methodologies", "inclusion/methodologies", "read"),
        NavEntry("partners", "inclusion/partners", "read"),
        NavEntry("campaigns", "inclusion/campaigns", "read"),
        NavEntry("review", "inclusion/review", "read"),
    ),
)
#: the sub-menu of the disclosure pages (``_disclosure_nav.html``; issue 19): the editions, the
#: framework mapping table, the narratives, the verification records, the circularity ledgers
DISCLOSURE = Menu(
    "nav.disclosure",
    (
        NavEntry("editions", "disclosure", "read"),
        NavEntry("mapping", "disclosure/mapping", "read"),
        NavEntry("narratives", "disclosure/narratives", "read"),
        NavEntry("verification", "disclosure/verification", "read"),
        NavEntry("circularity", "circularity", "read"),
    ),
)
#: every menu, by name (the templates reach them as ``menus.main``, ``menus.targets``,
#: ``menus.suppliers``, ``menus.energy``, ``menus.risks``, ``menus.inclusion``,
#: ``menus.disclosure``)
MENUS: dict[str, Menu] = {
    "main": MAIN,
    "targets": TARGETS,
    "suppliers": SUPPLIERS,
    "energy": ENERGY,
    "risks": RISKS,
    "inclusion": INCLUSION,
    "disclosure": DISCLOSURE,
}
#: the main menu's entries (their labels are the ``nav.<key>`` family of the catalogues)
NAV = MAIN.entries
