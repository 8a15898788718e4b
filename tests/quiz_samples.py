"""Hand-built clauses with real sentences from the default corpus, for the quiz tests.

They let the quiz tests run without the corpus loader and pin exact texts: each tuple is
(doc id, kind, item label, heading path, text), the text copied from corpus/documents.
"""

from __future__ import annotations

from typing import Any

from corpus.clause import Clause, DocMeta
from corpus.script import to_simplified
from retriever.hit import Filters, Hit, SearchResult

DOCS = {
    "qinghai-2020": DocMeta("qinghai-2020", "青海省安全生产委员会2020年工作要点", "青海省", 2020),
    "yunnan-2019": DocMeta(
        "yunnan-2019", "云南省安全生產委員會2019年度安全生產工作要點", "云南省", 2019
    ),
    "zhejiang-2021": DocMeta("zhejiang-2021", "2021年浙江省應急管理工作要點", "浙江省", 2021),
    "sichuan-2018": DocMeta("sichuan-2018", "应急管理厅简报（第2期）", "四川省", 2018),
    "henan-2023": DocMeta("henan-2023", "全省应急管理系统安全生产专题视频会议召开", "河南省", 2023),
}

ROWS: list[tuple[str, str, str, tuple[str, ...], str]] = [
    (
        "qinghai-2020",
        "notice",
        "印发通知",
        (),
        "经省安委会领导同意,现将《青海省安全生产委员会2020年工作要点》印发你们,请各地区、各部门和单位按照任务分工,细化部署安排,制定措施办法,压实工作责任,加强协作配合,抓好贯彻落实,推动安全发展。各地区、各部门要于2020年6月底和年底前分别将半年和年度工作完成情况报送省安委会办公室。省安委会办公室要加强综合协调和督促检查,推动各项工作落实到位。",
    ),
    ("qinghai-2020", "heading", "一、", (), "一、深入学习贯彻习近平总书记安全生产重要论述"),
    (
        "qinghai-2020",
        "item",
        "一、第1项",
        ("一、深入学习贯彻习近平总书记安全生产重要论述",),
        "1.持续深入开展教育宣传活动。以习近平总书记、李克强总理等中央领导同志和省委、省政府领导关于安全生产工作的重要批示指示、讲话精神及重要论述为主要内容,持续深入抓好经常性学习教育宣传活动,切实在更新观念、武装头脑、指导实践上形成推动工作落实的长效机制。(省委宣传部、应急管理厅牵头,各有关部门分工负责)",
    ),
    (
        "qinghai-2020",
        "item",
        "一、第4项",
        ("一、深入学习贯彻习近平总书记安全生产重要论述",),
        "4.持续推进安全生产改革发展重点任务。对照《中共中央国务院关于推进安全生产领域改革发展的意见》《中共青海省委 青海省人民政府关于推进安全生产领域改革发展的实施意见》,督促市州政府和省级相关部门健全完善安全生产各项政策、制度和办法,着力解决制约我省安全生产的突出矛盾和瓶颈问题。围绕改革重点任务分工和时间进度,进一步明确工作责任、制度措施和落实要求,加强专项督导,适时开展任务落实情况“回头看”,确保2020年各项任务措施落地生根。(省应急管理厅会同有关部门负责)",
    ),
    (
        "qinghai-2020",
        "item",
        "一、第6项",
        ("一、深入学习贯彻习近平总书记安全生产重要论述",),
        "6.创新安全生产宣传教育载体。加强安全生产公益宣传,普及安全知识,培育安全文化,不断创新“安全生产月”“安全生产万里行”、“安康杯”竟赛、“青年安全生产示范岗”创建、“安全生产法宣传周”、“全国交通安全日”等活动组织形式,充分利用政府网站、微信微博、短视频、手机短信、橱窗展板、“村村响、户户通”等线上线下资源,建立安全生产社会化宣传教育矩阵。健全公民安全教育体系,推动安全宣传“八进”活动。(省委宣传部、团省委、总工会、应急管理厅、教育厅、公安厅、司法厅、财政厅、人社厅、国资委、广电局等有关部门分工负责)",
    ),
    (
        "qinghai-2020",
        "item",
        "四、第22项",
        ("四、深入开展安全生产专项治理",),
        "22.扎实开展安全生产专项整治行动。深刻汲取江苏响水天嘉宜化工有限公司“3·21”特别重大爆炸事故及近年来各行业领域重特大事故惨痛教训,深入开展安全生产集中整治、专项检查和联合督导,通过集中整治、联合督导、整改提升、考核评估,全面提升安全生产水平,为解决重点地区、重点行业领域安全生产突出问题积累经验,切实提升安全生产治理体系和治理能力现代化。(省安委会办公室会同有关部门负责)",
    ),
    (
        "yunnan-2019",
        "item",
        "二、（一）2",
        ("二、重點工作任務", "(一)理順管理體制,強化責任落實。"),
        "2.嚴格落實部門監管職責。按照“管行業必須管安全、管業務必須管安全、管生產經營必須管安全”和“誰主管誰負責、誰審批誰負責”的原則,牽頭組織本行業領域的安全生產風險防控和隱患排查治理工作。推動實施企業安全承諾,加強高危企業監管。涉改部門健全完善安全生產監管機構,配備與工作任務相適應的監管力量,全面統籌本行業領域安全生產工作的安排部署和工作落實。嚴格安全生產“黑名單”制度,強化行業領域失信行為聯合懲戒,提高企業違法成本。",
    ),
    (
        "yunnan-2019",
        "item",
        "二、（三）1",
        ("二、重點工作任務", "(三)強化風險管控,狠抓專項治理。"),
        "1.扎實推進安全工程三年行動。貫徹落實《云南省人民政府關于實施安全工程三年行動計劃(2018—2020年)的意見》(云政發〔2018〕50號)。各級道路交通(水上交通)、建筑施工、煤礦、非煤礦山、危險化學品(煙花爆竹)、旅游等行業主管部門按照安全生產“三個必須”要求,加強工作統籌,有力有序推動各項工作機制、措施落實。其他行業領域主管部門按要求也要采取工程、技術、管理等措施,打基礎、補短板、強弱項,全面實施行業領域安全工程三年行動,努力提升本質安全水平。",
    ),
    (
        "zhejiang-2021",
        "leaf",
        "一、（一）",
        ("一、主要目標",),
        "(一)安全生產方面。生產安全事故起數、死亡人數同比前兩年平均數下降20%,全國排名持續向好;億元GDP生產安全事故死亡率同比前兩年平均數下降25%;較大以上事故起數持續下降,有效防范較大社會影響事故,堅決遏制重特大事故。",
    ),
    (
        "zhejiang-2021",
        "leaf",
        "一、（二）",
        ("一、主要目標",),
        "(二)自然災害方面。自然災害直接經濟損失占全省GDP的比例控制在1%以內,避免群死群傷事件發生,特別是防汛防臺工作中力爭不死人、少傷人、少損失。",
    ),
    (
        "zhejiang-2021",
        "item",
        "二、（一）2",
        ("二、任務措施", "(一)以真正壓實責任為關鍵,提升責任傳導力。"),
        "2.嚴格部門監管責任落實。強化專委會專業統籌力。2月底前在8個重點行業領域由分管副省長各自牽頭建立安全生產專業委員會,建立并落實專委會季度例會、季度報告、半年檢查工作制度,協調推進本領域安全生產工作。完善部門監管職責清單。進一步厘清部門監管職責界線,5月底前出臺《浙江省安全生產委員會成員單位工作職責》。",
    ),
    (
        "henan-2023",
        "point",
        "¶3·一是",
        (),
        "一是重大安全风险研判要制度化,各级安委办、减灾办要健全完善安全风险分析研判机制,针对当前可能出现的低温、雨雪、冰冻、寒潮等灾害性天气;一些单位为完成全年任务突击生产、违章作业现象;个别企业为满足市场需求盲目扩大规模,非法建设、非法生产、非法经营行为等,组织相关部门加强风险研判,采取针对性措施加强安全防范。",
    ),
    (
        "sichuan-2018",
        "paragraph",
        "¶3",
        (),
        "成都市政府安委会日前出台《成都市乡镇(街道)安全生产监督管理工作规范》,"
        "从5个方面对乡镇(街道)安全生产监督管理工作进行了细化。",
    ),
]


