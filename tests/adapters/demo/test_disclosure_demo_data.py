"""The demo edition's own data (decision 0102): narratives only for the pillars' narrative fields,
in both languages, each under the report's heading and labelled SYNTHETIC; a verification record
H4's validation accepts, with the report's statement URL."""

from __future__ import annotations

from lingtan.adapters.demo.disclosure import (
    HEADINGS,
    STATEMENT_URL,
    SYNTHETIC,
    VERIFICATION,
    narratives,
)
from lingtan.modules.disclosure.document import LANGUAGES, PILLARS
from lingtan.modules.disclosure.pillars import narrative_keys
from lingtan.modules.disclosure.verification import check_record


def test_narratives_fill_pillar_fields_under_the_reports_headings() -> None:
    texts = narratives()
    fields = {k for p in PILLARS for k in narrative_keys(p)}
    assert set(texts) <= fields
    assert {k.split(".", 1)[0] for k in texts} == set(PILLARS)  # every pillar has a text
    for key, by_lang in texts.items():
        assert set(by_lang) == set(LANGUAGES)
        zh_heading, en_heading, _line = HEADINGS[key.split(".", 1)[0]]
        assert by_lang["zh-CN"].startswith(zh_heading)
        assert by_lang["en"].startswith(en_heading)
        for lang in LANGUAGES:
            assert SYNTHETIC[lang] in by_lang[lang]


def test_the_verification_record_is_valid_and_links_the_reports_statement() -> None:
    clean = check_record(dict(VERIFICATION))
    assert clean["standard"] == "ISO 14064-3:2019"
    assert clean["url"] == STATEMENT_URL
    assert STATEMENT_URL.endswith("FY2324-ghg-and-energy-verification-statement.pdf")
