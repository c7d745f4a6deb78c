"""A product claim's evidence checks carry catalogue keys and parameters; the catalogue renders
them in English exactly as the module words them, and in Chinese (decision 0054)."""

from __future__ import annotations

from datetime import date

from test_products_claims import END, REDUCTIONS, START, Register, Retired
from test_products_footprint import CATALOGUE, DB, PRODUCT

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.io.factor_files import read_gwp_sets
from lingtan.modules.products.certification import claim_product
from lingtan.modules.products.footprint import FootprintModel
from lingtan.modules.products.lci import characterise

EN, ZH = Translator("en"), Translator("zh-CN")


def test_claim_checks_are_catalogue_messages() -> None:
    model = FootprintModel(DB, characterise(DB.flows, read_gwp_sets()["AR6"]), CATALOGUE)
    fp = model.footprint(PRODUCT, "base")
    reg = Register(Retired("C2", 30, date(2023, 1, 1)))
    for claim in (
        claim_product("C1", fp, 1000, START, END, Register(Retired("C1", 31, END)),
                      reductions=REDUCTIONS),
        claim_product("C2", fp, 1000, START, END, reg, require_verification=True),
    ):  # fmt: skip
        for c in claim.to_dict()["checks"]:
            assert EN.message(c["key"], {}) == c["check"]
            assert EN.message(c["detail_key"], c["params"], "?") == c["detail"]
            assert ZH.message(c["key"], {}) != c["check"]
    short = next(c for c in claim.to_dict()["checks"] if c["key"] == "evidence.check.credits_cover")
    # residual = 30.6454 kg × 1,000 units / 1000 = 30.645 t; 30 credits retired, before START
    assert ZH.message(short["detail_key"], short["params"]) == (
        "已注销 0.000 吨，剩余排放 30.645 吨"  # retired before the period: none counts
    )
