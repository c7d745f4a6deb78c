"""Why each project is or is not in the plan, as catalogue messages: the catalogue renders the
reason's parts in English exactly as the module words it, and in Chinese (decision 0054)."""

from __future__ import annotations

import numpy as np
import pytest
from test_targets_optimise import BASE, CAL, _bau, _evaluate, _neutral_case, _random_case

from lingtan.adapters.i18n.messages import Translator
from lingtan.modules.targets import (
    Coverage,
    CreditKind,
    CreditOption,
    NeutralityGoal,
    PlanResult,
    optimise_plan,
)

EN, ZH = Translator("en"), Translator("zh-CN")


def _plans() -> list[PlanResult]:
    out = []
    for max_cost in (None, 500.0):  # the ceiling makes the project "not economically feasible"
        projects, s = _neutral_case(max_cost)
        goal = NeutralityGoal("N", "S1 neutral", Coverage.of([1]), 2027)
        opt = [CreditOption("C", "credits", CreditKind.AVOIDANCE, 120.0)]
        out.append(optimise_plan([], _evaluate(projects), _bau(), {2020: BASE}, s, CAL,
                                 credit_options=opt, goals=[goal]))  # fmt: skip
    for seed in range(6):
        projects, targets, s = _random_case(np.random.default_rng(seed))
        out.append(optimise_plan(targets, _evaluate(projects), _bau(), {2020: BASE}, s, CAL))
    return out


@pytest.mark.parametrize("plan", _plans())
def test_every_reason_renders_from_the_catalogue(plan: PlanResult) -> None:
    for d in plan.to_dict()["decisions"]:
        assert d["reason_parts"], d
        assert EN.join(d["reason_parts"]) == d["reason"]
        zh = ZH.join(d["reason_parts"])
        assert zh
        assert zh != d["reason"]
        assert "{" not in zh


def test_a_reason_in_chinese() -> None:
    projects, s = _neutral_case(500.0)
    goal = NeutralityGoal("N", "S1 neutral", Coverage.of([1]), 2027)
    opt = [CreditOption("C", "credits", CreditKind.AVOIDANCE, 120.0)]
    res = optimise_plan([], _evaluate(projects), _bau(), {2020: BASE}, s, CAL,
                        credit_options=opt, goals=[goal])  # fmt: skip
    # 900,000 CNY/yr / 900 t = 1,000 CNY/t, above the 500 CNY/t ceiling
    assert ZH.join(res.to_dict()["decisions"][0]["reason_parts"]) == (
        "经济上不可行：每吨 1,000 CNY 高于上限每吨 500 CNY"
    )
