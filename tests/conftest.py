"""Shared fixtures. Tests mirror the source tree and speak the domain (STYLE.md habit 10)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from demokit import BuiltDemo, build_demo

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(autouse=True, scope="session")
def _factor_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests use their own on-disk factor cache (never the user's ``~/.cache/lingtan``)."""
    import os

    from lingtan.adapters.io.cache import CACHE_ENV

    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("lingtan-cache"))


# -- the demo: small readings, one build per store shared by the modules that only read it --------


@pytest.fixture(autouse=True, scope="session")
def _small_demo_readings() -> Iterator[None]:
    """The demos the tests build load the energy demo's small readings (April and May of each
    fiscal year; ``LINGTAN_DEMO_READINGS=small``, decision 0086): the same code path, a sixth
    of the readings. The one full-size demo is the browser walk over every page
    (tests/adapters/web/test_web_demo_languages.py), which sets ``full`` for its own build."""
    import os

    from lingtan.adapters.services.energy_demo import READINGS_ENV

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(READINGS_ENV, os.environ.get(READINGS_ENV) or "small")
        yield


#: ``lingtan demo`` folders of this pytest process, by workspace store
_DEMOS: dict[str, BuiltDemo] = {}


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], BuiltDemo]:
    """``built_demo(workspace_store)`` → the demo built once per store in this pytest process
    (each xdist worker builds its own), shared READ-ONLY by the modules that request it: call it
    from a module fixture that requests ``workspace_store`` (the store is then in effect). A
    module that writes into the demo copies its folder first (SQLite only: a PostgreSQL-store
    workspace is registered by its folder) or builds its own."""

    def get(store: str) -> BuiltDemo:
        if store not in _DEMOS:
            _DEMOS[store] = build_demo(tmp_path_factory.mktemp(f"demo-{store}") / "demo")
        return _DEMOS[store]

    return get


# -- the workspace store: each folder's SQLite file, and PostgreSQL -------------------------------
#
# A workspace keeps its store in its folder's SQLite file (``lingtan.db``), or in the database
# ``LINGTAN_DATABASE_URL`` names. Every test of the workspace folders below that opens a workspace
# runs on both: ``pytest_generate_tests`` parametrises the fixture ``workspace_store`` over
# ``STORES`` for the modules that open one, so one pytest run covers both stores (decision 0047;
# the server tests choose their store with ``db_url``, tests/adapters/conftest.py). Pure tests
# in the same folders run once. A test that opens a workspace and runs on one store only fails
# with the fix named (``pytest_runtest_call``), so the list cannot silently fall behind.

#: The two workspace stores, in the order the tests run on them.
STORES = ("sqlite", "postgresql")

#: Test folders (and files) whose workspaces keep their store as a CLI user's would; the other
#: folders test the server, which is given its store.
WORKSPACE_TESTS = (
    "adapters/io/",
    "adapters/compute/",
    "adapters/cli/",
    "adapters/demo/",
    "adapters/store/test_concurrent_writers.py",
    "modules/",
)

#: What opens a workspace in a test module (or in a ``*kit.py`` module it imports).
OPENS_WORKSPACE = re.compile(
    r"\b(open_workspace|init_workspace|create_workspace_folder|run_demo|CliRunner)\b"
)
_KIT = re.compile(r"^(?:from|import) (\w+kit)\b", re.MULTILINE)

DATABASE_URL_ENV = "LINGTAN_DATABASE_URL"


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``stores`` marker."""
    config.addinivalue_line(
        "markers",
        "stores(*names, reason): the workspace stores a test runs on (default: both of STORES "
        "for a workspace test); fewer than both needs the reason",
    )


#: the test modules that take longest (seconds per module of a full run's log, decision 0086,
#: addendum 2), longest first: they are handed to the parallel workers before every other
#: module, so that no long module starts last and runs alone at the end of the run
#: (longest-first scheduling; with ``--dist loadfile`` a module — or a SAME_WORKER unit — runs on
#: one worker). Order only: a module missing here runs after.
SLOW_FIRST = (
    "adapters/web/test_web_demo_languages.py",
    "adapters/compute/test_accounting_cases.py",  # the Spark unit (SAME_WORKER)
    "adapters/compute/test_engine_totals.py",  # the demo unit (SAME_WORKER)
    "adapters/api/test_api_isolation.py",
    "adapters/compute/test_diff.py",
    "adapters/api/test_api_fuzz.py",
    "adapters/api/test_api_fuzz_part1.py",
    "adapters/api/test_api_fuzz_part2.py",
    "adapters/api/test_api_fuzz_part3.py",
    "adapters/api/test_api_products.py",
    "adapters/api/test_api_supplier_reviews.py",
    "adapters/api/test_api_supplier_requests.py",
    "adapters/api/test_api_inclusion_push.py",
    "adapters/api/test_api_import_duplicates.py",
    "adapters/api/test_api_suppliers_register.py",
    "adapters/web/test_web_supplier_requests.py",
    "adapters/api/test_api_targets.py",
    "adapters/io/lca/test_lca_brightway_parity.py",
    "adapters/web/test_web_control_tower_browser.py",
    "adapters/api/test_accounts_invitations.py",
    "adapters/api/test_api_pact.py",
    "adapters/api/test_api_flow.py",
    "adapters/api/test_accounts_sessions.py",
    "adapters/api/test_request_limits.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the modules of :data:`SLOW_FIRST` first, in its order (a stable sort: the tests of
    a module keep their order, every other module keeps its place after them)."""
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}

    def key(item: pytest.Item) -> int:
        try:
            rel = item.path.resolve().relative_to(REPO / "tests").as_posix()
        except ValueError:
            return len(rank)
        return rank.get(rel, len(rank))

    items.sort(key=key)


