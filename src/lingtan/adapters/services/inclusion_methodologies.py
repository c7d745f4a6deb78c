"""Carbon-inclusion methodology packs and the quantification of an action (issue 18 item 2,
decision 0087), through :mod:`lingtan.modules.inclusion.methodology`.

- the packs lingtan ships (read from the package) and the pack versions an organisation loads
  itself (:func:`load_pack`: a YAML file, checked field by field, content-hashed; the same
  content again is a no-op, another content under a stored version a conflict);
- :func:`select_pack`: for an action, on its day, in the programme's region — the valid packs
  covering it, the most specific region first (``CN-GD/Shenzhen`` before ``CN``), then the
  organisation's own version, then the latest;
- :func:`quantify`: one action of a programme → :class:`~lingtan.modules.inclusion.methodology.
  Reduction` (packs cached on the session: fast in batches); :func:`simulate` the same for a
  region without a programme;
- :func:`own_product_new_production_kg`: the organisation's own product footprint, materials +
  manufacturing stages [kg CO2e per product] — the second-hand substitution's E_new.

Reading needs ``read``; loading ``edit_data``. A refusal is an
:class:`InclusionMethodologyError` with its catalogue key (``incl_meth.err.*``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.io.inclusion_packs import PackFileError, parse_pack_text, shipped_packs
from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import KeyedError, Kind, ServiceError, keyed_refusal
from lingtan.adapters.store.inclusion_methodologies import InclusionMethodologyRow
from lingtan.core.errors import LingtanError
from lingtan.core.messages import Message, msg
from lingtan.modules.inclusion import methodology as mm
from lingtan.modules.inclusion.errors import InclusionError, MethodologyError
from lingtan.modules.inclusion.formulas import USES_OWN_PRODUCT, ActionInput
from lingtan.modules.inclusion.plausibility import check as check_plausible

if TYPE_CHECKING:
    from lingtan.modules.inclusion.methodology import Pack, Reduction

Origin = Literal["shipped", "loaded"]
#: confidence from weakest to strongest (a pack shows its weakest parameter's)
_CONFIDENCE_ORDER = ("assumption", "derived", "single-source", "confirmed")
_CACHE_KEY = "incl_meth.packs"
_OWN_KEY = "incl_meth.own"
_SELECTED_KEY = "incl_meth.selected"
#: largest uploaded pack file [bytes]
MAX_FILE_BYTES = 256 * 1024


class HasRegion(Protocol):
    """What :func:`quantify` reads of a programme (``InclusionProgrammeRow``)."""

    @property
    def region(self) -> str: ...


class InclusionMethodologyError(KeyedError):
    """A refused request of the methodology packs: besides the English ``message`` it carries
    ``key`` (``incl_meth.err.*``) and ``params``."""


def refused(kind: Kind, message: Message, field: str | None = None) -> InclusionMethodologyError:
    """An :class:`InclusionMethodologyError` of ``kind`` for a keyed ``message``."""
    return keyed_refusal(InclusionMethodologyError, kind, message, field)


def from_module(exc: InclusionError) -> InclusionMethodologyError:
    """The module's error (methodology, plausibility) as a 422 refusal naming its field."""
    return refused("invalid", exc.message, exc.field)


@dataclass(frozen=True)
class Entry:
    """A pack and where it comes from (``shipped`` with lingtan or ``loaded`` by the
    organisation)."""

    pack: Pack
    origin: Origin


# ---- packs --------------------------------------------------------------------------------


def _entries(db: Session) -> tuple[Entry, ...]:
    """Shipped and loaded packs, cached on the session (one query a session)."""
    got = db.info.get(_CACHE_KEY)
    if got is not None:
        return got  # type: ignore[no-any-return]
    loaded = []
    for row in db.scalars(select(InclusionMethodologyRow).order_by(InclusionMethodologyRow.id)):
        try:
            loaded.append(Entry(mm.parse_pack(row.content), "loaded"))
        except InclusionError:  # stored before a stricter check: skipped, visible in list
            continue
    entries = (*(Entry(p, "shipped") for p in shipped_packs()), *loaded)
    db.info[_CACHE_KEY] = entries
    return entries


