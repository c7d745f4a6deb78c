"""The product page's stage chart: bars per life-cycle stage, or the empty state every chart has
(title and message from the catalogue, no axes, no series; decision 0054)."""

from __future__ import annotations

import pytest

from lingtan.adapters.i18n.messages import Translator, catalogue
from lingtan.adapters.web.charts import empty
from lingtan.adapters.web.pages.products import STAGES, stage_chart


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("stages", [{}, dict.fromkeys(STAGES, 0.0), {"use": None}])
def test_no_emissions_give_the_empty_state(lang: str, stages: dict[str, float]) -> None:
    t = Translator(lang)
    option = stage_chart(stages, t)
    assert option == empty(t("products.chart_stages"), t("chart.empty.stages"))
    assert option["empty"] is True
    assert option["series"] == []
    assert "xAxis" not in option
    assert "yAxis" not in option
    assert option["graphic"][0]["style"]["text"] == catalogue(lang)["chart.empty.stages"]


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_one_stage_with_emissions_draws_every_stage(lang: str) -> None:
    t = Translator(lang)
    option = stage_chart({"use": 39.2644}, t)
    assert "empty" not in option
    assert [d["value"] for d in option["series"][0]["data"]] == [0.0, 0.0, 0.0, 39.2644, 0.0]
    assert option["yAxis"]["data"] == [catalogue(lang)[f"products.stage_{s}"] for s in STAGES]
    assert option["xAxis"]["name"] == catalogue(lang)["unit.kgco2e"]


def test_empty_message_in_both_catalogues() -> None:
    en, zh = catalogue("en")["chart.empty.stages"], catalogue("zh-CN")["chart.empty.stages"]
    assert en != zh
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