#: what makes test modules share a worker (decision 0086, addendum 2): a module whose source
#: names the pattern joins the group; the group's modules run on one xdist worker, one after
#: another, so that the expensive per-process fixture they share is set up once in the whole run,
#: not once per worker — the demo (``built_demo``: ``lingtan demo`` per store, a minute or more
#: each) and the local Spark session (a JVM start, ``tests/adapters/compute/conftest.py``)
SAME_WORKER = {
    "built-demo": re.compile(r"\bbuilt_demo\("),
    "spark": re.compile(r"\b(?:spark|backend): ibis\.BaseBackend\b"),
}


@functools.cache
def worker_group(path: str) -> str:
    """The scheduling unit of the test module at ``path`` (relative to the repository, as in a
    node id): its :data:`SAME_WORKER` group, else the module itself (``--dist loadfile``)."""
    file = REPO / path
    if file.name.startswith("test_") and file.is_file():
        source = file.read_text(encoding="utf-8")
        for group, pattern in SAME_WORKER.items():
            if pattern.search(source):
                return group
    return path


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under ``--dist loadfile``: one work unit per module, except the modules of a
    :data:`SAME_WORKER` group, which are one unit (see there); handed out in the order of the
    collection (:data:`SLOW_FIRST` first), not xdist's default of the units with the most tests
    first — which put the longest modules last. Other modes: xdist's own."""
    if config.getoption("dist", None) != "loadfile":
        return None
    config.option.loadscopereorder = False
    from xdist.scheduler import LoadFileScheduling

    class GroupedFileScheduling(LoadFileScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return worker_group(nodeid.split("::", 1)[0])

    return GroupedFileScheduling(config, log)


@functools.cache
def _opens_workspace(path: Path) -> bool:
    """Whether the test module at ``path`` (or a kit it imports) names what opens a workspace."""
    source = path.read_text(encoding="utf-8")
    kits = [REPO / "tests" / f"{name}.py" for name in _KIT.findall(source)]
    texts = [source, *(k.read_text(encoding="utf-8") for k in kits if k.is_file())]
    return any(OPENS_WORKSPACE.search(t) for t in texts)


def _is_workspace_test(path: Path) -> bool:
    """Whether ``path`` is a test module of :data:`WORKSPACE_TESTS`."""
    try:
        rel = path.resolve().relative_to(REPO / "tests").as_posix()
    except ValueError:  # not under tests/ (e.g. a pytester run)
        return False
    return rel.startswith(WORKSPACE_TESTS)


def _stores(metafunc: pytest.Metafunc) -> tuple[str, ...]:
    """The stores a test runs on: its ``stores`` marker, else both for a test of a workspace
    folder whose module opens a workspace, else none (not parametrised)."""
    marker = metafunc.definition.get_closest_marker("stores")
    if marker is not None:
        unknown = set(marker.args) - set(STORES)
        if not marker.args or unknown:
            raise pytest.UsageError(f"stores(): give names among {STORES}, not {marker.args}")
        if len(marker.args) < len(STORES) and not marker.kwargs.get("reason"):
            raise pytest.UsageError(f"{metafunc.definition.nodeid}: stores() needs a reason")
        return tuple(marker.args)
    path = metafunc.definition.path
    if _is_workspace_test(path) and _opens_workspace(path):
        return STORES
    return ()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each workspace test on every store it is meant for (module-scoped: a module's
    fixtures that build a workspace request ``workspace_store`` and are built once per store)."""
    stores = _stores(metafunc)
    if stores:
        metafunc.parametrize("workspace_store", stores, indirect=True, scope="module")


@pytest.fixture(scope="session")
def workspace_pg_database() -> Iterator[str]:
    """URL of this pytest worker's own PostgreSQL database for workspace stores (empty; each
    workspace migrates it on first open and registers its organisation by folder; dropped at
    the end). Unreachable: the PostgreSQL half is skipped, or fails under CI."""
    from pgkit import PostgresUnavailableError, pg_unavailable, scratch_database

    try:
        with scratch_database("lingtan_w_") as url:
            yield url
    except PostgresUnavailableError as exc:
        pg_unavailable(str(exc))


@pytest.fixture(autouse=True, scope="module")
def workspace_store(request: pytest.FixtureRequest) -> Iterator[str]:
    """The store the module's workspaces keep their data in: ``"sqlite"`` (each folder's own
    ``lingtan.db``; ``LINGTAN_DATABASE_URL`` unset, so a developer's own never leaks in) or
    ``"postgresql"`` (this worker's database, ``workspace_pg_database``). A module- or
    session-scoped fixture that opens a workspace requests it, so it is built once per store;
    the check at the end finds one that did not (its workspace reused on the second store)."""
    store: str = getattr(request, "param", "sqlite")
    with pytest.MonkeyPatch.context() as mp:
        if store == "postgresql":
            mp.setenv(DATABASE_URL_ENV, request.getfixturevalue("workspace_pg_database"))
        else:
            mp.delenv(DATABASE_URL_ENV, raising=False)
        before = _OPENED[store]
        yield store
    module = request.node.nodeid
    _OPENED_BY_MODULE.setdefault(module, {})[store] = _OPENED[store] - before
    opened = _OPENED_BY_MODULE[module]
    if store != STORES[0] and opened.get(STORES[0]) and not opened[store]:
        pytest.fail(
            f"{module}: workspaces were opened on {STORES[0]} but none on {store}: a module- or "
            "session-scoped fixture that opens a workspace must request `workspace_store`"
        )


#: Workspaces opened per store (all tests), and per module and store.
_OPENED: dict[str, int] = dict.fromkeys(STORES, 0)
_OPENED_BY_MODULE: dict[str, dict[str, int]] = {}
#: Workspaces opened by the test running now (its setup and call).
_NOW: list[int] = [0]


@pytest.fixture(autouse=True, scope="session")
def _count_workspace_opens() -> Iterator[None]:
    """Count the workspaces opened (``store.workspace.store_url`` is read once per open)."""
    from lingtan.adapters.store import workspace

    original = workspace.store_url

    def counted(path: Path) -> str:
        url = original(path)
        _OPENED["sqlite" if url.startswith("sqlite") else "postgresql"] += 1
        _NOW[0] += 1
        return url

    workspace.store_url = counted
    yield
    workspace.store_url = original


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test's count of opened workspaces starts with its setup."""
    _NOW[0] = 0


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A passing workspace test that opened a workspace ran on a chosen set of stores."""
    result = yield
    params = getattr(getattr(item, "callspec", None), "params", {})
    if _NOW[0] and "workspace_store" not in params and _is_workspace_test(item.path):
        pytest.fail(
            f"{item.nodeid} opens a workspace but runs on one store: name what opens it in "
            "tests/conftest.py OPENS_WORKSPACE, or mark it "
            "pytest.mark.stores('sqlite', reason=...)",
            pytrace=False,
        )
    return result


# -- the terminal stays writable ------------------------------------------------------------------


def _blocking_stdio() -> None:
    """Put stdout and stderr back in blocking mode, saying so once.

    A CI run after issue 10 ended with exit code 120 although every test passed: Python could
    not flush stdout at exit. One way to get there is a child process that leaves the shared
    pipe non-blocking (Node.js does so while it runs), so a write to a full pipe fails instead
    of waiting; whether that was the cause is not established (decision 0041). Called before
    pytest reports each test and before it exits; the note tells the next reader if it ever
    happens."""
    import os

    for fd in (1, 2):
        try:
            if not os.get_blocking(fd):
                os.set_blocking(fd, True)
                if fd not in _NOTED:
                    _NOTED.add(fd)
                    os.write(2, f"\nnote: fd {fd} was non-blocking; set back\n".encode())
        except OSError:  # not a file descriptor we can change (closed, or a capture)
            pass


_NOTED: set[int] = set()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Before a test's result is printed: the terminal is blocking again."""
    _blocking_stdio()


@pytest.hookimpl(tryfirst=True)
def pytest_terminal_summary() -> None:
    """Before the summary is printed: the terminal is blocking again."""
    _blocking_stdio()


def pytest_unconfigure() -> None:
    """At the end of the run: blocking again, and everything written out while pytest can
    still report a failure (not at interpreter exit, where a failing flush means exit 120)."""
    import contextlib
    import sys

    _blocking_stdio()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, TypeError):
            stream.flush()
