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
#: What the chat shows (and the session keeps) of a refused question: its start and length,
#: never the text itself, so a pasted 10 MB "question" costs the session a few bytes.
REFUSED_PREVIEW = "{start}…（共{n}字，未检索）"
REFUSED_PREVIEW_CHARS = 40
EARLIER_TURNS_HIDDEN = "较早的{dropped}轮对话已不再显示（只保留最近{turns}轮）。"
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
CARD_RETIRED = "{status}（不是现行有效文本）"
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
LABEL_SUPERSEDED = "包括已废止、历史版本的文件和法律文本"
TAB_QA = "问答"
TAB_QUIZ = "出题"
TAB_EVAL = "评测"

EXPORT_TITLE = "# 引用条款"
EXPORT_QUESTION = "问题"
EXPORT_SOURCE = "出处"
EXPORT_PATH = "章节"
EXPORT_EMPTY = "本次对话还没有引用任何条款。"
ANSWERS_EXPORT_TITLE = "问答要点"
ANSWERS_COLUMNS = ("问题", "要点", "出处", "文件")
LABEL_DOWNLOAD_DOCX = "下载问答要点（Word 表格）"
LABEL_DOWNLOAD_XLSX = "下载问答要点（Excel）"
EXPORT_RECENT_ONLY = "只包含最近{turns}轮对话引用的条款。"

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

# --- 对比 (comparison) ------------------------------------------------------------------
TAB_COMPARE = "对比"
LABEL_COMPARE = "对比"
LABEL_COMPARE_QUESTION = "对比的主题或问题"
PLACEHOLDER_COMPARE = (
    "例如：浙江和云南在危化品方面的要求有什么不同 / 各省对消防车通道有什么要求"
    "（追问：再加上河南、只看2020年以后）"
)
LABEL_COMPARE_LAWS = "加入全国法律法规（全国一栏）"
LABEL_COMPARE_DOCX = "下载对比表（Word）"
LABEL_COMPARE_XLSX = "下载对比表（Excel）"
COMPARE_EXAMPLES = (
    "浙江和云南在危化品方面的要求有什么不同",
    "各省对消防车通道有什么要求",
    "青海和云南对烟花爆竹有什么要求",
)
COMPARE_EMPTY = "请输入要对比的主题，例如：浙江和云南在危化品方面的要求有什么不同。"
COMPARE_NO_TOPIC = "请说明要对比什么内容，例如：浙江和云南在危化品方面的要求有什么不同。"
COMPARE_ONE_SOURCE = (
    "对比至少需要两个来源：请在问题里写出两个或更多省份（如“浙江和云南”），"
    "或说“各省”，或在左侧选择省份。"
)
COMPARE_TOO_MANY = "一次最多并排对比{limit}个来源，您选了{count}个，请减少省份后再试。"
COMPARE_ABSENT_ONLY = "现有文件中没有{provinces}的文件，无法对比；对比至少需要两个有文件的来源。"
COMPARE_UNKNOWN = "无法识别省份“{name}”。"
COMPARE_NO_FOLLOW_UP = "请先提一个对比问题，再用“再加上河南”“只看2020年以后”追问。"
COMPARE_FAILED = "无法对比：{error}"
COMPARE_SCOPE = "对比主题：{topic}　年份：{years}　来源：{sources}"
COMPARE_ALL_YEARS = "全部年份"
COMPARE_NOTHING = "没有关于这个主题的条款。"
COMPARE_MISSING = "以下来源没有关于这个主题的条款：{sources}。"
COMPARE_ABSENT = "现有文件中没有{provinces}的文件，未列入对比。"
COMPARE_OVERFLOW = "另有{count}个省份也有相关条款，未能并排显示：{sources}。"
COMPARE_LAWS_MISSING = "现有文件中还没有全国性法律法规，因此没有“全国”一栏。"
COMPARE_LEGEND = "标记为橙色的是与其他来源不同的数字、期限、牵头部门或引号中的提法。"
COMPARE_DIFFERS = "不同之处"
COMPARE_FULL_TEXT = "条款全文"
COMPARE_NATIONAL = "全国（法律法规）"
COMPARE_EXPORT_TITLE = "对比：{topic}"
COMPARE_COL_SOURCE = "来源"
COMPARE_COL_CITATION = "出处"
COMPARE_COL_ANSWER = "要点"
COMPARE_COL_TEXT = "条款原文"
COMPARE_COL_DIFFERS = "不同之处"
COMPARE_COL_DOCUMENT = "文件"
POINTS_PREFIX = "答（要点摘自多份文件）："
COMPARE_HINT = "要把各省的规定并排比较，可以在“对比”页提问。"
# --- the 文件库 tab (page/library_tab.py) and the validity switch ----------------------------
TAB_LIBRARY = "文件库"