def weakest_confidence(pack: Pack) -> str:
    """The weakest confidence of the pack's parameters (``derived`` when it has none: its
    values are computed by lingtan, e.g. the organisation's product footprint)."""
    found = {p.confidence for p in pack.parameters}
    return next((c for c in _CONFIDENCE_ORDER if c in found), "derived")


def parameter_dict(p: mm.Parameter) -> dict[str, Any]:
    """A parameter as plain data (pages, API, CLI)."""
    return {"name": p.name, "value": p.value, "unit": p.unit, "source": p.source,
            "citation": p.citation, "confidence": p.confidence, "licence": p.licence,
            "derivation": p.derivation,
            "regions": [{"region": r, "value": v, "source": s}
                        for r, v, s in p.regions]}  # fmt: skip


def pack_dict(entry: Entry, *, full: bool = True) -> dict[str, Any]:
    """A pack as plain data; ``full`` adds its parameters, eligibility and notes."""
    p = entry.pack
    doc: dict[str, Any] = {
        "id": p.id, "version": p.version, "title": p.title, "publisher": p.publisher,
        "region": p.region, "valid_from": p.valid_from.isoformat(),
        "valid_to": p.valid_to.isoformat() if p.valid_to else None, "formula": p.formula,
        "label": p.label, "confidence": weakest_confidence(p), "actions": list(p.actions),
        "origin": entry.origin, "digest": p.digest,
    }  # fmt: skip
    if full:
        doc.update({"citation": p.citation, "licence": p.licence,
                    "double_counting": p.double_counting, "notes": p.notes,
                    "eligibility": p.eligibility.to_json(),
                    "parameters": [parameter_dict(x) for x in p.parameters]})  # fmt: skip
    return doc


def list_packs(db: Session, ctx: Context) -> list[Entry]:
    """Every pack (shipped and the organisation's own), by id and version."""
    ctx.require("read")
    return sorted(_entries(db), key=lambda e: (e.pack.id, e.pack.valid_from, e.pack.version))


