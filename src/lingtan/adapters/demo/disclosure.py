"""The demo edition's own data (issue 19 item 8; decision 0102; docs/disclosure-demo.md): what
the FY2023/24 disclosure of the demo organisation ``disclosed`` needs beyond its inventory —
narrative texts for the four pillar sections and the verification record.

What is the report's (*2023/24联想集团碳中和行动报告*,
``../shared/seeds/000_fbf9cbf94a988f67.txt``):

- the four headings of its chapter 4.0 "强化气候信息披露 增强企业气候韧性" (lines 578–581,
  598): 内修外练 完善气候治理体系 (governance), 未雨绸缪 系统评估风险与机遇 (strategy),
  整合流程 强化气候风险管理 (risk management), 科学有序 迈向净零排放目标 (metrics and
  targets); the English headings are lingtan's translation;
- "verified by an accredited third party" for FY2023/24 (外部保证, lines 3190–3192), the
  inventory standards it names (ISO 14064-1:2018, GHG Protocol; lines 2973–2976) and the
  statement's URL (line 3250).

What is lingtan's (**SYNTHETIC, labelled in every text**): the narrative texts under the
headings (short summaries written for the demo, not the report's words), and the fields of the
verification record the report does not state — the verification standard (ISO 14064-3:2019
assumed), the level of assurance (limited assumed; the report names neither), the opinion
(unmodified assumed from "已由经认可的第三方进行核查"), the statement date (a placeholder)
and the verifier's name (the report does not name it). Pure data: no I/O.
"""

from __future__ import annotations

from typing import Final

#: the fiscal year of the demo edition
FISCAL_YEAR: Final = "FY2023/24"
#: the label every synthetic text carries, per language
SYNTHETIC: Final = {
    "zh-CN": "【演示文本 · lingtan 合成，非报告原文】",
    "en": "[Demo text · SYNTHETIC, written by lingtan, not the report's words]",
}

#: pillar section → (the report's heading (zh-CN), lingtan's English heading, report line)
HEADINGS: Final = {
    "governance": ("内修外练  完善气候治理体系", "Strengthening climate governance", 598),
    "strategy": ("未雨绸缪  系统评估风险与机遇",
                 "Assessing climate risks and opportunities systematically", 579),
    "risk_management": ("整合流程  强化气候风险管理",
                        "Integrating processes to strengthen climate risk management", 580),
    "metrics_targets": ("科学有序  迈向净零排放目标",
                        "Towards net-zero targets, step by step", 581),
}  # fmt: skip

#: narrative key → (zh-CN text, en text); each is shown after its section's heading and label
_TEXTS: Final = {
    "governance.board_oversight": (
        "董事会通过 ESG 委员会监督气候相关事项，每年审阅减排目标与进展。",
        "The board oversees climate matters through its ESG committee and reviews the "
        "reduction targets and their progress every year.",
    ),
    "governance.management_role": (
        "ESG 执行监督委员会统筹气候战略，各业务单元负责落实。",
        "An ESG executive oversight committee steers the climate strategy; business units "
        "carry it out.",
    ),
    "strategy.risks_opportunities": (
        "按短期、中期和长期识别实体风险、转型风险与机遇，并做情景分析。",
        "Physical and transition risks and opportunities are identified over short, medium and "
        "long horizons and tested in scenarios.",
    ),
    "strategy.transition_plan": (
        "以科学碳目标为路径：近期目标至 2029/30 财年，2050 年净零。",
        "The transition follows science-based targets: near-term to FY2029/30, net zero by 2050.",
    ),
    "risk_management.process": (
        "气候风险纳入企业风险管理（ERM），按可能性与后果评分并定期复核。",
        "Climate risks are part of enterprise risk management (ERM), scored by likelihood and "
        "consequence and reviewed on a fixed cadence.",
    ),
    "metrics_targets.targets": (
        "目标、关键绩效指标及其状态见下表，数值由 lingtan 依据数据计算。",
        "Targets, KPIs and their status are in the tables below, computed by lingtan from "
        "the data.",
    ),
}


def _heading_of(key: str, lang: str) -> str:
    zh, en, _line = HEADINGS[key.split(".", 1)[0]]
    return zh if lang == "zh-CN" else en


def narratives() -> dict[str, dict[str, str]]:
    """Narrative key → language → text: the report's heading of the section, the synthetic
    label and a short synthetic summary (zh-CN and en)."""
    out: dict[str, dict[str, str]] = {}
    for key, (zh, en) in _TEXTS.items():
        out[key] = {
            lang: f"{_heading_of(key, lang)}\n{SYNTHETIC[lang]} {body}"
            for lang, body in (("zh-CN", zh), ("en", en))
        }
    return out


#: the report's URL of the FY2023/24 GHG and energy verification statement (line 3250)
STATEMENT_URL: Final = (
    "https://www.lenovo.com/content/dam/lenovo/site-design/esg-document-library/global/"
    "corp-policies/ghg/verification/FY2324-ghg-and-energy-verification-statement.pdf"
)

#: the verification record (H4's RECORD_FIELDS); see the module doc for what is assumed
VERIFICATION: Final = {
    # the report does not name the verifier: a placeholder short enough to read as a name in
    # either language's sentence (a longer English phrase is a run of English on a zh-CN page)
    "verifier": "Accredited third party — demo record",
    "standard": "ISO 14064-3:2019",
    "level": "limited",
    "coverage": ["S1", "S2", "S3"],
    "opinion": "unmodified",
    "statement_date": "2024-06-30",
    "url": STATEMENT_URL,
}