LIB_RULES = (
    "**谁可以修改文件库**：在本机（127.0.0.1）访问且未设置登录时，本机用户可以上传、修改、"
    "废止和删除文件；设置了登录（POLICY_QA_USER / POLICY_QA_PASSWORD）时，只有 "
    "POLICY_QA_ADMINS 中列出的管理员可以（其他用户看不到本页）；以 --host 0.0.0.0 对外开放"
    "且未设置登录时，文件库只读，除非启动时加 --allow-uploads。内置文件只读，始终加载。"
)
LIB_WHERE = "文件库位置：`{folder}`"
LIB_YOU_MAY = "您可以修改文件库。"
LIB_READ_ONLY = "当前只读：{reason}"
LIB_UPLOAD = "上传文件（可多选：.txt、.md、.docx、.pdf，任意编码）"
LIB_CHECK = "检查文件"
LIB_CONFIRM = "确认加入文件库"
LIB_SKIP = "跳过此文件"
LIB_FORM = "#### 文件信息（已按正文推断预填，请确认或修改）"
LIB_MANAGE = "#### 管理文件（在表格中点击文件库中的一行来选择）"
LIB_SAVE = "保存修改"
LIB_RETIRE = "标记为已废止"
LIB_RESTORE = "恢复为现行有效"
LIB_NEW_VERSION = "新版本文件"
LIB_REPLACE = "替换为新版本"
LIB_DELETE_OK = "确认删除"
LIB_DELETE = "删除"
LIB_TABLE = "全部文件"

LIB_ERRORS = {
    "bad-name": '文件名“{name}”不可用：文件名不能含路径（/ \\ ..）、控制字符或 * ? : " < > | 等符号，'
    "请改名后再上传。",
    "unsupported": "不支持的文件类型：“{name}”。只能上传 .txt、.md、.docx、.pdf 文件。",
    "too-large": "文件“{name}”超过大小上限（{limit}），未加入。管理员可用 POLICY_QA_MAX_FILE_MB 调整。",
    "empty": "文件“{name}”是空的（没有文字），未加入。",
    "binary": "文件“{name}”不是文本文件（二进制内容或无法识别的编码），未加入。",
    "scanned": "PDF“{name}”没有文字层（可能是扫描件），无法读取。请先做文字识别（OCR）再上传。",
    "docx-bomb": "文件“{name}”解压后过大（疑似压缩炸弹），已拒绝，未解压。",
    "bad-docx": "文件“{name}”不是有效的 .docx 文件（不是 zip 压缩包或已损坏），未加入。",
    "bad-pdf": "文件“{name}”不是有效的 PDF（已损坏或有密码），未加入。",
    "too-many-pages": "PDF“{name}”页数超过上限，未加入。",
    "too-long": "文件“{name}”文字过多，超过上限，未加入。",
    "no-clauses": "文件“{name}”清理后没有可用的条款，未加入。",
    "unreadable": "无法读取文件“{name}”，未加入。",
    "duplicate": "文件“{name}”与已有的“{title}”内容相同，未重复加入。",
    "unknown-doc": "文件库里没有这个文件（可能已被删除）。",
    "bad-field": "填写有误：{field}。",
    "bad-manifest": "文件库清单无法读取，请联系管理员。",
    "builtin": "内置文件只读，不能修改或删除。",
}
LIB_BAD_FIELD = {
    "year": "年份必须是 1949–2100 之间的数字",
    "province": "省份请填写一个省级行政区，例如 青海省",
    "status": "时效状态不正确",
}
LIB_ADDED = "已加入文件库：{title}。正在后台建立索引，完成后表格中显示“可检索”。"
LIB_MISSING = "注意：未填写{missing}，该文件已标记为“{flags}”，按省份或年份筛选时不会检索到它。"
LIB_SAVED = "已保存修改：{title}。索引更新后生效。"
LIB_RETIRED = "已将“{title}”标记为已废止：默认检索不再返回它，打开问答页的“包括已废止、历史版本的文件”开关仍可检索到。"
LIB_RESTORED = "已将“{title}”恢复为现行有效。"
LIB_REPLACED = "已用新版本替换“{title}”（第{version}版），只重新嵌入有变化的条款。"
LIB_REMOVED = "已删除“{title}”，索引更新后检索结果中不再出现。"
LIB_CONFIRM_DELETE = "请先勾选“确认删除”。"
LIB_SELECT_FIRST = "请先在表格中点击选择一个文件库中的文件。"
LIB_BUILTIN_SELECTED = "“{title}”是内置文件，只读。"
LIB_SELECTED = "已选择：{title}（{doc_id}）"
LIB_NO_FILES = "请先选择要上传的文件。"
LIB_NO_DRAFT = "没有待确认的文件，请先上传并点击“检查文件”。"
LIB_SKIPPED = "已跳过“{name}”，未加入。"
LIB_PENDING = "还有 {n} 个文件待确认。"
LIB_REFUSED_FILE = "✗ {message}"

