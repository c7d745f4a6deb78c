"""Narratives: the organisation's own words for each disclosure section, per language
(issue 19 item 3; decision 0096).

A narrative's key is ``<section>`` (a key of
:data:`~lingtan.modules.disclosure.document.SECTION_ORDER`) or ``<section>.<sub>`` (the pillar
fields of :data:`lingtan.modules.disclosure.pillars.NARRATIVES`, e.g.
``governance.board_oversight``); its text is kept per language (``zh-CN``, ``en``) as entered,
never machine-translated. Every change is audited (the table is). An edition pins the
narratives as they stand when it is built (``EditionDocument["narratives"]`` and the input
``narratives``): editing a text later changes no edition; building again makes a new one.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.disclosure_collect import refused
from lingtan.core.messages import msg
from lingtan.modules.disclosure.document import LANGUAGES, SECTION_ORDER

#: the longest narrative text [characters]
MAX_TEXT = 20_000
_KEY_RE = re.compile(r"^([a-z][a-z0-9_]{0,39})(\.[a-z][a-z0-9_]{0,39})?$")
#: control characters refused in a text (new lines and tabs are kept)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Narrative:
    """One stored narrative text."""

    key: str
    lang: str
    text: str
    updated_by: str
    updated_at: datetime


def pillar_fields() -> dict[str, str]:
    """The pillar narrative fields: key → its label key (H5's ``pillars.NARRATIVES``; none
    while it is not installed). Accepts a mapping or a sequence of keys or of (key, label)."""
    try:
        module = importlib.import_module("lingtan.modules.disclosure.pillars")
    except ModuleNotFoundError as exc:
        if exc.name == "lingtan.modules.disclosure.pillars":
            return {}
        raise
    fields = getattr(module, "NARRATIVES", None)
    out: dict[str, str] = {}
    if isinstance(fields, dict):
        for section, value in fields.items():
            if isinstance(value, dict):  # section → {key: label}
                out.update({str(k): str(v) for k, v in value.items()})
            elif isinstance(value, list | tuple):  # section → [key | (key, label)]
                for item in value:
                    if isinstance(item, tuple | list) and item:
                        out[str(item[0])] = str(item[1]) if len(item) > 1 else str(item[0])
                    else:
                        out[str(item)] = f"disc_ed.narrative.{item}"
            else:  # key → label
                out[str(section)] = str(value)
    elif isinstance(fields, list | tuple):
        for item in fields:
            if isinstance(item, tuple | list) and item:
                out[str(item[0])] = str(item[1]) if len(item) > 1 else str(item[0])
            else:
                out[str(item)] = f"disc_ed.narrative.{item}"
    return {k: v for k, v in out.items() if _KEY_RE.match(k)}


def narrative_keys() -> list[tuple[str, str]]:
    """Every narrative field an organisation may fill, in section order: (key, its label key) —
    one per section (``disc_ed.section.<key>``) and the pillar fields after their section."""
    fields = pillar_fields()
    out: list[tuple[str, str]] = []
    for section in SECTION_ORDER:
        out.append((section, f"disc_ed.section.{section}"))
        out.extend(
            (k, v) for k, v in fields.items() if k.split(".", 1)[0] == section and k != section
        )
    return out


def check_key(key: str) -> str:
    """``key`` when it names a narrative field: ``<section>`` or ``<section>.<sub>`` of a known
    section (a pillar sub-field must be one of the pillar fields once they are installed).

    Raises:
        DisclosureEditionsError: invalid, field ``key``.
    """
    text = str(key or "").strip()
    m = _KEY_RE.match(text)
    if not m or m.group(1) not in SECTION_ORDER:
        raise refused("invalid", msg("disc_ed.err.narrative_key", value=text[:80]), "key")
    fields = pillar_fields()
    if m.group(2) and fields and text not in fields:
        raise refused("invalid", msg("disc_ed.err.narrative_key", value=text[:80]), "key")
    return text


def check_lang(lang: str) -> str:
    """``lang`` when it is an edition language (``zh-CN``, ``en``; ``zh`` is ``zh-CN``).

    Raises:
        DisclosureEditionsError: invalid, field ``lang``.
    """
    value = str(lang or "").strip()
    if value.lower() in ("zh", "zh-cn", "zh_cn"):
        value = "zh-CN"
    if value not in LANGUAGES:
        raise refused(
            "invalid",
            msg("disc_ed.err.lang", value=value[:20], allowed=", ".join(LANGUAGES)),
            "lang",
        )
    return value


def _check_text(text: str) -> str:
    value = str(text if text is not None else "").replace("\r\n", "\n").strip()
    if len(value) > MAX_TEXT:
        raise refused("invalid", msg("disc_ed.err.text_long", limit=MAX_TEXT), "text")
    if _CONTROL_RE.search(value):
        raise refused("invalid", msg("disc_ed.err.text_control"), "text")
    return value


def set_narrative(ctx: Context, key: str, lang: str, text: str) -> Narrative | None:
    """Store the text of narrative ``key`` in ``lang`` (audited); an empty text removes it.
    Returns the stored narrative (None when removed or there was none).

    Raises:
        DisclosureEditionsError: forbidden without ``edit_data``; invalid key, language or text
            (the field named); nothing is written then.
    """
    return set_narratives(ctx, key, {lang: text})[0]


def set_narratives(ctx: Context, key: str, texts: dict[str, str]) -> list[Narrative | None]:
    """Store the texts of narrative ``key``, language → text (audited; an empty text removes
    it), all or nothing: every language and text is checked before anything is written.
    Returns the stored narratives in the order of ``texts`` (None: removed or none).

    Raises:
        DisclosureEditionsError: forbidden without ``edit_data``; invalid key, language or text
            (the field named); nothing is written then.
    """
    from lingtan.adapters.store.disclosure_editions import DisclosureNarrativeRow as R
    from lingtan.adapters.store.models import utcnow

    ctx.require("edit_data")
    key = check_key(key)
    checked = [(check_lang(lang), _check_text(text)) for lang, text in texts.items()]
    ws = ctx.workspace()
    out: list[Narrative | None] = []
    with ws.session() as s:
        for lang, value in checked:
            row = s.scalars(select(R).where(R.key == key, R.lang == lang)).one_or_none()
            if not value:
                if row is not None:
                    s.delete(row)
                out.append(None)
                continue
            if row is None:
                row = R(organisation_id=ws.organisation_id, key=key, lang=lang, text=value,
                        updated_by=ctx.actor, updated_at=utcnow())  # fmt: skip
                s.add(row)
            elif row.text != value:
                row.text = value
                row.updated_by = ctx.actor
                row.updated_at = utcnow()
            s.flush()
            out.append(Narrative(row.key, row.lang, row.text, row.updated_by, row.updated_at))
    return out


def list_narratives(ctx: Context) -> list[Narrative]:
    """Every stored narrative, by key then language.

    Raises:
        DisclosureEditionsError: forbidden without ``read``.
    """
    from lingtan.adapters.store.disclosure_editions import DisclosureNarrativeRow

    ctx.require("read")
    with ctx.workspace().session() as s:
        rows = s.scalars(
            select(DisclosureNarrativeRow).order_by(
                DisclosureNarrativeRow.key, DisclosureNarrativeRow.lang
            )
        )
        return [Narrative(r.key, r.lang, r.text, r.updated_by, r.updated_at) for r in rows]


def narratives_for(ctx: Context) -> dict[str, dict[str, str]]:
    """The narratives as an edition pins them: key → language → text (sorted; empty left out)."""
    out: dict[str, dict[str, str]] = {}
    for n in list_narratives(ctx):
        if n.text:
            out.setdefault(n.key, {})[n.lang] = n.text
    return out
