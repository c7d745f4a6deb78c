"""Regenerate docs/templates.md from the template catalogue (lingtan.core.templates.catalogue
and the page's prose and per-template cells in lingtan.core.templates.doc). Decision 0043.

Usage: .venv/bin/python tools/gen_templates_doc.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

from lingtan.core.templates.doc import render

TARGET = Path(__file__).resolve().parents[1] / "docs" / "templates.md"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        same = TARGET.read_text(encoding="utf-8") == text
        print(f"{TARGET.name}: {'up to date' if same else 'differs from the catalogue'}")
        return 0 if same else 1
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