REPORT_TITLE = "#### 检查结果：{name}"
REPORT_FOUND = (
    "**找到**：{clauses} 条条款 — 编号条目 {items}、法条 {articles}、段落 {paragraphs}、"
    "要点 {points}、末级条目 {leaves}；{split} 条过长条款拆分为 {parts} 部分。"
)
REPORT_CLEANED = "**清理**：{items}。"
REPORT_NOTHING_CLEANED = "**清理**：无。"
REPORT_REPEATED = "重复条款 {n} 条"
REPORT_REPAIRED = "**修复**：{n} 处乱码已修复。"
REPORT_NOTHING_REPAIRED = "**修复**：无。"
REPORT_UNREPAIRED = "**无法读取**：{n} 处乱码无法修复（显示为 □，相关条款已标记）。"
REPORT_ALL_READ = "**无法读取**：无。"
REPORT_PREVIEW = "**前 {n} 条条款（按引用格式）**："
CLEAN_REASONS = {
    "web metadata": "网页信息",
    "web chrome": "网页导航",
    "page title": "网页标题",
    "summary": "摘要",
    "attachment": "附件行",
    "duplicate block": "重复正文",
}
CLEAN_LINES = "{reason} {n} 行"

LIB_HEADERS = (
    "标题", "检索状态", "省份", "年份", "类型", "文号", "时效", "条款数", "标记", "信息来源",
    "加入时间", "来源", "编号",
)  # fmt: skip
STATE_SEARCHABLE = "可检索"
STATE_SEARCHABLE_SWITCH = "可检索（需打开“包括已废止”开关）"
STATE_INDEXING = "索引中"
STATE_WAITING = "等待索引"
STATE_REMOVING = "删除中（索引更新后消失）"
STATE_FAILED = "未能编入索引"
ORIGIN_BUILTIN = "内置"
ORIGIN_LIBRARY = "文件库"
FLAG_WORDS = {
    "mojibake-unrepaired": "乱码未修复",
    "mojibake-repaired": "乱码已修复",
    "year-unknown": "年份不详",
    "province-unknown": "省份不详",
    "year-inferred": "年份推断",
    "province-inferred": "省份推断",
}
SOURCE_WORDS = {"inferred": "推断", "user": "填写", "manifest": "清单", "unknown": "未知"}
FIELD_WORDS = {
    "title": "标题",
    "province": "省份",
    "year": "年份",
    "issuer": "发文机关",
    "date": "发文日期",
    "doc_type": "类型",
    "doc_number": "文号",
    "status": "时效",
}

PROGRESS_IDLE = "索引已是最新。"
PROGRESS_LOADING = "读取文件…"
PROGRESS_EMBEDDING = "嵌入新的或有变化的条款 {done}/{total}"
PROGRESS_BUILDING = "建立索引…"
PROGRESS_SWAP = "切换到新索引…"
PROGRESS_DONE = "索引已更新：共 {clauses} 条条款，本次新嵌入 {embedded} 条。"
PROGRESS_FAILED = "索引更新失败，检索仍使用之前的索引：{error}"
PROGRESS_QUEUED = "等待中：前面还有 {ahead} 个任务。"
PROGRESS_RUNNING = "更新索引 {percent}：{message}（更新期间检索照常使用之前的索引）"

# --- checking what a door (the chat, the /search API) was given (page/inputs.py) ----------
NOT_TEXT = "问题必须是一段文字（字符串），收到的是{kind}。"
BAD_PROVINCES = '省份必须是省份名称的列表（如 ["青海省"]）或一个省份名称，收到的是{kind}。'
UNKNOWN_PROVINCE = "“{name}”不是现有文件中的省份。可选的省份：{known}。"
BAD_YEARS = "年份必须是整数或整数列表（如 [2020]），收到的是{kind}。"
YEAR_OUT_OF_RANGE = "年份 {year} 不在 {low}–{high} 之间。"
BAD_K = "条款数 k 必须是 1 到 {high} 之间的整数，收到的是{value}。"
TOO_MANY_FILTERS = "筛选条件太多（最多 {high} 个）。"
#: Words for the kinds of value a client may send, for the messages above.
KINDS = {"NoneType": "空值", "bool": "布尔值", "int": "整数", "float": "小数", "str": "文字",
         "list": "列表", "tuple": "列表", "dict": "对象（字典）"}  # fmt: skip
KIND_OTHER = "其他类型的值"
