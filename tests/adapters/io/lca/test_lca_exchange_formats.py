"""ecospold2 and openLCA JSON-LD: reading hand-written files, round trips, and malformed input
(an error naming file, element and reason; nothing imported)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from lingtan.adapters.io.factor_files import read_gwp_sets
from lingtan.adapters.io.lca.ecospold2 import read_ecospold2, write_ecospold2
from lingtan.adapters.io.lca.jsonld import read_jsonld, write_jsonld
from lingtan.adapters.io.lca.native import bundled_database
from lingtan.modules.products.engine import LcaSystem
from lingtan.modules.products.errors import LciFileError
from lingtan.modules.products.lci import Distribution, LciDatabase, characterise

AR6 = read_gwp_sets()["AR6"]


def spold(key: str, name: str, exchanges: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ecoSpold xmlns="http://www.EcoInvent.org/EcoSpold02">
  <activityDataset>
    <activityDescription>
      <activity id="{key}"><activityName xml:lang="en">{name}</activityName></activity>
      <geography><shortname xml:lang="en">CN</shortname></geography>
    </activityDescription>
    <flowData>{exchanges}</flowData>
  </activityDataset>
</ecoSpold>
"""


STEEL = spold(
    "a",
    "steel production",
    """
      <intermediateExchange id="x1" intermediateExchangeId="steel" amount="1">
        <name xml:lang="en">steel</name><unitName xml:lang="en">kg</unitName>
        <outputGroup>0</outputGroup></intermediateExchange>
      <intermediateExchange id="x2" intermediateExchangeId="elec" activityLinkId="b" amount="0.5">
        <name xml:lang="en">electricity</name><unitName xml:lang="en">kWh</unitName>
        <uncertainty><lognormal mu="-0.6931471805599453" variance="0.01"
          varianceWithPedigreeUncertainty="0.04"/></uncertainty>
        <inputGroup>5</inputGroup></intermediateExchange>
      <elementaryExchange id="x3" elementaryExchangeId="co2" amount="2">
        <name xml:lang="en">Carbon dioxide, fossil</name><unitName xml:lang="en">kg</unitName>
        <compartment><compartment xml:lang="en">air</compartment></compartment>
        <outputGroup>4</outputGroup></elementaryExchange>""",
)
ELEC = spold(
    "b",
    "electricity production",
    """
      <intermediateExchange id="y1" intermediateExchangeId="elec" amount="1">
        <name xml:lang="en">electricity</name><unitName xml:lang="en">kWh</unitName>
        <outputGroup>0</outputGroup></intermediateExchange>
      <intermediateExchange id="y2" intermediateExchangeId="steel" amount="0.1">
        <name xml:lang="en">steel</name><unitName xml:lang="en">kg</unitName>
        <inputGroup>5</inputGroup></intermediateExchange>
      <elementaryExchange id="y3" elementaryExchangeId="ch4" amount="0.01">
        <name xml:lang="en">Methane, fossil</name><unitName xml:lang="en">kg</unitName>
        <outputGroup>4</outputGroup></elementaryExchange>""",
)


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.spold").write_text(text, encoding="utf-8")
    return folder


def score(db: LciDatabase, demand: dict[str, float]) -> float:
    s = LcaSystem.from_database(db, characterise(db.flows, AR6))
    return s.score(s.demand_vector(demand))


def test_hand_written_ecospold2_solves_as_by_hand(tmp_path: Path) -> None:
    db = read_ecospold2(write(tmp_path / "es", steel=STEEL, elec=ELEC))
    assert {p.key: p.location for p in db.processes} == {"a": "CN", "b": "CN"}
    # the input of steel in "b" has no activityLinkId: linked to the one maker of "steel" (a)
    # same system as the engine test: 2 / 0.95 + 0.298 · 0.5 / 0.95 = 2.2621053 kg CO2e
    assert score(db, {"a": 1.0}) == pytest.approx(2 / 0.95 + 0.298 * 0.5 / 0.95, rel=1e-12)
    unc = next(e.uncertainty for e in db.exchanges if e.flow == "b")
    assert unc.distribution is Distribution.LOGNORMAL
    assert unc.scale == pytest.approx(0.2)  # √ varianceWithPedigreeUncertainty = √0.04


