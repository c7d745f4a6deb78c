"""``lingtan.adapters.services`` imports its modules on first use (PEP 562)."""

from __future__ import annotations

import importlib
import subprocess
import sys

from lingtan.adapters import services


def test_every_exported_name_resolves_to_its_module() -> None:
    assert set(services.__all__) == set(services._EXPORTS)
    for name, module in services._EXPORTS.items():
        assert getattr(services, name) is getattr(importlib.import_module(module), name), name


def test_importing_the_package_loads_no_service() -> None:
    code = (
        "import sys, lingtan.adapters.services as s; "
        "print(sorted(m for m in sys.modules if m.startswith('lingtan.adapters.services.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
