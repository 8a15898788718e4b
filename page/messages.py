"""Every sentence the page shows to a user, in Chinese, in one place.

Kept apart from the logic so wording can be reviewed (and translated) without reading code,
and so tests can assert that the user saw *this* message rather than matching fragments.
"""

from __future__ import annotations

#: Longest question the page accepts; longer text is almost always a pasted document.
MAX_QUESTION_CHARS = 500

TITLE = "政策文件检索问答"
SUBTITLE = (
    "在各省安全生产、应急管理政策文件和国家法律中查找条款。每个回答都给出原文条款及出处"
    "（省份·年份·条目，或《法律》第X条），可直接引用。"
)

EMPTY_INPUT = "请输入一个问题，例如：青海2020年对消防车通道有什么要求？"
TOO_LONG = f"问题太长了（超过{MAX_QUESTION_CHARS}字）。请把问题缩短成一句话再提问。"
PUNCTUATION_ONLY = "问题里只有标点或符号，请用文字描述您要查找的内容。"
NO_FOLLOW_UP_TOPIC = "请先提一个完整的问题，再用“那云南呢？”“只看2020年的”这样的方式追问。"

ANSWER_PREFIX = "答："
LOW_CONFIDENCE = "在现有文件中没有找到能回答这个问题的条款。"
LOW_CONFIDENCE_WITH_FILTERS = "当前限定了{filters}，可以去掉这些筛选条件后再试。"
LOW_CONFIDENCE_HINT = "可以换一种说法，或使用文件里的用词再试。"
ABSENT_PROVINCES = "现有文件中没有{provinces}的文件；下面是其他省份的条款，仅供参考。"
NO_HITS = "在所选范围内没有任何条款。"
MAYBE_RELATED = "可能相关（匹配度低，仅供参考）"
SEARCHED_WITH = "检索范围：{filters}"
FOLLOW_UP_NOTE = "（追问：沿用上一个问题“{topic}”）"
ALL_DOCUMENTS = "全部文件"
ONLY_LAWS_IN = "限于{laws}"
WITH_SUPERSEDED = "（含已废止、历史版本）"
SOURCE_NAMES = {"all": "文件和法律", "provincial": "只看地方文件", "laws": "只看国家法律"}

CARD_TITLE = "出处文件"
CARD_PATH = "所在章节"
CARD_SCOPE = "适用范围"
CARD_EFFECTIVE = "施行日期"
CARD_STATUS = "时效"
#: 已废止/历史版本: shown in red with the version date, so nobody quotes it as current law.
CARD_SUPERSEDED = "{status}（{date}版本，不是现行有效文本）"
#: 已被修改 (the 刑法, in force as amended): the reader should check the amendment.
CARD_AMENDED = "已被修改（现行文本已含历次修正案，引用前请核对修正案）"
CARD_RANK = "第{rank}"
CARD_CONTEXT = "上下文（前后条款）"
CARD_PREVIOUS = "上一条"
CARD_NEXT = "下一条"
CARD_NO_CONTEXT = "本条前后没有其他条款。"
COPY_CITATION = "复制引用"
COPIED = "已复制"

LABEL_QUESTION = "问题"
PLACEHOLDER_QUESTION = "输入问题，例如：烟花爆竹零售店有哪些安全要求？（追问可以说“那云南呢？”）"
LABEL_ASK = "提问"
LABEL_CLEAR = "清空对话"
LABEL_CHAT = "问答"
LABEL_PROVINCES = "省份"
LABEL_YEARS = "年份"
LABEL_K = "显示条款数"
LABEL_SIMPLIFIED = "条款以简体显示"
LABEL_DETECTED = "问题中识别出的条件（取消勾选即去掉该条件重新检索）"
LABEL_DOWNLOAD = "下载本次对话引用的条款（Markdown）"
LABEL_EXAMPLES = "示例问题"
LABEL_FILTERS = "筛选"
LABEL_SOURCE = "检索范围"
LABEL_SUPERSEDED = "包括已废止、历史版本的法律文本"
TAB_QA = "问答"
TAB_QUIZ = "出题"
TAB_EVAL = "评测"

EXPORT_TITLE = "# 引用条款"
EXPORT_QUESTION = "问题"
EXPORT_SOURCE = "出处"
EXPORT_PATH = "章节"
EXPORT_EMPTY = "本次对话还没有引用任何条款。"

#: Example questions: at least six, one in Traditional script (the last one).
EXAMPLES = (
    "青海2020年对消防车通道有什么要求",
    "烟花爆竹零售店有哪些安全要求",
    "浙江省危化品专项整治的目标是什么",
    "百吨王",
    "冬春季节安全生产要防范哪些风险",
    "应急救援队伍建设有哪些措施",
    "安全生产法第二十一条",
    "领导让我冒险作业，我能拒绝吗",
    "雲南省道路交通安全整治重點是什麼",
)

LOGIN = "请使用分配给您的账号登录。"
SEARCH_FAILED = "无法检索：{error}"