def sample_clauses() -> list[Clause]:
    """The clauses of :data:`ROWS`, ids "doc:n" in row order."""
    clauses = []
    for number, (doc_id, kind, item, path, text) in enumerate(ROWS):
        clauses.append(
            Clause(
                id=f"{doc_id}:{number}",
                doc=DOCS[doc_id],
                kind=kind,  # type: ignore[arg-type]
                item=item,
                path=path,
                text=text,
                text_norm=to_simplified(text),
                start=0,
                end=len(text),
            )
        )
    return clauses


def clause_with(text: str, doc_id: str = "qinghai-2020", clause_id: str = "t:1") -> Clause:
    """One body clause with the given text."""
    return Clause(
        clause_id,
        DOCS[doc_id],
        "item",
        "一、第1项",
        ("一、",),
        text,
        to_simplified(text),
        0,
        len(text),
    )


class FakeRetriever:
    """Just enough of ``retriever.Retriever`` for clause selection: its clauses, and a search
    returning the clauses that contain the query; it records the filters it was given."""

    def __init__(self, clauses: list[Clause] | None = None) -> None:
        self.clauses = tuple(clauses if clauses is not None else sample_clauses())
        self.calls: list[dict[str, Any]] = []

    def search(
        self, query: str, k: int = 10, province: Any = None, year: Any = None
    ) -> SearchResult:
        self.calls.append({"query": query, "k": k, "province": province, "year": year})
        found = [c for c in self.clauses if query in c.text][:k]
        hits = tuple(Hit(clause=c, rank=i, score=1.0 / i) for i, c in enumerate(found, 1))
        return SearchResult(query=query, filters=Filters(), hits=hits)
