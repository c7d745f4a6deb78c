"""``lingtan inclusion methodologies …``: carbon-inclusion methodology packs from the command
line (issue 18 item 2, decision 0087), through the same service as the API and the web pages
(:mod:`lingtan.adapters.services.inclusion_methodologies`):

- ``list`` (``--json``): every pack with its label, weakest confidence, region and validity;
- ``show PACK`` (``--version``, ``--json``): its parameters with citations and derivations;
- ``load FILE``: load an own pack version (YAML, checked field by field; the same content again
  changes nothing);
- ``simulate --action A --quantity Q`` (``--region``, ``--when``, ``--distance``,
  ``--duration``, ``--mode``, ``--product``, ``--context name=value`` repeated, ``--json``):
  quantify one action and print the arithmetic, step by step.

Every command takes ``-w WS`` and acts as the folder's owner. A refusal prints the reason in the
command line's language and exits with the code of its kind (2 invalid, 3 not found, 5
conflict). The group is :data:`methodologies_app`; ``lingtan inclusion`` attaches it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import WorkspaceOpt, cli_locale, fail, run_keyed
from lingtan.adapters.cli.common import plain as _print
from lingtan.adapters.cli.common import print_json as _json
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext

T = TypeVar("T")

HELP = "Methodology packs: list, show, load an own version, simulate an action."
methodologies_app = typer.Typer(help=HELP, no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _t() -> Translator:
    return Translator(cli_locale())


def run_in_store(workspace: Path, call: Callable[[Session, LocalContext], T]) -> T:
    """:func:`lingtan.adapters.cli.common.run_in_store`, a keyed refusal of the methodology
    service (``incl_meth.err.*``) printed in the command line's language with the exit code of
    its kind."""
    return run_keyed(workspace, call, "incl_meth.", label_key="incl_meth.err.prefix")


@methodologies_app.command("list")
def list_cmd(as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")) -> None:
    """List the packs (label, confidence, region, validity, actions)."""
    from lingtan.adapters.services import inclusion_methodologies as sv

    rows = run_in_store(workspace, lambda db, c: [sv.pack_dict(e, full=False)
                                                  for e in sv.list_packs(db, c)])  # fmt: skip
    if as_json:
        _json(rows)
        return
    t = _t()
    for p in rows:
        _print(f"{p['id']:30} {p['version']:16} {p['region']:16} "
               f"{t('incl_meth.label.' + p['label']):22} "
               f"{t('incl_meth.confidence.' + p['confidence']):14} {p['title']}")  # fmt: skip


@methodologies_app.command("show")
def show_cmd(
    pack: Annotated[str, typer.Argument(help="Pack id, e.g. lingtan.travel.")],
    version: Annotated[str | None, typer.Option("--version", help="A version.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Show a pack: its parameters with citations, derivations and regional values."""
    from lingtan.adapters.services import inclusion_methodologies as sv

    doc = run_in_store(workspace, lambda db, c: sv.pack_dict(sv.get_pack(db, c, pack, version)))
    if as_json:
        _json(doc)
        return
    t = _t()
    _print(f"{doc['id']} {doc['version']} — {doc['title']}")
    _print(f"{t('incl_meth.publisher')}: {doc['publisher']} · {t('incl_meth.col.region')}: "
           f"{doc['region']} · {t('incl_meth.col.label')}: "
           f"{t('incl_meth.label.' + doc['label'])} · {t('incl_meth.formula')}: "
           f"{doc['formula']}")  # fmt: skip
    _print(f"{t('incl_meth.col.citation')}: {doc['citation']}")
    _print(f"{t('incl_meth.double_counting')}: {doc['double_counting']}")
    for p in doc["parameters"]:
        regions = "; ".join(f"{r['region']} {r['value']:g}" for r in p["regions"])
        _print(f"  {p['name']:26} {p['value']:>12g} {p['unit']:18} "
               f"{t('incl_meth.confidence.' + p['confidence'])} · {p['citation']}"
               + (f" [{regions}]" if regions else ""))  # fmt: skip
        if p["derivation"]:
            _print(f"  {'':26} {t('incl_meth.col.derivation')}: {p['derivation']}")


@methodologies_app.command("load")
def load_cmd(
    file: Annotated[Path, typer.Argument(help="The pack as YAML.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Load an own pack version (checked field by field; the same content again is a no-op)."""
    from lingtan.adapters.services import inclusion_methodologies as sv

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise fail(str(exc)) from None
    entry = run_in_store(workspace, lambda db, c: sv.load_pack(db, c, data, file.name))
    t = _t()
    _print(t("incl_meth.cli.loaded", pack=entry.pack.id, version=entry.pack.version,
             origin=t("incl_meth.origin." + entry.origin)))  # fmt: skip


def _context(items: list[str]) -> dict[str, str]:
    out_: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"{item!r}: name=value", param_hint="--context")
        out_[name.strip()] = value.strip()
    return out_


@methodologies_app.command("simulate")
def simulate_cmd(
    action: Annotated[str, typer.Option("--action", help="Action code, e.g. travel.metro.")],
    quantity: Annotated[float, typer.Option("--quantity", help="Quantity in the action's unit.")],
    region: Annotated[str, typer.Option("--region", help="Region, e.g. CN-GD/Shenzhen.")] = "CN",
    when: Annotated[str | None, typer.Option("--when", help="YYYY-MM-DD[THH:MM].")] = None,
    distance: Annotated[float | None, typer.Option("--distance", help="Trip [km].")] = None,
    duration: Annotated[float | None, typer.Option("--duration", help="Trip [min].")] = None,
    mode: Annotated[str | None, typer.Option("--mode", help="Travel mode.")] = None,
    product: Annotated[str | None, typer.Option("--product", help="PRODUCT/CONFIG.")] = None,
    context: Annotated[list[str] | None, typer.Option("--context", help="name=value.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Quantify one action (nothing stored) and print the arithmetic."""
    from lingtan.adapters.services import inclusion_methodologies as sv

    fields: dict[str, Any] = {"action": action, "quantity": quantity, "occurred_at": when,
                              "distance_km": distance, "duration_min": duration, "mode": mode,
                              "product": product, "context": _context(context or [])}  # fmt: skip

    def call(db: Session, c: LocalContext) -> dict[str, Any]:
        return sv.reduction_dict(sv.simulate(db, c, region, sv.action_input(fields)))

    doc = run_in_store(workspace, call)
    if as_json:
        _json(doc)
        return
    t = _t()
    pack = f"{doc['pack_id']} {doc['pack_version']}" if doc["pack_id"] else "—"
    _print(t("incl_meth.cli.result", kg=f"{doc['kg_co2e']:.6g}",
             counts_as=t("incl_meth.counts_as." + doc["counts_as"]), pack=pack))  # fmt: skip
    for s in doc["trace"]:
        unit = f" {s['unit']}" if s["unit"] else ""
        source = f"  [{s['source']}]" if s["source"] else ""
        _print(f"  {t(s['key'])}: {s['formula']}{unit}{source}")
    _print(t("incl_meth.cli.hash", hash=doc["params_hash"]))
