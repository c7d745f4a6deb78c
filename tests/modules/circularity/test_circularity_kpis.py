"""The eight circularity KPIs on small hand-made ledgers, each figure worked by hand below;
the row checks (ISO 14021 recycled content, net ≤ gross, returned + lost ≤ issued, the factor
pair with its source, an approved recycler's steps) and the period rule for calendar-year rows."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.modules.circularity import kpis as km
from lingtan.modules.circularity import ledgers as lm
from lingtan.modules.circularity.errors import CircularityError

FY = km.Period("FY2023/24", date(2023, 4, 1), date(2024, 3, 31))

REC_OK = lm.ApprovedRecycler("R1", "Good recycler", "CN-TJ", ("recycling",), date(2022, 1, 1),
                             date(2022, 2, 1), date(2022, 3, 1), True, True, "approved",
                             date(2025, 1, 1))  # fmt: skip
REC_LATE = lm.ApprovedRecycler("R2", "Approved later", "CN-GD", (), date(2023, 1, 1),
                               date(2023, 1, 2), date(2024, 1, 1), True, True,
                               "approved")  # fmt: skip

LEDGERS = km.Ledgers(
    materials=[
        # 2023 (calendar; 1 July 2023 is in FY2023/24): PCC 1,000 kg gross / 400 kg net,
        # factors 2.5 − 0.5 = 2.0 kg CO2e/kg → 800 kg CO2e avoided
        lm.MaterialInput("2023", "pcc", 400.0, 1000.0, ef_virgin=2.5, ef_recycled=0.5,
                         ef_source="factor set X v1"),
        # FY2023/24: CL-PCC 500 kg gross / 300 kg net, no factors
        lm.MaterialInput("FY2023/24", "cl_pcc", 300.0, 500.0),
        # OBP 100 kg gross / 20 kg net (ocean-bound: plastic, not "recycled_plastic" group)
        lm.MaterialInput("2023", "obp", 20.0, 100.0),
        # bamboo 50 kg net (bio-based)
        lm.MaterialInput("2023", "bamboo", 50.0),
        # 2022: PCC 2,000 kg gross / 900 kg net (cumulative only)
        lm.MaterialInput("2022", "pcc", 900.0, 2000.0),
        # 2024: after the period (1 July 2024 > 31 March 2024): ignored
        lm.MaterialInput("2024", "pcc", 99.0, 999.0),
    ],
    packaging=[
        # (0.05 − 0.01) × 10,000 = 400 kg plastic; (0.20 − 0.14) × 5,000 = 300 kg paper
        lm.PackagingChange("FY2023/24", "Line A", "plastic", 0.05, 0.01, 10_000),
        lm.PackagingChange("FY2023/24", "Line B", "paper", 0.20, 0.14, 5_000),
    ],
    returnables=[
        lm.ReturnableAssetMovement("pallet", "Supplier", date(2023, 10, 1), date(2024, 3, 31),
                                   1_000, 950),
        lm.ReturnableAssetMovement("pallet", "Pool", date(2023, 4, 1), date(2024, 3, 31), 2_000,
                                   1_990, 6),
        lm.ReturnableAssetMovement("tote", "Old", date(2022, 4, 1), date(2023, 3, 31), 10, 10),
    ],
    takeback=[
        lm.TakeBack(date(2020, 5, 1), "ars", "mixed", 1_000, "refurbish"),
        # in FY2023/24: 100 + 60 + 40 = 200 devices
        lm.TakeBack(date(2023, 6, 1), "ars", "notebook", 100, "recycle", kg=250.0,
                    recycler="R1", sanitisation_cert="NIST-1"),
        lm.TakeBack(date(2023, 9, 1), "ars", "desktop", 60, "recycle", kg=600.0,
                    recycler="R2", sanitisation_cert="NIST-2"),  # R2 not yet approved
        lm.TakeBack(date(2024, 2, 1), "trade_in", "phone", 40, "reuse"),
    ],
    recyclers=[REC_OK, REC_LATE],
)  # fmt: skip


def _figs() -> dict[str, km.Figure]:
    return {f.key: f for f in km.compute(LEDGERS, FY)}


def test_material_kpis_by_hand() -> None:
    f = _figs()
    # recycled plastic gross in FY: PCC 1,000 + CL-PCC 500 = 1,500 kg = 1.5 t (OBP apart)
    assert f["recycled_mass"].value == pytest.approx(1.5)
    # recycled net: 400 + 300 + 20 = 720 kg = 0.72 t; bamboo 50 kg = 0.05 t
    assert f["recycled_net"].value == pytest.approx(0.72)
    assert f["bio_based_net"].value == pytest.approx(0.05)
    # plastics with gross: net 720 / gross 1,600 = 45 %
    assert f["recycled_content_share"].value == pytest.approx(45.0)
    # avoided: 400 kg × (2.5 − 0.5) = 800 kg = 0.8 t CO2e, labelled avoided, its source kept
    av = f["avoided_emissions"]
    assert (av.value, av.avoided, av.sources) == (pytest.approx(0.8), True, ("factor set X v1",))
    assert av.parts["rows_without_factors"] == 3
    # cumulative since 2022: 2,000 + 1,000 + 500 = 3,500 kg = 3.5 t; PCC net 900 + 400
    assert f["recycled_cumulative"].value == pytest.approx(3.5)
    assert f["cumulative_net.pcc"].value == pytest.approx(1.3)
    assert km.compute(LEDGERS, FY, since=2023)[5].value == pytest.approx(1.5)


def test_packaging_returnables_takeback_by_hand() -> None:
    f = _figs()
    # 400 + 300 = 700 kg avoided = 0.7 t; plastic 400 / 700 = 57.142… %
    assert f["packaging_avoided"].value == pytest.approx(0.7)
    assert f["packaging_plastic_share"].value == pytest.approx(400 / 700 * 100)
    # returned 950 + 1,990 = 2,940 of 3,000 issued = 98 %; lost 6 / 2,000 counted = 3 ‰
    assert f["returnables_returned"].value == 2_940
    assert f["returnables_return_rate"].value == pytest.approx(98.0)
    assert f["returnables_loss_rate"].value == pytest.approx(3.0)
    # 200 devices in the year, 1,200 since 2020, 850 kg weighed = 0.85 t
    assert f["takeback_devices"].value == 200
    assert f["takeback_cumulative"].value == 1_200
    assert f["takeback_mass"].value == pytest.approx(0.85)
    # certified: 100 + 60 = 160 / 200 = 80 %
    assert f["data_destruction_share"].value == pytest.approx(80.0)
    # to a recycler: 160 devices; R1 approved (100), R2's approval on 2024-01-01 is after
    # 2023-09-01 (60 not covered): 100 / 160 = 62.5 %
    assert f["recycler_coverage"].value == pytest.approx(62.5)
    assert list(km.headline(km.compute(LEDGERS, FY))) == list(km.KPIS)


def test_empty_ledgers_are_not_available_never_zero() -> None:
    figs = km.compute(km.Ledgers(), FY)
    assert all(f.value is None and f.reason for f in figs)
    assert {f.key for f in figs} >= set(km.KPIS)


@pytest.mark.parametrize(
    ("row", "key", "field"),
    [
        (lm.MaterialInput("2023", "pcc", 10.0, 5.0), "circ.err.net_above_gross", "net_kg"),
        (lm.MaterialInput("2023", "pcc", 1.0, ef_virgin=2.0), "circ.err.factor_pair",
         "ef_recycled"),
        (lm.MaterialInput("2023", "pcc", 1.0, ef_virgin=2.0, ef_recycled=1.0),
         "circ.err.factor_source", "ef_source"),
        (lm.MaterialInput("2023", "pcc", 1.0, ef_virgin=1.0, ef_recycled=2.0, ef_source="x"),
         "circ.err.factor_order", "ef_recycled"),
        (lm.MaterialInput("FY2023/25", "pcc", 1.0), "circ.err.year", "year"),
        (lm.MaterialInput("2023", "gold", 1.0), "circ.err.choice", "material"),
        (lm.MaterialInput("2023", "pcc", -1.0), "circ.err.mass", "net_kg"),
    ],
)  # fmt: skip
def test_material_checks(row: lm.MaterialInput, key: str, field: str) -> None:
    with pytest.raises(CircularityError) as e:
        lm.check_material(row)
    assert (e.value.message.key, e.value.field) == (key, field)


def test_other_checks() -> None:
    with pytest.raises(CircularityError) as e:
        lm.check_returnable(lm.ReturnableAssetMovement("pallet", "P", date(2024, 1, 1),
                                                       date(2024, 2, 1), 10, 8, 3))  # fmt: skip
    assert e.value.message.key == "circ.err.returned_above_issued"
    with pytest.raises(CircularityError) as e:
        lm.check_recycler(lm.ApprovedRecycler("R9", "X", "CN", status="approved",
                                              supplier_audit=date(2024, 1, 1)))  # fmt: skip
    assert (e.value.message.key, e.value.field) == ("circ.err.approval_missing",
                                                    "environmental_audit")  # fmt: skip
    assert lm.check_year("FY2023-24") == "FY2023/24"
    assert not REC_OK.approved_on(date(2025, 1, 2))  # expired
    assert lm.check_takeback(lm.TakeBack(date(2024, 1, 1), "ARS", "Notebook", 1, "reuse")
                             ).programme == "ars"  # fmt: skip