@pytest.mark.parametrize(
    ("steel", "element", "reason"),
    [
        (STEEL.replace("</flowData>", "<flowData>"), "line", "not well-formed XML"),
        (
            STEEL.replace('amount="2"', 'amount="two"'),
            "/ecoSpold/activityDataset[1]/flowData[1]/elementaryExchange[1] (id=x3)",
            "attribute 'amount' is not a number",
        ),
        (
            STEEL.replace('amount="0.5"', ""),
            "intermediateExchange[2] (id=x2)",
            "attribute 'amount' is missing",
        ),
        (
            STEEL.replace('activityLinkId="b"', 'activityLinkId="zz"'),
            "(id=x2)",
            "activityLinkId 'zz' is not among the files read",
        ),
        (
            STEEL.replace(
                "<inputGroup>5</inputGroup></intermediateExchange>\n      <elementary",
                "<outputGroup>2</outputGroup></intermediateExchange>\n      <elementary",
            ),
            "(id=x2)",
            "by-product (outputGroup 2) with non-zero amount",
        ),
        (
            STEEL.replace(
                '<?xml version="1.0" encoding="UTF-8"?>',
                '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x "y">]>',
            ),
            "line 1",
            "refused",
        ),
    ],
)
def test_malformed_ecospold2_names_the_element(
    tmp_path: Path, steel: str, element: str, reason: str
) -> None:
    folder = write(tmp_path / "bad", steel=steel, elec=ELEC)
    with pytest.raises(LciFileError) as info:
        read_ecospold2(folder)
    err = info.value
    assert err.file == "steel.spold"
    assert element in err.element
    assert reason in err.reason


def test_bundled_database_round_trips_through_ecospold2_and_jsonld(tmp_path: Path) -> None:
    db = bundled_database()
    write_ecospold2(db, tmp_path / "es")
    es = read_ecospold2(tmp_path / "es")
    jl = read_jsonld(write_jsonld(db, tmp_path / "jl"))
    zipped = tmp_path / "jl.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        for f in (tmp_path / "jl").rglob("*.json"):
            z.write(f, f.relative_to(tmp_path / "jl").as_posix())
    jz = read_jsonld(zipped)
    for demand in ({"assembly": 1.0}, {"al-primary": 2.0, "lcd-panel": 0.058}, {"elec-cn": 1.0}):
        ref = score(db, demand)
        for other in (es, jl, jz):
            assert score(other, demand) == pytest.approx(ref, rel=1e-12)
    a = {(e.process, e.flow): e.uncertainty for e in db.exchanges}
    b = {(e.process, e.flow): e.uncertainty for e in jl.exchanges}
    assert np.isclose(a[("al-primary", "elec-cn")].scale, b[("al-primary", "elec-cn")].scale)


def jsonld_package(folder: Path, exchange_amount: object = 0.5) -> Path:
    (folder / "processes").mkdir(parents=True)
    product = {
        "@type": "Flow",
        "@id": "steel",
        "name": "steel",
        "flowType": "PRODUCT_FLOW",
        "refUnit": "kg",
    }
    proc = {
        "@type": "Process",
        "@id": "a",
        "name": "steel production",
        "exchanges": [
            {
                "internalId": 1,
                "isInput": False,
                "isQuantitativeReference": True,
                "amount": 1.0,
                "flow": product,
            },
            {
                "internalId": 2,
                "isInput": False,
                "amount": exchange_amount,
                "flow": {
                    "@id": "co2",
                    "name": "Carbon dioxide, fossil",
                    "flowType": "ELEMENTARY_FLOW",
                    "refUnit": "kg",
                },
            },
        ],
    }
    (folder / "processes" / "a.json").write_text(json.dumps(proc), encoding="utf-8")
    return folder


def test_jsonld_reads_and_rejects_a_bad_exchange(tmp_path: Path) -> None:
    db = read_jsonld(jsonld_package(tmp_path / "ok"))
    assert score(db, {"a": 1.0}) == pytest.approx(0.5)
    with pytest.raises(LciFileError) as info:
        read_jsonld(jsonld_package(tmp_path / "bad", "lots"))
    assert info.value.file == "processes/a.json"
    assert info.value.element == "exchanges[1] (internalId 2)"
    assert "'amount' must be a finite number" in info.value.reason
    (tmp_path / "bad" / "processes" / "b.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(LciFileError, match=r"processes/b.json: not valid JSON"):
        read_jsonld(tmp_path / "bad")