def get_pack(db: Session, ctx: Context, pack_id: str, version: str | None = None) -> Entry:
    """The pack ``pack_id`` at ``version`` (None: the latest — the organisation's own version
    before a shipped one of the same start).

    Raises:
        InclusionMethodologyError: 404 no such pack or version.
    """
    ctx.require("read")
    found = [e for e in _entries(db) if e.pack.id == pack_id
             and (version is None or e.pack.version == version)]  # fmt: skip
    if not found:
        raise refused("not_found", msg("incl_meth.err.unknown_pack", field="pack",
                                       value=pack_id[:80]), "pack")  # fmt: skip
    return max(found, key=lambda e: (e.pack.valid_from, e.origin == "loaded", e.pack.version))


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    if len(data) > MAX_FILE_BYTES:
        raise refused("too_large", msg("incl_meth.err.too_large", field="file"), "file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refused("invalid", msg("incl_meth.err.encoding", field="file"), "file") from None


def _file_refusal(exc: PackFileError) -> InclusionMethodologyError:
    inner = exc.message.params.get("reason")
    if not isinstance(inner, Message):
        return refused("invalid", exc.message, exc.field)
    params = {**inner.params, "file": exc.file, "field": exc.field or "file"}
    return refused("invalid", Message(inner.key, params), exc.field)


def load_pack(db: Session, ctx: Context, data: bytes | str, file_name: str) -> Entry:
    """Load an organisation's own pack version from a YAML file (audited). The same content
    again returns the stored version unchanged.

    Raises:
        InclusionMethodologyError: 422 a field refused (file, field and reason named), 413 too
            large, 409 the version exists with another content (or is a shipped version).
    """
    ctx.require("edit_data")
    name = (file_name or "pack.yaml").replace("\\", "/").rsplit("/", 1)[-1][:300]
    text = _decode(data)
    try:
        pack = parse_pack_text(text, name)
    except PackFileError as exc:
        raise _file_refusal(exc) from None
    if any(e.origin == "shipped" and (e.pack.id, e.pack.version) == (pack.id, pack.version)
           for e in _entries(db)):  # fmt: skip
        raise refused(
            "conflict",
            msg(
                "incl_meth.err.shipped_version", field="version", pack=pack.id, version=pack.version
            ),
            "version",
        )
    row = db.scalar(select(InclusionMethodologyRow).where(
        InclusionMethodologyRow.pack_id == pack.id,
        InclusionMethodologyRow.version == pack.version))  # fmt: skip
    if row is not None:
        if row.digest != pack.digest:
            raise refused(
                "conflict",
                msg(
                    "incl_meth.err.version_exists",
                    field="version",
                    pack=pack.id,
                    version=pack.version,
                ),
                "version",
            )
        return Entry(pack, "loaded")
    content = json.loads(json.dumps(yaml.safe_load(text), default=str))
    db.add(InclusionMethodologyRow(
        pack_id=pack.id, version=pack.version, label=pack.label, region=pack.region,
        valid_from=pack.valid_from, valid_to=pack.valid_to, digest=pack.digest,
        file_name=name, content=content))  # fmt: skip
    db.commit()
    db.info.pop(_CACHE_KEY, None)
    db.info.pop(_SELECTED_KEY, None)
    return Entry(mm.parse_pack(content), "loaded")


# ---- selection and quantification -------------------------------------------------------


def select_pack(
    entries: tuple[Entry, ...], action: str, region: str | None, day: date
) -> Pack | None:
    """The pack for ``action`` on ``day`` in ``region`` (module docstring), None when none."""
    best: tuple[Any, ...] | None = None
    chosen: Pack | None = None
    for e in entries:
        p = e.pack
        if (
            action not in p.actions
            or not p.valid_on(day)
            or not mm.region_matches(p.region, region)
        ):
            continue
        rank = (len(p.region), e.origin == "loaded", p.valid_from, p.version)
        if best is None or rank > best:
            best, chosen = rank, p
    return chosen


def _selected(db: Session, action: str, region: str | None, day: date) -> Pack | None:
    """:func:`select_pack` over the session's packs, remembered for the session."""
    cache: dict[tuple[str, str | None, date], Pack | None] = db.info.setdefault(_SELECTED_KEY, {})
    key = (action, region, day)
    if key not in cache:
        if len(cache) > 100_000:
            cache.clear()
        cache[key] = select_pack(_entries(db), action, region, day)
    return cache[key]


def _own_cache(db: Session) -> dict[str, float | None]:
    got = db.info.get(_OWN_KEY)
    if got is None:
        got = db.info[_OWN_KEY] = {}
    return got


def own_product_new_production_kg(db: Session, ctx: Context, product_code: str) -> float | None:
    """The production footprint of the organisation's own product ``PRODUCT`` or
    ``PRODUCT/CONFIG`` (the first configuration when none is named): the ``materials`` +
    ``manufacturing`` stages of lingtan's product footprint (ISO 14067) [kg CO2e per product],
    as of today. None when the organisation has no product family or no such product."""
    cache = _own_cache(db)
    if product_code in cache:
        return cache[product_code]
    cache[product_code] = value = _own_footprint(ctx, product_code)
    return value


def _own_footprint(ctx: Context, product_code: str) -> float | None:
    from lingtan.adapters.io.lca.folder import products_folder
    from lingtan.adapters.services import products as ps

    product, _, config = product_code.partition("/")
    try:
        data = ps._load(products_folder(ctx.workspace().path), "AR6")
        if data is None:
            return None
        bench = replace(data.bench, on=date.today())
        stages = bench.footprint(product or None, config or None, 0).by_stage()
    except (LingtanError, ServiceError, KeyError, ValueError):
        return None
    return float(stages.get("materials", 0.0) + stages.get("manufacturing", 0.0))


def _quantify(db: Session, ctx: Context, region: str | None, event: ActionInput) -> Reduction:
    act = mm.action_of(event.action)
    if act.counts_as == "engagement":
        return mm.quantify(None, event, region)
    pack = _selected(db, act.code, region, event.occurred_at.date())
    if pack is None:
        raise MethodologyError(msg("incl_meth.err.no_pack", field="action", value=act.code),
                               "action")  # fmt: skip
    own = None
    if event.product and pack.formula in USES_OWN_PRODUCT:
        check_plausible(pack.eligibility, event)
        own = own_product_new_production_kg(db, ctx, event.product)
        if own is None:
            raise MethodologyError(msg("incl_meth.err.unknown_product", field="product",
                                       value=event.product[:80]), "product")  # fmt: skip
    source = f"lingtan product footprint {event.product}" if own is not None else None
    return mm.quantify(pack, event, region, own_new_kg=own, own_source=source)


def quantify(db: Session, ctx: Context, programme: HasRegion, event: ActionInput) -> Reduction:
    """The reduction of one ``event`` of ``programme`` (its region selects the pack and the
    parameters), with the arithmetic. Packs are cached on the session: a batch in one session
    reads the store once.

    Raises:
        MethodologyError: unknown action, wrong unit, no pack for the action on that day, an
            unknown own product (the module's error, ``field`` named: the caller records it as
            the event's rejection reason).
        PlausibilityError: an implausible speed or quantity.
    """
    return _quantify(db, ctx, programme.region, event)


def simulate(db: Session, ctx: Context, region: str, event: ActionInput) -> Reduction:
    """:func:`quantify` for a region without a programme (the admin's simulate form); nothing
    is stored.

    Raises:
        InclusionMethodologyError: 422 naming the field (the module's errors as refusals).
    """
    ctx.require("read")
    try:
        return _quantify(db, ctx, region or "CN", event)
    except InclusionError as exc:
        raise from_module(exc) from None


def reduction_dict(r: Reduction) -> dict[str, Any]:
    """A reduction as plain data (API, CLI ``--json``)."""
    return {"kg_co2e": r.kg_co2e, "counts_as": r.counts_as, "pack_id": r.pack_id,
            "pack_version": r.pack_version, "params_hash": r.params_hash,
            "trace": r.to_json()}  # fmt: skip


def number_of(value: Any, name: str) -> float:
    """``value`` as a finite number.

    Raises:
        InclusionMethodologyError: 422 naming ``name``.
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = math.nan
    if isinstance(value, bool) or not math.isfinite(x):
        raise refused("invalid", msg("incl_meth.err.number", field=name,
                                     value=str(value)[:40]), name)  # fmt: skip
    return x


def action_input(fields: dict[str, Any]) -> ActionInput:
    """An :class:`ActionInput` from request fields (``action``, ``quantity``, ``unit``,
    ``occurred_at`` …); the unit defaults to the action's.

    Raises:
        InclusionMethodologyError: 422 a field that is not a number or a date (named).
    """
    code = str(fields.get("action") or "").strip()
    try:
        act = mm.action_of(code)
    except InclusionError as exc:
        raise from_module(exc) from None

    def number(name: str, required: bool = False) -> float | None:
        value = fields.get(name)
        if value is None or value == "":
            if required:
                raise refused("invalid", msg("incl_meth.err.required", field=name), name)
            return None
        return number_of(value, name)

    when = fields.get("occurred_at") or datetime.now().replace(microsecond=0)
    if not isinstance(when, datetime):
        try:
            when = datetime.fromisoformat(str(when).strip())
        except ValueError:
            raise refused(
                "invalid",
                msg("incl_meth.err.date", field="occurred_at", value=str(when)[:40]),
                "occurred_at",
            ) from None
    raw = fields.get("context") or {}
    if not isinstance(raw, dict):
        raise refused("invalid", msg("incl_meth.err.mapping", field="context"), "context")
    context = {str(k): number_of(v, f"context.{k}") for k, v in raw.items() if v not in (None, "")}
    quantity = number("quantity", required=True)
    assert quantity is not None
    return ActionInput(
        action=code, quantity=quantity, unit=str(fields.get("unit") or act.unit),
        occurred_at=when, distance_km=number("distance_km"), duration_min=number("duration_min"),
        mode=(str(fields["mode"]) if fields.get("mode") else None),
        product=(str(fields["product"]) if fields.get("product") else None), context=context,
    )  # fmt: skip
