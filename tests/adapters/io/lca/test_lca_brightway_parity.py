"""Brightway parity (issue 6): the same imported database and functional unit give the same
score in lingtan and in bw2calc, to 1e-9 relative; databases round-trip through bw2data.

Two comparisons: (1) bw2calc on a float64 datapackage of the imported database (the two
calculators on identical numbers); (2) a bw2data project written from the database, which
stores amounts as float32: lingtan then computes on the same float32-rounded amounts
(decision 0023)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingtan.adapters.io.factor_files import read_gwp_sets
from lingtan.adapters.io.lca.brightway import (
    as_stored_by_bw2data,
    bw2calc_score,
    bw2calc_score_exact,
    read_brightway,
    write_brightway,
)
from lingtan.adapters.io.lca.ecospold2 import read_ecospold2, write_ecospold2
from lingtan.adapters.io.lca.jsonld import read_jsonld, write_jsonld
from lingtan.adapters.io.lca.native import bundled_database
from lingtan.modules.products.engine import LcaSystem
from lingtan.modules.products.lci import LciDatabase, characterise

DEMANDS = (
    {"assembly": 1.0},
    {"elec-cn": 1.0},
    {"al-primary": 0.18, "mg-primary": 0.15, "lcd-panel": 0.058, "ic-cpu": 1.0, "flash": 512},
    {"weee-recycling": 0.8, "landfill": 0.1, "air": 17.0},
)


def imported(tmp_path: Path, fmt: str) -> LciDatabase:
    db = bundled_database()
    if fmt == "ecospold2":
        write_ecospold2(db, tmp_path / "es")
        return read_ecospold2(tmp_path / "es", name=f"ict-{fmt}")
    write_jsonld(db, tmp_path / "jl")
    return read_jsonld(tmp_path / "jl", name=f"ict-{fmt}")


@pytest.mark.parametrize("fmt", ["ecospold2", "jsonld"])
@pytest.mark.parametrize("gwp", ["AR5", "AR6"])
def test_scores_equal_bw2calc_on_imported_data(
    bw_dir: Path, tmp_path: Path, fmt: str, gwp: str
) -> None:
    db = imported(tmp_path, fmt)
    ch = characterise(db.flows, read_gwp_sets()[gwp])
    system = LcaSystem.from_database(db, ch)
    for demand in DEMANDS:
        ours = system.score(system.demand_vector(demand))
        assert ours == pytest.approx(bw2calc_score_exact(db, ch, demand), rel=1e-9), demand
    # through a bw2data project: the database as Brightway stores it (float32 amounts)
    db32, ch32 = as_stored_by_bw2data(db, ch)
    name, method = write_brightway(db, ch, "lingtan-parity")
    s32 = LcaSystem.from_database(db32, ch32)
    for demand in DEMANDS:
        ours = s32.score(s32.demand_vector(demand))
        theirs = bw2calc_score("lingtan-parity", name, method, demand)
        assert ours == pytest.approx(theirs, rel=1e-9), demand


def test_database_round_trips_through_brightway(bw_dir: Path) -> None:
    db = bundled_database()
    ch = characterise(db.flows, read_gwp_sets()["AR6"])
    write_brightway(db, ch, "lingtan-roundtrip")
    back = read_brightway("lingtan-roundtrip", db.name)
    assert {p.key for p in back.processes} == {p.key for p in db.processes}
    s1 = LcaSystem.from_database(db, ch)
    s2 = LcaSystem.from_database(back, characterise(back.flows, read_gwp_sets()["AR6"]))
    for demand in DEMANDS:
        assert s2.score(s2.demand_vector(demand)) == pytest.approx(
            s1.score(s1.demand_vector(demand)), rel=1e-12
        )
    unc = {(e.process, e.flow): e.uncertainty for e in back.exchanges}
    assert unc[("al-primary", "elec-cn")].is_uncertain
