"""BOM → demand lines → footprint by stage (ISO 14067 §6.3–6.5, GHG Protocol Product Standard
ch. 7, §8.3, §9.3): a small product computed by hand, and the errors of bad BOMs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lingtan.adapters.io.factor_files import read_gwp_sets
from lingtan.modules.products.errors import BomError
from lingtan.modules.products.footprint import FootprintModel
from lingtan.modules.products.lci import (
    ElementaryFlow,
    Exchange,
    ExchangeKind,
    LciDatabase,
    Process,
    characterise,
)
from lingtan.modules.products.model import (
    BomLine,
    Configuration,
    EndOfLifeRoute,
    Grade,
    GridFactor,
    MaterialCatalogue,
    MaterialDeclaration,
    Product,
    RecycledContent,
    SupplierFootprint,
    TransportLeg,
    UseProfile,
)

B = ExchangeKind.BIOSPHERE
CO2 = ElementaryFlow("co2", "Carbon dioxide, fossil", "kg", ("air",), "CO2")
DB = LciDatabase(
    "tiny",
    (
        Process("al-v", "aluminium, primary", "kg"),
        Process("al-r", "aluminium, recycled", "kg"),
        Process("pcb", "printed board", "m**2"),
        Process("lorry", "lorry", "tkm"),
        Process("recyc", "WEEE recycling", "kg"),
        Process("landfill", "landfill", "kg"),
    ),
    (CO2,),
    (
        Exchange("al-v", "co2", 10.0, B),
        Exchange("al-r", "co2", 1.0, B),
        Exchange("pcb", "co2", 50.0, B),
        Exchange("lorry", "co2", 0.1, B),
        Exchange("recyc", "co2", 0.2, B),
        Exchange("landfill", "co2", 0.5, B),
    ),
)
CATALOGUE = MaterialCatalogue(
    {("aluminium", Grade.VIRGIN): "al-v", ("aluminium", Grade.RECYCLED): "al-r"}
)
CASE = BomLine(
    "CASE-1",
    "case",
    supplier="MetalCo",
    materials=(MaterialDeclaration("aluminium", 200, "g", RecycledContent(recycled=0.25)),),
)
CHIP = BomLine(
    "CHIP-1",
    "chip",
    quantity=3,
    supplier="ChipCo",
    materials=(MaterialDeclaration("aluminium", 2, "g"),),
    supplier_footprint=SupplierFootprint(0.5, "item", source="PACT x"),
)
BOARD = BomLine(
    "BRD-1",
    "board",
    quantity=2,
    supplier="BoardCo",
    process="pcb",
    process_amount=100,
    process_unit="cm**2",
    children=(CHIP,),
)
CONFIG = Configuration(
    "base",
    "base config",
    bom=(CASE, BOARD),
    transport=(TransportLeg("road", 1000, "lorry"),),
    use=UseProfile(10, 5, "XX", GridFactor(0.5, "XX", "test factor")),
    end_of_life=(
        EndOfLifeRoute("recycling", 0.5, "recyc"),
        EndOfLifeRoute("landfill", 0.5, "landfill"),
    ),
)
PRODUCT = Product("P1", "Test product", "notebook", 1, (CONFIG,))


@pytest.fixture(scope="module")
def model() -> FootprintModel:
    return FootprintModel(DB, characterise(DB.flows, read_gwp_sets()["AR6"]), CATALOGUE)


def test_footprint_by_stage_by_hand(model: FootprintModel) -> None:
    fp = model.footprint(PRODUCT, "base")
    st = fp.by_stage()
    # materials: case 200 g aluminium, 25 % recycled (cut-off: recycled input bears its
    #   reprocessing only): 0.15 kg × 10 + 0.05 kg × 1 = 1.55 kg CO2e
    assert st["materials"] == pytest.approx(1.55, rel=1e-12)
    # manufacturing: 2 boards × 100 cm² = 0.02 m² × 50 = 1.0; chips 2 × 3 = 6 items × 0.5 kg
    #   (supplier PACT value replaces the chips' materials) = 3.0 → 4.0
    assert st["manufacturing"] == pytest.approx(4.0, rel=1e-12)
    # product mass 0.2 kg + 6 chips × 2 g = 0.212 kg; road 1000 km: 0.212e-3 t × 1000 km =
    #   0.212 t·km × 0.1 = 0.0212
    assert fp.mass_kg == pytest.approx(0.212, rel=1e-12)
    assert st["distribution"] == pytest.approx(0.0212, rel=1e-12)
    # use: 10 kWh/yr × 5 yr × 0.5 kg/kWh = 25
    assert st["use"] == pytest.approx(25.0, rel=1e-12)
    # end of life: 0.106 kg × 0.2 (recycling) + 0.106 kg × 0.5 (landfill) = 0.0742
    assert st["end_of_life"] == pytest.approx(0.0742, rel=1e-12)
    assert fp.total == pytest.approx(1.55 + 4.0 + 0.0212 + 25.0 + 0.0742, rel=1e-12)
    # every breakdown sums to the total
    assert sum(fp.by_component().values()) == pytest.approx(fp.total, rel=1e-12)
    assert fp.by_supplier() == pytest.approx({"ChipCo": 3.0, "MetalCo": 1.55, "BoardCo": 1.0})
    assert fp.by_material() == pytest.approx(
        {"aluminium (virgin)": 1.5, "aluminium (recycled)": 0.05}
    )
    assert fp.hot_spots(1)[0].line.stage.value == "use"
    doc = fp.to_dict()
    assert doc["stages_pct"]["use"] == pytest.approx(100 * 25.0 / fp.total)


def test_many_configurations_at_once_equal_one_by_one(model: FootprintModel) -> None:
    alt = replace(CONFIG, config_id="alt", use=replace(CONFIG.use, lifetime_years=3))
    product = replace(PRODUCT, configurations=(CONFIG, alt))
    both = model.footprints(product)
    assert both[0].total == pytest.approx(model.footprint(product, "base").total, rel=1e-12)
    # 2 years less of 10 kWh × 0.5 kg: 10 kg less
    assert both[0].total - both[1].total == pytest.approx(10.0, rel=1e-12)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            replace(
                CONFIG,
                bom=(
                    replace(
                        CASE,
                        materials=(
                            MaterialDeclaration(
                                "aluminium", 1, "g", RecycledContent(recycled=0.8, pcc=0.3)
                            ),
                        ),
                    ),
                ),
            ),
            r"BOM line CASE-1, material 'aluminium'.*sum to 1.1",
        ),
        (
            replace(CONFIG, bom=(replace(BOARD, process="nope"),)),
            r"BOM line BRD-1: unknown LCI process 'nope'",
        ),
        (
            replace(CONFIG, bom=(replace(BOARD, process_unit="kWh"),)),
            r"BOM line BRD-1: cannot convert 'kWh'",
        ),
        (
            replace(
                CONFIG, bom=(replace(CASE, materials=(MaterialDeclaration("unobtainium", 1),)),)
            ),
            r"no LCI process for material 'unobtainium'",
        ),
        (
            replace(CONFIG, end_of_life=(EndOfLifeRoute("recycling", 0.7, "recyc"),)),
            r"end-of-life shares sum to 0.7",
        ),
        (replace(CONFIG, use=UseProfile(10, 5, "XX")), "has no grid factor"),
    ],
)
def test_bad_boms_name_the_line(model: FootprintModel, config: Configuration, message: str) -> None:
    with pytest.raises(BomError, match=message):
        model.footprint(replace(PRODUCT, configurations=(config,)), "base")
