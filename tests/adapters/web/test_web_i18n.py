"""Message catalogues (zh-CN, en): same keys, every key a template or page uses exists, and the
category names agree with the core's (lingtan.core.activities)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lingtan.adapters import web
from lingtan.adapters.i18n.messages import (
    LOCALES,
    Translator,
    catalogue,
    choose_locale,
    from_accept_language,
)
from lingtan.adapters.web.nav import NAV
from lingtan.core.activities import SCOPE3_CATEGORIES, SCOPE3_CATEGORIES_ZH
from lingtan.core.boundary import Consolidation
from lingtan.core.templates import TEMPLATES

WEB = Path(web.__file__).parent
#: t("key") or t('key', …) with a literal key (a key built with ~ is checked by family below)
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([A-Za-z0-9_.\-]+)["']\s*[,)]""")
#: keys given to t() indirectly from Python: error=…, title=…, message=… and PageError(...)
PY_KEY = re.compile(r"""["']((?:login|error|lineage|imports|job|calc)\.(?!html\b)[a-z_.]+)["']""")


def _template_keys() -> set[str]:
    keys: set[str] = set()
    for path in (WEB / "templates").glob("*.html"):
        keys |= set(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    return keys


def _python_keys() -> set[str]:
    keys: set[str] = set()
    for path in WEB.rglob("*.py"):
        if path.name == "messages.py":  # the machinery; its docstring shows t("key")
            continue
        text = path.read_text(encoding="utf-8")
        keys |= set(LITERAL_KEY.findall(text)) | set(PY_KEY.findall(text))
    return keys


def test_catalogues_have_the_same_keys() -> None:
    en, zh = set(catalogue("en")), set(catalogue("zh-CN"))
    assert en - zh == set(), "keys only in en.json"
    assert zh - en == set(), "keys only in zh-CN.json"


def test_no_empty_message_and_same_parameters() -> None:
    names = re.compile(r"{(\w+)}")
    for key, en in catalogue("en").items():
        zh = catalogue("zh-CN")[key]
        assert en.strip(), key
        assert zh.strip(), key
        assert set(names.findall(en)) == set(names.findall(zh)), key


@pytest.mark.parametrize("locale", LOCALES)
def test_every_key_used_exists(locale: str) -> None:
    used = _template_keys() | _python_keys()
    assert len(used) > 100  # the scan found the templates
    missing = sorted(k for k in used if k not in catalogue(locale))
    assert missing == []


@pytest.mark.parametrize("locale", LOCALES)
def test_key_families_built_in_templates_exist(locale: str) -> None:
    cat = catalogue(locale)
    families = (
        [f"nav.{k}" for k, _, _ in NAV]
        + [f"lang.{loc}" for loc in LOCALES]
        + [f"template.{n}" for n in TEMPLATES]
        + [f"consolidation.{c.value}" for c in Consolidation]
        + [f"role.{r}" for r in ("owner", "admin", "analyst", "viewer", "auditor")]
        + [f"action.{a}" for a in ("read", "read_audit", "edit_data", "manage_members")]
        + [f"inventory.by_{d}" for d in ("scope", "site", "month", "gas", "entity")]
        + [f"col.{d}" for d in ("site", "month", "gas", "entity")]
        + [f"chart.{c}" for c in ("scope_split", "scope3_categories", "trend", "top_sites")]
        + [f"job.kind.{k}" for k in ("import", "calculate")]
        + [f"scope.{s}" for s in (1, 2, 3)]
        + [f"cat.3.{c}" for c in range(1, 16)]
    )
    assert [k for k in families if k not in cat] == []


def test_scope3_category_names_are_the_core_names() -> None:
    for c, name in SCOPE3_CATEGORIES.items():
        assert catalogue("en")[f"cat.3.{c}"] == name
        assert catalogue("zh-CN")[f"cat.3.{c}"] == SCOPE3_CATEGORIES_ZH[c]


def test_translator_parameters_and_unknown_key() -> None:
    t = Translator("en")
    assert t("imports.result", read=3, accepted=2, rejected=1) == (
        "3 rows read, 2 accepted, 1 rejected."
    )
    assert Translator("zh-CN")("scope.3") == "范围三"
    assert t("no.such.key") == "no.such.key"
    with pytest.raises(ValueError, match="unknown locale"):
        catalogue("fr")


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        ("en", "zh-CN", "zh-CN", "en"),  # ?lang= wins
        (None, "en", "zh-CN,zh;q=0.9", "en"),  # then the cookie
        (None, None, "fr-FR,en-GB;q=0.8,zh;q=0.9", "zh-CN"),  # then Accept-Language by q
        (None, None, "en-US,en;q=0.9", "en"),
        (None, "xx", "fr", "en"),  # only other languages: English (decision 0054)
        (None, "xx", None, "zh-CN"),  # no header at all: the default
        ("zh", None, None, "zh-CN"),
    ],
)
def test_choose_locale(
    query: str | None, cookie: str | None, header: str | None, expected: str
) -> None:
    assert choose_locale(query, cookie, header) == expected


def test_accept_language_q_zero_is_refused() -> None:
    assert from_accept_language("en;q=0") is None
