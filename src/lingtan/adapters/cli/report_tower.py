"""``lingtan report overview [--fy FY] [--json] [-w WS]``: the control tower (issue 19 item 6,
decision 0101) through :func:`lingtan.adapters.services.control_tower.tower` — every module's
tile with its status and headline figures (or why it is not available), the alerts with their
owner, and the trend forecast of the market-based total beside the business-as-usual forecast.

The command sits directly under ``lingtan report`` (:data:`tower_app`'s commands are added by
:mod:`.report`). Texts: ``tower.*`` in the command line's language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from lingtan.adapters.cli.common import WorkspaceOpt, cli_locale, plain, print_json, run_in_store
from lingtan.adapters.i18n.messages import Translator

tower_app = typer.Typer(help="The control tower.", no_args_is_help=True)


@tower_app.callback()
def _group() -> None:
    """The control tower (a group, so that ``overview`` stays a command when run on its own)."""


#: units in the catalogue's words (others — t, kg, % — shown as they are)
UNIT_KEYS = {"t CO2e": "unit.tco2e", "MWh": "tower.unit.mwh", "points": "tower.unit.points"}


def _value(f: dict[str, Any], t: Translator) -> str:
    """A figure with its unit: two decimals below 100, none above, ``—`` when not known."""
    v = f.get("value")
    if v is None:
        return "—"
    text = f"{v:,.2f}" if isinstance(v, float) and abs(v) < 100 else f"{v:,.0f}"
    unit = str(f.get("unit") or "")
    if unit == "%":
        return f"{text} %"
    return f"{text} {t(UNIT_KEYS[unit]) if unit in UNIT_KEYS else unit}".rstrip()


def _number(v: float | None) -> str:
    return "—" if v is None else f"{v:,.1f}"


def tower_lines(doc: dict[str, Any], org: str, t: Translator) -> list[str]:
    """The tower as the lines the command prints."""
    lines = [t("tower.cli.head", org=org, fy=doc.get("fiscal_year") or "—")]
    for tile in doc["tiles"]:
        lines.append(t("tower.cli.tile", title=t(f"tower.tile.{tile['key']}"),
                       status=t(f"tower.status.{tile['status']}")))  # fmt: skip
        if tile["status"] == "not_available":
            lines.append(t("tower.cli.reason", reason=t(tile["reason"])))
        lines += [t("tower.cli.figure", label=t(f["label"]), value=_value(f, t))
                  for f in tile["figures"]]  # fmt: skip
    lines.append(t("tower.cli.alerts", n=len(doc["alerts"])))
    for a in doc["alerts"]:
        text = t(f"tower.alert.{a['kind']}", subject=a["subject"], **a["params"])
        owner = a["owner"] or t("tower.owner_unknown")
        severity = t(f"tower.status.{a['severity']}")
        lines.append(t("tower.cli.alert", severity=severity, text=text, owner=owner,
                       due=a["due"] or "—"))  # fmt: skip
    fc = doc["forecast"]
    total = (fc.get("series") or {}).get("total_market") or {}
    lines.append(t("tower.cli.forecast"))
    if total.get("status") == "ok":
        level = round(total["level"] * 100)
        lines.append(t("tower.forecast.method", method=total["method"], n=total["n"],
                       level=level, reference=total["reference"]))  # fmt: skip
    elif total:
        lines.append(t("tower.forecast.not_enough", n=total["n"], min=total["min_points"]))
    bau = ((fc.get("bau") or {}).get("by_scope") or {}).get("total_market") or {}
    for p in total.get("points") or []:
        lines.append(t("tower.cli.forecast_row", fy=p["fiscal_year"], point=_number(p["point"]),
                       lower=_number(p["lower"]), upper=_number(p["upper"]),
                       bau=_number(bau.get(p["fiscal_year"]))))  # fmt: skip
    if not total.get("points") and bau:
        for fy, v in sorted(bau.items()):
            lines.append(t("tower.cli.forecast_row", fy=fy, point="—", lower="—", upper="—",
                           bau=_number(v)))  # fmt: skip
    return lines


@tower_app.command("overview")
def overview(
    fy: Annotated[
        str | None,
        typer.Option("--fy", "-y", help="Fiscal year, e.g. FY2023/24 (default: latest)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """The control tower: every module's tile, the alerts, the trend forecast."""
    from lingtan.adapters.services.control_tower import tower

    doc, org = run_in_store(
        workspace, lambda db, c: (tower(c, fy, db=db), c.workspace().config.organisation)
    )
    if as_json:
        print_json(doc)
        return
    for line in tower_lines(doc, org, Translator(cli_locale())):
        plain(line)
