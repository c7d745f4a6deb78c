"""The source report's climate risks and opportunities as the demo's register file (issue 17
item 8, decision 0085; docs/risk-demo.md).

The rows are the report's §4.0 tables (``../shared/seeds/000_fbf9cbf94a988f67.txt``): the risk
identification table (lines 704–800), the risk responses (802–926), the opportunity
identification table (928–996) and the opportunity responses (998–1067). From the report, as
printed: the type (category), the driver, the Chinese title and description, the horizons
(short 0–1 y, medium 1–10 y, long 10–50 y; lines 701–702) and the responses (the headline of
each response, as ``actions``). Added by lingtan: an English title, the value-chain positions
(read from the descriptions), the owners, links and review date — and the **scores**.

**The scores are ILLUSTRATIVE.** The report publishes no likelihood and no consequence for any
row (only the scales, lines 1241–1242). The likelihood L (1 impossible … 4 almost certain) and
the consequences C_d (1–5 for finance, reputation, production, human capital, compliance,
market share; blank = not concerned) below were CHOSEN so that the report's own stated
conclusion (lines 1085–1086: the key risks are enhanced disclosure duties, stakeholder
expectations and severe weather; the key opportunities low-emission products and services and
climate-adaptation solutions) comes out of the register under the default matrix
(score = L × max C; very high ≥ 15): those five rows score 4 × 4 = 16, every other row 9 or
12. They reproduce the conclusion; they are not evidence of it. Every row's ``source`` says so.

Horizons and the PDF's extraction order (lines 718–727 and 769–774): the text extraction
lists a table's types, then its horizon cells, then its drivers, then its descriptions, and the
drivers and descriptions are not always in the table's row order (chronic risk comes last at
lines 738 and 757; the technology, market and reputation descriptions come in reverse order at
lines 782–800). The horizon cells follow the **type column's order**: read that way the chronic
row is "中、长期" (medium, long) — a long-term change of climate patterns, as its description
says (line 757) — whereas the drivers' order would give it "短期" (short) and carbon pricing
"中、长期". So lines 769–774 are read in the type order too: technology 短、中期 (short, medium),
market 中、长期 (medium, long), reputation 短、中、长期 (short, medium, long). To be confirmed
against the PDF's layout (docs/risk-demo.md).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Final

__all__ = [
    "HEADERS",
    "ITEMS",
    "REPORT_KEY_OPPORTUNITIES",
    "REPORT_KEY_RISKS",
    "ClimateItem",
    "register_csv",
]

#: the register file's headers (plan.md interface contract; ``services.risk_register``)
HEADERS: Final[tuple[str, ...]] = (
    "code", "kind", "category", "driver", "title", "description", "horizons", "value_chain",
    "owner", "owner_unit", "key_unit", "likelihood", "c_finance", "c_reputation",
    "c_production", "c_human_capital", "c_compliance", "c_market_share", "response", "actions",
    "financial_line", "effect_low", "effect_central", "effect_high", "currency", "sites",
    "suppliers", "products", "targets", "projects", "last_reviewed", "source",
)  # fmt: skip

#: consequence dimensions, in the file's column order (report line 1241)
DIMENSIONS: Final = ("finance", "reputation", "production", "human_capital", "compliance",
                     "market_share")  # fmt: skip

#: the report's conclusion (lines 1085–1086), as driver keys: what the scores were chosen to give
REPORT_KEY_RISKS: Final = frozenset(
    {"disclosure_obligations", "stakeholder_expectations", "acute_weather"}
)
REPORT_KEY_OPPORTUNITIES: Final = frozenset({"low_emission_products", "adaptation_solutions"})

#: the register's "as at" date: the end of the report's fiscal year FY2023/24 (the report
#: gives the audit committee's ERM reviews of May and November 2023, lines 630–632, no day)
AS_AT: Final = date(2024, 3, 31)
_ILLUSTRATIVE: Final = "scores illustrative (lingtan demo)"


@dataclass(frozen=True)
class ClimateItem:
    """One row of the report's tables. ``lines``: the report's line ranges it comes from;
    ``consequences``: dimension → 1–5 (ILLUSTRATIVE, module docstring); ``title_zh`` as printed,
    ``title_en`` lingtan's translation (short: never four plain English words in a row)."""

    code: str
    kind: str
    category: str
    driver: str
    title_zh: str
    title_en: str
    description: str
    horizons: tuple[str, ...]
    value_chain: tuple[str, ...]
    owner: str
    owner_unit: str
    key_unit: bool
    likelihood: int
    consequences: dict[str, int]
    response: str
    actions: tuple[str, ...]
    financial_line: str
    lines: tuple[tuple[int, int], ...]
    sites: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """``中文 · English``."""
        return f"{self.title_zh} · {self.title_en}"

    @property
    def source(self) -> str:
        """``report lines 729–744, 810–844; scores illustrative (lingtan demo)``."""
        spans = ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in self.lines)
        return f"report lines {spans}; {_ILLUSTRATIVE}"

    @property
    def max_consequence(self) -> int:
        """max_d C_d (the default matrix's aggregation, report line 1241)."""
        return max(self.consequences.values())

    def row(self) -> dict[str, str]:
        """The register-file row (:data:`HEADERS`; lists joined by ``;``, blanks empty)."""
        out = dict.fromkeys(HEADERS, "")
        out.update(
            code=self.code,
            kind=self.kind,
            category=self.category,
            driver=self.driver,
            title=self.title,
            description=self.description,
            horizons=";".join(self.horizons),
            value_chain=";".join(self.value_chain),
            owner=self.owner,
            owner_unit=self.owner_unit,
            key_unit="true" if self.key_unit else "false",
            likelihood=str(self.likelihood),
            response=self.response,
            actions=";".join(self.actions),
            financial_line=self.financial_line,
            sites=";".join(self.sites),
            targets=";".join(self.targets),
            projects=";".join(self.projects),
            last_reviewed=AS_AT.isoformat(),
            source=self.source,
        )
        for dim, value in self.consequences.items():
            out[f"c_{dim}"] = str(value)
        return out


