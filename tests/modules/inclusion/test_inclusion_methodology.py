"""Methodology packs and the quantification of an action (decision 0087), pure: every shipped
pack against numbers checked by hand, the Shenzhen net factors, region-selected parameters,
the 0-kg rules, refusals of bad packs (keyed, naming the field) and implausible actions."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import pytest

from lingtan.adapters.io.inclusion_packs import shipped_packs
from lingtan.modules.inclusion.errors import MethodologyError, PlausibilityError
from lingtan.modules.inclusion.methodology import (
    ActionInput,
    Pack,
    parse_pack,
    quantify,
    region_matches,
)

DAY = datetime(2024, 5, 6, 8, 30)
REL = 1e-9


def pack(pack_id: str) -> Pack:
    return next(p for p in shipped_packs() if p.id == pack_id)


def act(action: str, quantity: float, unit: str, **kw: Any) -> ActionInput:
    return ActionInput(action, quantity, unit, DAY, **kw)


def test_shenzhen_metro_10_km_is_0_467_kg() -> None:
    # 10 km × 46.7 g/pkm = 467 g (深圳商报 2022-09-23, single-source)
    r = quantify(pack("shenzhen.public-transport"), act("travel.metro", 10, "km"),
                 "CN-GD/Shenzhen")  # fmt: skip
    assert r.kg_co2e == pytest.approx(0.467, rel=REL)
    assert (r.counts_as, r.pack_id, r.pack_version) == ("reduction", "shenzhen.public-transport",
                                                        "2021-12 (试行)")  # fmt: skip
    assert [s.key for s in r.trace] == ["incl_meth.step.distance", "incl_meth.step.net_factor",
                                        "incl_meth.step.reduction"]  # fmt: skip
    assert "single-source" in (r.trace[1].source or "")
    bus = quantify(pack("shenzhen.public-transport"), act("commute.bus", 4, "pkm"),
                   "CN-GD/Shenzhen")  # fmt: skip
    assert bus.kg_co2e == pytest.approx(4 * 0.0269, rel=REL)


def test_travel_baseline_minus_project_by_hand() -> None:
    p = pack("lingtan.travel")
    # BE = 10 × 0.16725 = 1.6725; EF_metro = 0.1616 kWh/pkm × 0.5568 = 0.08997888;
    # PE = 0.8997888; ER = 0.7727112 (national grid)
    r = quantify(p, act("travel.metro", 10, "km"), "CN")
    assert r.kg_co2e == pytest.approx(1.6725 - 10 * 0.1616 * 0.5568, rel=REL)
    assert r.kg_co2e == pytest.approx(0.7727112, rel=REL)
    # Guangdong's grid factor 0.4715 is selected by the region (CN-GD/Shenzhen → CN-GD)
    gd = quantify(p, act("travel.metro", 10, "km"), "CN-GD/Shenzhen")
    assert gd.kg_co2e == pytest.approx(1.6725 - 10 * 0.1616 * 0.4715, rel=REL)
    assert gd.params_hash != r.params_hash
    # walking and cycling: project emissions 0 (DB11/T 3043—2024)
    walk = quantify(p, act("commute.walk", 2.5, "km", duration_min=30), "CN")
    assert walk.kg_co2e == pytest.approx(2.5 * 0.16725, rel=REL)
    # car-pool, 2 occupants: PE = d × 0.16725 / 2
    pool = quantify(p, act("travel.carpool", 20, "km"), "CN")
    assert pool.kg_co2e == pytest.approx(20 * 0.16725 / 2, rel=REL)
    # the bus: 10 × (0.16725 − 0.10385) = 0.634
    assert quantify(p, act("travel.bus", 10, "km"), "CN").kg_co2e == pytest.approx(0.634)
    # distance_km wins over the quantity when given
    assert quantify(p, act("travel.bike", 1, "km", distance_km=4), "CN").kg_co2e == \
        pytest.approx(4 * 0.16725)  # fmt: skip


def test_business_rail_for_air() -> None:
    r = quantify(pack("lingtan.business-rail"), act("travel.business.rail_for_air", 1000, "km"))
    # 1000 × 0.13552 − 1000 × 0.2003 × 0.5568 = 135.52 − 111.52704 = 23.99296
    assert r.kg_co2e == pytest.approx(23.99296, rel=REL)


def test_second_hand_generic_and_own_product() -> None:
    p = pack("lingtan.second-hand")
    # a phone: E_new = 0.2 kg × 24.86547556 kg/kg = 4.973095; × r 0.3 = 1.4919285
    r = quantify(p, act("secondhand.phone", 1, "item"))
    assert r.kg_co2e == pytest.approx(0.2 * 24.86547556 * 0.3, rel=REL)
    # the organisation's own laptop: E_new = its materials + manufacturing footprint
    own = quantify(p, act("secondhand.laptop", 2, "item"), own_new_kg=121.5,
                   own_source="lingtan product footprint LB14/i7")  # fmt: skip
    assert own.kg_co2e == pytest.approx(2 * 121.5 * 0.3, rel=REL)
    assert own.trace[0].key == "incl_meth.step.own_product"
    assert own.params_hash != quantify(p, act("secondhand.laptop", 2, "item")).params_hash


def test_recycling_counts_as_avoided() -> None:
    r = quantify(pack("lingtan.recycling"), act("recycle.laptop", 1, "item"))
    al = 0.3 * 0.9 * (9.11590131 - 0.9950779)
    steel = 0.2 * 0.9 * (2.86390131 - 1.82390131)
    plastics = 0.6 * 0.5 * (3.17249932 - 1.57539106)
    assert r.kg_co2e == pytest.approx(al + steel + plastics - 0.05, rel=REL)
    assert r.kg_co2e == pytest.approx(2.80895478, rel=1e-8)
    assert r.counts_as == "avoided"


def test_household_electricity_two_branches() -> None:
    p = pack("lingtan.household-electricity")
    # below the baseline: (5 − 4) kWh × 0.4715 (Guangdong grid)
    below = quantify(p, act("household.electricity", 4, "kWh"), "CN-GD/Shenzhen")
    assert below.kg_co2e == pytest.approx(0.4715, rel=REL)
    # above: against the own 7-day mean, (9 − 7.5) × 0.5568
    above = quantify(p, act("household.electricity", 7.5, "kWh", context={"mean_7d_kwh": 9}))
    assert above.kg_co2e == pytest.approx(1.5 * 0.5568, rel=REL)
    assert above.trace[2].key == "incl_meth.step.saved_own_mean"
    # above both: 0
    assert quantify(p, act("household.electricity", 12, "kWh",
                           context={"mean_7d_kwh": 9})).kg_co2e == 0  # fmt: skip


def test_online_meeting_and_e_signature() -> None:
    m = quantify(pack("lingtan.online-meeting"), act("meeting.online", 6, "participant"))
    assert m.kg_co2e == pytest.approx(6 * (10 * 0.16725 - 0.1 * 0.5568), rel=REL)
    e = quantify(pack("lingtan.e-signature"), act("office.esign", 100, "page"))
    assert e.kg_co2e == pytest.approx(100 * 0.00499 * 1.3450779, rel=REL)
    assert {pack("lingtan.online-meeting").label, pack("lingtan.e-signature").label} == {
        "lingtan-conservative"}  # fmt: skip


def test_carbon_neutral_pc_is_0_kg_and_low_carbon_pc_avoided() -> None:
    r = quantify(None, act("purchase.carbon_neutral_pc", 1, "item"))
    assert (r.kg_co2e, r.counts_as, r.pack_id) == (0.0, "engagement", None)
    assert r.trace[0].key == "incl_meth.step.carbon_neutral"
    assert quantify(None, act("learn.quiz", 1, "item")).kg_co2e == 0
    low = pack("lingtan.low-carbon-product")
    r = quantify(low, act("purchase.low_carbon_pc", 1, "item", context={"reference_kg": 300}),
                 own_new_kg=250.0)  # fmt: skip
    assert (r.kg_co2e, r.counts_as) == (pytest.approx(50.0), "avoided")
    with pytest.raises(MethodologyError) as exc:
        quantify(low, act("purchase.low_carbon_pc", 1, "item"), own_new_kg=250.0)
    assert exc.value.field == "context"


def test_a_negative_result_is_credited_as_0() -> None:
    doc = _doc("lingtan-travel")
    doc["parameters"]["ef.bus"]["value"] = 0.5  # a bus emitting more than the baseline
    r = quantify(parse_pack(doc), act("travel.bus", 10, "km"))
    assert r.kg_co2e == 0
    assert r.trace[-1].key == "incl_meth.step.floor"


def test_plausibility_refusals_name_the_field() -> None:
    p = pack("lingtan.travel")
    with pytest.raises(PlausibilityError) as exc:  # 10 km walked in 20 min = 30 km/h
        quantify(p, act("travel.walk", 10, "km", duration_min=20))
    assert (exc.value.field, exc.value.message.key) == ("duration_min", "incl_meth.err.speed")
    assert exc.value.message.params["speed"] == "30.0"
    quantify(p, act("travel.walk", 3, "km", duration_min=40))  # 4.5 km/h: fine
    with pytest.raises(PlausibilityError) as exc:  # per-event cap 200 km
        quantify(p, act("travel.metro", 250, "km"))
    assert (exc.value.field, exc.value.message.key) == ("quantity", "incl_meth.err.cap")
    with pytest.raises(PlausibilityError) as exc:
        quantify(p, act("travel.metro", -1, "km"))
    assert exc.value.field == "quantity"
    with pytest.raises(MethodologyError) as exc:
        quantify(p, act("travel.metro", 1, "kWh"))
    assert exc.value.field == "unit"
    with pytest.raises(MethodologyError) as exc:
        quantify(p, act("office.esign", 1, "page"))
    assert exc.value.message.key == "incl_meth.err.not_covered"
    with pytest.raises(MethodologyError) as exc:  # before the Shenzhen methodology
        quantify(pack("shenzhen.public-transport"),
                 ActionInput("travel.metro", 5, "km", datetime(2021, 1, 1)))  # fmt: skip
    assert exc.value.field == "occurred_at"


def _doc(name: str) -> dict[str, Any]:
    from importlib import resources

    import yaml

    text = resources.files("lingtan").joinpath("data", "inclusion", "packs",
                                               f"{name}.yaml").read_text("utf-8")  # fmt: skip
    return copy.deepcopy(yaml.safe_load(text))


@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        (
            lambda d: d["parameters"]["ef_grid"].update(unit="kWh/day"),
            "parameters.ef_grid.unit",
            "incl_meth.err.dimension",
        ),
        (
            lambda d: d["parameters"]["ef_grid"].update(unit="tCO2/MWh2"),
            "parameters.ef_grid.unit",
            "incl_meth.err.unit",
        ),
        (
            lambda d: d["parameters"].update(bogus={"value": 1}),
            "parameters.bogus",
            "incl_meth.err.unknown_param",
        ),
        (
            lambda d: d["parameters"]["ef.bus"].update(value="lots"),
            "parameters.ef.bus.value",
            "incl_meth.err.number",
        ),
        (
            lambda d: d["parameters"]["ef.bus"].update(confidence="sure"),
            "parameters.ef.bus.confidence",
            "incl_meth.err.confidence",
        ),
        (
            lambda d: d["parameters"]["ef.bus"].pop("derivation"),
            "parameters.ef.bus.derivation",
            "incl_meth.err.required",
        ),
        (lambda d: d.update(label="official-ish"), "label", "incl_meth.err.label"),
        (lambda d: d.update(valid_to="2019-01-01"), "valid_to", "incl_meth.err.backwards"),
        (lambda d: d.update(valid_from="someday"), "valid_from", "incl_meth.err.date"),
        (lambda d: d.update(actions=["travel.teleport"]), "actions", "incl_meth.err.action"),
        (lambda d: d.update(formula="magic"), "formula", "incl_meth.err.formula_unknown"),
        (lambda d: d.pop("citation"), "citation", "incl_meth.err.required"),
        (lambda d: d.update(colour="green"), "colour", "incl_meth.err.unknown_field"),
        (
            lambda d: d.update(eligibility={"speed_kmh": {"walk": [9, 1]}}),
            "eligibility.speed_kmh.walk",
            "incl_meth.err.range",
        ),
    ],
)
def test_bad_packs_are_refused_naming_the_field(change: Any, field: str, key: str) -> None:
    doc = _doc("lingtan-travel")
    parse_pack(doc)  # the shipped document itself is valid
    change(doc)
    with pytest.raises(MethodologyError) as exc:
        parse_pack(doc)
    assert (exc.value.field, exc.value.message.key) == (field, key)


def test_regions_match_at_boundaries() -> None:
    assert region_matches("CN", "CN-GD/Shenzhen")
    assert region_matches("CN-GD", "CN-GD/Shenzhen")
    assert region_matches("CN-GD/Shenzhen", "CN-GD/Shenzhen")
    assert not region_matches("CN-GD/Shenzhen", "CN-GD")
    assert not region_matches("CN-G", "CN-GD")
    assert not region_matches("CN-BJ", "CN-GD")
