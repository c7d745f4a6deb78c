"""What ``lingtan demo`` prints for the demo edition (decision 0102), in zh-CN and en: the edition,
the mapping counts, the errata with their kind in the reader's language and the command that
renders it — never the English text in the Chinese output."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingtan.adapters.cli.report_demo import demo_lines
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.disclosure_demo import DisclosureDemoReport

REPORT = DisclosureDemoReport(
    "FY2023/24", targets_written=True, governance=27, aspects=11, narratives=12,
    verification=True, circularity=55, edition_id="9e06de0f3e1f" + "0" * 52, created=True,
    sections=13, available=13, mapping={"complete": 25, "partial": 44, "missing": 39},
    checks_failed=4,
    errata=[{"id": "APP23-SH-C1", "kind": "copied", "published": "46.16 %",
             "lingtan": "43.03 %"}],
)  # fmt: skip


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_section_speaks_the_command_lines_language(lang: str) -> None:
    t = Translator(lang)
    lines = demo_lines(REPORT, Path("demo/disclosed"), t)
    text = "\n".join(lines)
    assert t("disc_demo.cli.edition", fy="FY2023/24", id="9e06de0f3e1f", sections=13,
             available=13) in lines  # fmt: skip
    assert t("reconcile.status.copied") in text
    assert "APP23-SH-C1" in text
    assert "46.16 %" in text
    assert "43.03 %" in text
    assert ("lingtan report build --fy FY2023/24 -w demo/disclosed --out "
            f"{Path('demo/disclosed') / 'reports'}") in text  # fmt: skip
    other = Translator("en" if lang == "zh-CN" else "zh-CN")
    assert other("disc_demo.cli.synthetic") not in text