def _c(**scores: int) -> dict[str, int]:
    """Consequences, only the dimensions concerned (the rest stay blank: unrated)."""
    assert set(scores) <= set(DIMENSIONS)
    return dict(scores)


#: the response headlines shared by both physical rows (the response table merges them,
#: lines 804–844: acute and chronic risks have one set of responses)
_PHYSICAL_ACTIONS: Final = (
    "实施业务连续性计划",
    "提高供应链的气候韧性",
    "加强供应链风险监测",
    "通过保险机制转移气候相关风险",
)

ITEMS: Final[tuple[ClimateItem, ...]] = (
    # ---- risks: identification lines 704–800, responses 802–926 -----------------------------
    ClimateItem(
        "R01", "risk", "physical_acute", "acute_weather",
        "气旋、飓风、台风", "Cyclones, hurricanes, typhoons",
        "极端天气事件的频率和强度增加，可能会影响联想产品的制造、分销和运输。\n"
        "-部分设施可能面临资产损失、零部件短缺、关键基础设施故障、保险费增加以及交付产品的能力下降等问题。",
        ("short", "medium", "long"), ("own_operations", "upstream", "downstream"),
        "Supply chain lead", "Global Supply Chain", True,
        4, _c(finance=4, reputation=2, production=4, human_capital=3, market_share=2),
        "mitigate", _PHYSICAL_ACTIONS, "revenue",
        ((712, 729), (741, 744), (804, 844)), sites=("SZ-FACTORY", "HK-OFFICE", "WH-FACTORY"),
    ),
    ClimateItem(
        "R02", "risk", "physical_chronic", "chronic_climate",
        "降水模式和类型变化、海平面上升", "Precipitation shifts, sea-level rise",
        "长期气候模式的变化，可能会影响联想产品的制造、分销和运输。\n"
        "-低洼设施面临洪水风险，可能造成业务中断、资产损失。\n"
        "-部分设施面临资产损失、零部件短缺、关键基础设施故障、保险费增加以及按时生产产品的能力下降等问题。",
        ("medium", "long"), ("own_operations", "upstream", "downstream"),
        "Supply chain lead", "Global Supply Chain", True,
        3, _c(finance=3, production=3, human_capital=2),
        "mitigate", _PHYSICAL_ACTIONS, "capex",
        ((714, 721), (738, 739), (757, 760), (804, 844)),
        sites=("SZ-FACTORY", "TJ-FACTORY", "SH-OFFICE"),
    ),
    ClimateItem(
        "R03", "risk", "policy_legal", "carbon_pricing",
        "碳定价机制", "Carbon pricing",
        "碳市场扩容、碳价上涨可能会影响联想部分地点的运营成本。",
        ("short",), ("own_operations",),
        "EMS manager", "Environmental management", False,
        3, _c(finance=3, compliance=2),
        "mitigate", ("积极关注碳市场发展动态", "持续推进碳减排工作"), "opex",
        ((716, 731), (746, 746), (846, 862)),
        sites=("TJ-FACTORY", "WH-FACTORY", "SZ-FACTORY", "BJ-HQ"),
        targets=("S12",), projects=("HF-PV4", "WH-AIR"),
    ),
    ClimateItem(
        "R04", "risk", "policy_legal", "disclosure_obligations",
        "信息披露责任强化", "Enhanced disclosure duties",
        "气候信息披露要求提高，可能影响联想的运营成本和融资能力。\n"
        "-遵守新的披露规则可能会带来额外的合规成本，未能遵守可能会影响企业在资本市场融资。",
        ("short",), ("own_operations",),
        "ESG lead", "ESG EOC", False,
        4, _c(finance=4, reputation=4, compliance=4, market_share=2),
        "mitigate", ("持续提升气候信息准确性和透明度",), "cost_of_capital",
        ((716, 733), (748, 750), (852, 875)),
    ),
    ClimateItem(
        "R05", "risk", "policy_legal", "product_mandates",
        "针对现有产品和服务的命令和法规", "Product/service mandates",
        "企业环境声明相关的监管要求提升，可能影响联想的运营成本。\n"
        "-国际反洗绿新规的实施对企业使用碳中和、可再生能源、可持续材料等环境声明提出更高要求，"
        "虚假和误导性环境声明可能导致企业面临指控或罚款。",
        ("short",), ("own_operations", "downstream"),
        "Legal lead", "Legal and compliance", False,
        3, _c(finance=3, reputation=4, compliance=4, market_share=2),
        "mitigate", ("积极关注可能影响公司的新兴法规",), "opex",
        ((716, 736), (752, 755), (854, 879)),
    ),
    ClimateItem(
        "R06", "risk", "technology", "low_emission_technology",
        "向低排放技术转型", "Shift to low-emission technology",
        "低排放、高能效技术的迭代可能使现有产品和工艺过时，进而影响联想产品的销售，和需增加投入改造现有的产品工艺。\n"
        "-人工智能（AI）时代 ICT产业面临平衡算力指数级增长（用户体验）"
        "和能效持续提升（“双碳”目标）的发展趋势与挑战。\n"
        "- PC硬件业务面临来自国家社会的产品创新和节能降碳的压力。"
        "未能提供适应社会期望的产品和服务，可能导致客户流失和创新能力受质疑等后果。",
        ("short", "medium"), ("own_operations", "downstream"),
        "Product lead", "Research and development", False,
        3, _c(finance=3, reputation=2, production=3, market_share=4),
        "mitigate", ("打造“全栈 AI”核心优势", "加大绿色低碳技术创新和应用"), "capex",
        ((763, 776), (793, 800), (881, 891)),
    ),
    ClimateItem(
        "R07", "risk", "market", "consumer_behaviour",
        "消费者行为改变", "Changing consumer behaviour",
        "社会对低碳产品的认知提升和需求增长，可能影响联想产品的市场份额。\n"
        "-如未能采取充分措施以满足客户对气候友好型产品和服务的需求，可能导致企业声誉受损和影响联想产品的市场份额。",
        ("medium", "long"), ("downstream",),
        "Marketing lead", "Marketing", False,
        3, _c(finance=3, reputation=3, market_share=4),
        "mitigate", ("降低产品生命周期的温室气体排放",), "revenue",
        ((765, 778), (789, 791), (895, 914)),
    ),
    ClimateItem(
        "R08", "risk", "reputation", "stakeholder_expectations",
        "利益相关方期望", "Stakeholder expectations",
        "利益相关方对品牌企业气候影响的关注日益增长，可能影响联想的融资能力、产品销售和品牌美誉度。\n"
        "-在更加关注气候变化议题的监管环境和商业环境中，投资者特别是机构投资者在投资决策中越来越重视企业的气候策略和实践，"
        "客户在购买决策中更加关注产品的绿色属性。未能采取充分措施以树立积极的企业形象，可能导致企业融资成本增加和产品销量下降。",
        ("short", "medium", "long"), ("own_operations", "downstream"),
        "ESG lead", "ESG EOC", False,
        4, _c(finance=4, reputation=4, human_capital=2, compliance=2, market_share=3),
        "mitigate", ("科学制定并有序推进 2050净零排放目标", "多渠道披露企业气候行动进展"),
        "cost_of_capital",
        ((767, 780), (782, 787), (897, 926)), targets=("S12", "S3", "NZ"),
    ),
    # ---- opportunities: identification lines 928–996, responses 998–1067 ---------------------
    ClimateItem(
        "O01", "opportunity", "resource_efficiency", "efficient_production",
        "提高生产和分销流程效率", "Efficient production, distribution",
        "联想制造布局优化和韧性供应链建设，有助于提高工业效率和降低运营成本。\n"
        "-联想全球化、智能化、混合型制造模式以及供应链的韧性可增强抗风险能力，降低资源获得成本，提高竞争力。",
        ("short", "medium", "long"), ("own_operations", "upstream"),
        "Operations lead", "Global Supply Chain", True,
        4, _c(finance=3, production=3, market_share=2),
        "pursue", ("优化“全球资源，本地交付”的独特模式", "加速供应链智能化转型"), "opex",
        ((932, 946), (951, 954), (1000, 1014)), projects=("WH-AIR", "TJ-LED"),
    ),
    ClimateItem(
        "O02", "opportunity", "products_services", "low_emission_products",
        "低排放产品和服务的开发", "Low-emission products, services",
        "IT产品的节能降碳监管要求提升，可能带动联想高能效、低碳足迹与碳中和的产品和服务销量增长。\n"
        "-气候因素推动越来越多的国家制定和加严产品能效、碳标签等方面法规和标准。"
        "联想对于产品碳足迹和运营能效的一贯重视和领先表现，为产品销售提供了差异化优势。",
        ("short", "medium", "long"), ("downstream",),
        "Product lead", "Research and development", False,
        4, _c(finance=4, reputation=3, compliance=2, market_share=4),
        "pursue", ("提升产品能效水平", "打造碳中和产品", "引领低碳生活风尚，推出碳普惠服务"),
        "revenue",
        ((934, 943), (956, 960), (969, 971), (1018, 1034)),
    ),
    ClimateItem(
        "O03", "opportunity", "products_services", "sustainable_solutions",
        "可持续发展解决方案的开发", "Sustainable solutions",
        "双碳目标下，ESG理念愈加受到各利益相关方的重视，可能带动相关企业综合服务解决方案产品的需求增长。\n"
        "-面临低碳化、智能化转型的压力，企业对ESG管理披露、供应链管理、碳减排、IT设备再生、零碳园区建设等服务的需求增加。",
        ("short", "medium", "long"), ("downstream",),
        "Solutions lead", "Solutions and services", False,
        3, _c(finance=4, reputation=3, market_share=3),
        "pursue", ("面向客户推出 ESG与可持续发展解决方案",), "revenue",
        ((934, 943), (948, 949), (962, 965), (1036, 1042)),
    ),
    ClimateItem(
        # the response table types it 市场机遇 (1043–1045), as the register files it (the
        # catalogue also allows products and services or resilience): see docs/risk-demo.md
        "O04", "opportunity", "markets", "adaptation_solutions",
        "气候适应性解决方案的开发", "Climate-adaptation solutions",
        "极端天气事件的频率和强度增加，可能带动社会对优质数据中心产品的需求增长。\n"
        "-为提高对洪涝、干旱等极端天气的适应能力，可能会增加社会对高性能计算的需求，以提高天气预测和气候预测的准确性和及时性。",
        ("short", "medium", "long"), ("downstream",),
        "Infrastructure lead", "Infrastructure solutions", False,
        4, _c(finance=4, reputation=2, market_share=4),
        "pursue", ("建立“全面覆盖、性能领先、绿色低碳”的算力设施产品组合",), "revenue",
        ((973, 981), (986, 989), (1043, 1055)),
    ),
    ClimateItem(
        "O05", "opportunity", "markets", "new_markets",
        "进入新市场", "Entering new markets",
        "各行业数字化、智能化、绿色化转型需求，可能带动联想多元化业务（包含人工智能）的发展。\n"
        "-客户需求从购买产品转为购买端到端整体解决方案和服务。联想的多元业务覆盖设备、基础设施、解决方案和服务，有能力满足客户的新需求。\n"
        "- AI驱动的产业变革加速，客户对国产化AI产品、方案和服务的需求也在不断增强。",
        ("short", "medium", "long"), ("downstream",),
        "Solutions lead", "Solutions and services", False,
        3, _c(finance=4, reputation=2, market_share=4),
        "pursue", ("打造多元化增长引擎",), "revenue",
        ((973, 984), (991, 996), (1043, 1067)),
    ),
)  # fmt: skip


def register_csv(items: tuple[ClimateItem, ...] = ITEMS) -> bytes:
    """The register file (CSV, UTF-8 without BOM, ``\\n`` line ends; :data:`HEADERS`) that
    ``services.risk_register.import_register`` reads."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(HEADERS), lineterminator="\n")
    w.writeheader()
    for item in items:
        w.writerow(item.row())
    return buf.getvalue().encode("utf-8")
