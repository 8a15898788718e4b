"""The loader on the real default corpus, and on copies of it in other encodings and formats."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import DEFAULT_CORPUS_DIR, Clause, load_corpus
from corpus.loader import LoadedDocument, load_documents
from corpus.mojibake import LOST
from corpus.splitting import MAX_CLAUSE_CHARS, split_spans

QINGHAI = "qinghai-2020-anweihui-gongzuo-yaodian.txt"
YUNNAN = "yunnan-2019-anweihui-gongzuo-yaodian.txt"
SICHUAN = "sichuan-2018-yingjiting-jianbao-2.txt"
HENAN = "henan-2023-anquan-shengchan-shipin-huiyi.txt"
ZHEJIANG = "zhejiang-2021-yingji-guanli-gongzuo-yaodian.txt"


@pytest.fixture(scope="module")
def documents() -> dict[str, LoadedDocument]:
    docs, errors = load_documents(DEFAULT_CORPUS_DIR)
    assert errors == []
    return {doc.meta.doc_id: doc for doc in docs}


@pytest.fixture(scope="module")
def by_id(documents: dict[str, LoadedDocument]) -> dict[str, Clause]:
    return {c.id: c for doc in documents.values() for c in doc.clauses}


def _raw(name: str) -> str:
    return (DEFAULT_CORPUS_DIR / name).read_text(encoding="utf-8")


def _base_id(clause: Clause) -> str:
    return clause.id.split("~")[0]


def _items(doc: LoadedDocument) -> dict[str, list[Clause]]:
    """Item clauses by id without the part suffix (a split item has several parts)."""
    items: dict[str, list[Clause]] = {}
    for clause in doc.clauses:
        if clause.kind == "item":
            items.setdefault(_base_id(clause), []).append(clause)
    return items


def _whole(parts: list[Clause]) -> str:
    return "".join(p.text for p in parts)


def _manifest_entry(doc_id: str) -> dict:
    manifest = json.loads((DEFAULT_CORPUS_DIR / "manifest.json").read_text(encoding="utf-8"))
    return next(dict(e) for e in manifest["documents"] if e["doc_id"] == doc_id)


def _write_manifest(folder: Path, entries: list[dict]) -> None:
    (folder / "manifest.json").write_text(
        json.dumps({"version": 1, "documents": entries}, ensure_ascii=False), encoding="utf-8"
    )


def _copy(
    folder: Path, name: str, doc_id: str, data: bytes | None = None, as_name: str = ""
) -> None:
    target = folder / (as_name or name)
    if data is None:
        shutil.copyfile(DEFAULT_CORPUS_DIR / name, target)
    else:
        target.write_bytes(data)
    entries = []
    if (folder / "manifest.json").exists():
        entries = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["documents"]
    _write_manifest(folder, [*entries, {**_manifest_entry(doc_id), "file": target.name}])


# --- 000 青海 2020: items numbered 1–44 through the document -------------------------------


def test_qinghai_gives_items_1_to_44_each_once(documents: dict[str, LoadedDocument]) -> None:
    items = _items(documents["qinghai-2020"])
    numbers = sorted(int(key.rsplit("-", 1)[1]) for key in items)
    assert numbers == list(range(1, 45))
    for parts in items.values():
        assert all(p.citation.startswith("【青海省·2020年·") for p in parts)


def test_qinghai_item_22_is_cited_under_section_four(by_id: dict[str, Clause]) -> None:
    item = by_id["qinghai-2020:4-22"]
    assert item.citation == "【青海省·2020年·四、第22项】"
    assert item.item == "四、第22项"
    assert item.path[0].startswith("四、")
    assert item.text.startswith("22.扎实开展安全生产专项整治行动")


def test_qinghai_item_15_is_about_fire_lanes(by_id: dict[str, Clause]) -> None:
    item = by_id["qinghai-2020:3-15"]
    assert item.item == "三、第15项"
    assert "消防车通道" in item.text


def test_qinghai_cover_notice_and_preamble(by_id: dict[str, Clause]) -> None:
    notice = by_id["qinghai-2020:notice"]
    assert notice.kind == "notice" and notice.item == "印发通知"
    assert "联系人" in notice.text and "2020年3月3日" in notice.text
    first = by_id.get("qinghai-2020:preamble") or by_id["qinghai-2020:preamble~1"]
    assert first.kind == "preamble" and first.item == "前言"
    assert first.text.startswith("2020年是全面建成小康社会")


def test_title_line_is_not_a_clause(documents: dict[str, LoadedDocument]) -> None:
    titles = {
        "qinghai-2020": "青海省安全生产委员会2020年工作要点",
        "sichuan-2018": "应急管理厅简报(第2期)",
        "henan-2023": "全省应急管理系统安全生产专题视频会议召开",
    }
    for doc_id, title in titles.items():
        assert all(c.text != title for c in documents[doc_id].clauses)


# --- 001 云南 2019: numbering restarts per block; the body is in the file twice ----------


def test_yunnan_gives_each_item_once(documents: dict[str, LoadedDocument]) -> None:
    raw_items = [
        line
        for line in _raw(YUNNAN).split("\n")
        if re.match(r"\d+\.", line) and not line.endswith(".PDF")
    ]
    assert all(raw_items.count(line) == 2 for line in raw_items)  # the file holds the body twice
    items = _items(documents["yunnan-2019"])
    assert sorted(_whole(parts) for parts in items.values()) == sorted(set(raw_items))


def test_yunnan_paths_restart_per_block(
    by_id: dict[str, Clause], documents: dict[str, LoadedDocument]
) -> None:
    first = by_id["yunnan-2019:2-1-1"]
    assert first.item == "二、（一）1"
    assert first.citation == "【云南省·2019年·二、（一）1】"
    assert first.path == ("二、重點工作任務", "(一)理順管理體制,強化責任落實。")
    assert first.text.startswith("1.強化黨政領導責任。")
    item = by_id["yunnan-2019:2-3-4"]
    assert item.item == "二、（三）4"
    assert item.path[-1].startswith("(三)強化風險管控")
    assert item.text.startswith("4.打好危險化學品綜合治理攻堅戰")
    last = [c for c in documents["yunnan-2019"].clauses if c.kind == "item"][-1]
    assert (last.id, last.item) == ("yunnan-2019:2-6-5", "二、（六）5")
    assert last.text.startswith("5.完善安全生產社會化管理機制")


def test_yunnan_section_text_and_work_requirements_are_leaves(by_id: dict[str, Clause]) -> None:
    section = by_id["yunnan-2019:1"]
    assert (section.kind, section.item) == ("leaf", "一、")
    assert section.path == ("一、指導思想和工作目標",)
    assert section.text.startswith("堅持以習近平新時代")
    for n, numeral in enumerate("一二三四", start=1):
        leaf = by_id[f"yunnan-2019:3-{n}"]
        assert (leaf.kind, leaf.item) == ("leaf", f"三、（{numeral}）")


def test_yunnan_second_copy_gives_no_clause(documents: dict[str, LoadedDocument]) -> None:
    doc = documents["yunnan-2019"]
    texts = [c.text for c in doc.clauses]
    assert sum("現將《2019年度安全生產工作要點》印發你們" in t for t in texts) == 1
    assert sum(t.startswith("1.強化黨政領導責任。") for t in texts) == 1
    assert not any("附件下載" in t or ".PDF" in t for t in texts)


def test_traditional_text_is_matched_in_simplified(by_id: dict[str, Clause]) -> None:
    item = by_id["yunnan-2019:2-3-4"]
    assert "危險化學品綜合治理" in item.text
    assert "危险化学品综合治理" in item.text_norm


# --- 004 浙江 2021: scraped page, mojibake ----------------------------------------------


def test_zhejiang_gives_its_numbered_items(documents: dict[str, LoadedDocument]) -> None:
    raw_numbered = [line for line in _raw(ZHEJIANG).split("\n") if re.match(r"\d+\.", line)]
    items = _items(documents["zhejiang-2021"])
    assert len(items) == len(raw_numbered)
    assert items["zhejiang-2021:2-3-2"][0].item == "二、（三）2"
    assert _whole(items["zhejiang-2021:2-3-2"]).startswith("2.落實攻堅任務。")


def test_zhejiang_leaves_of_sections_one_three_four(by_id: dict[str, Clause]) -> None:
    for section, numeral in ((1, "一"), (3, "三"), (4, "四")):
        for n, sub in enumerate("一二三", start=1):
            leaf = by_id[f"zhejiang-2021:{section}-{n}"]
            assert leaf.kind == "leaf"
            assert leaf.item == f"{numeral}、（{sub}）"
            assert leaf.text.startswith(f"({sub})")


def test_zhejiang_has_no_boilerplate(documents: dict[str, LoadedDocument]) -> None:
    for clause in documents["zhejiang-2021"].clauses:
        for junk in ("新聞資訊", "分類:", "訪問量", "概要描述", "更多產品", "LEAVE US"):
            assert junk not in clause.text, (clause.id, junk)


def test_zhejiang_hazardous_chemicals_restored(
    by_id: dict[str, Clause], documents: dict[str, LoadedDocument]
) -> None:
    assert "完成危化品、涉海涉漁" in by_id["zhejiang-2021:1-3"].text
    item = "".join(
        c.text for c in documents["zhejiang-2021"].clauses if _base_id(c) == "zhejiang-2021:2-2-3"
    )
    for phrase in ("危化品領域", "危化品重點縣", "危化品建設項目"):
        assert phrase in item
    clauses = documents["zhejiang-2021"].clauses
    assert not any("?;" in c.text for c in clauses)
    assert sum("危化品" in c.text_norm for c in clauses) >= 5
    assert "mojibake-repaired" in by_id["zhejiang-2021:1-3"].flags


# --- 002 四川 2018 and 003 河南 2023: paragraphs and points --------------------------------


def test_sichuan_four_news_items(
    documents: dict[str, LoadedDocument], by_id: dict[str, Clause]
) -> None:
    doc = documents["sichuan-2018"]
    paragraphs = sorted({_base_id(c).split(":")[1].split("-")[0] for c in doc.clauses})
    assert paragraphs == ["p1", "p2", "p3", "p4"]
    assert all(c.citation.startswith("【四川省·2018年·¶") for c in doc.clauses)
    assert by_id["sichuan-2018:p4"].text.startswith("甘孜州试点推行“辅安”模式。")
    assert by_id["sichuan-2018:p3"].text.startswith("成都市出台乡镇(街道)安全监管工作规范。")


def test_henan_points(by_id: dict[str, Clause], documents: dict[str, LoadedDocument]) -> None:
    point = by_id["henan-2023:p3-2"]
    assert point.kind == "point"
    assert point.citation == "【河南省·2023年·¶3·二是】"
    assert point.text.startswith("二是重大隐患排查整治要精细化")
    assert by_id["henan-2023:p4-1"].item == "¶4·一要"
    lead = by_id["henan-2023:p3"]
    assert lead.kind == "paragraph" and "一是" not in lead.text
    assert all(c.doc.source_of("year") == "manifest" for c in documents["henan-2023"].clauses)


# --- corpus-wide guarantees -------------------------------------------------------------


def test_offsets_point_into_the_clean_text(documents: dict[str, LoadedDocument]) -> None:
    for doc in documents.values():
        for clause in doc.clauses:
            assert doc.text[clause.start : clause.end] == clause.text


def test_long_items_are_split_into_cited_parts(documents: dict[str, LoadedDocument]) -> None:
    clauses = [c for doc in documents.values() for c in doc.clauses]
    assert max(len(c.text) for c in clauses) <= MAX_CLAUSE_CHARS
    split = [c for c in clauses if c.parts > 1]
    assert split, "the default corpus has items longer than the limit"
    for clause in split:
        assert clause.id == f"{_base_id(clause)}~{clause.part}"
        assert clause.label == f"{clause.item}（第{clause.part}/{clause.parts}部分）"
    raw = _raw(ZHEJIANG)
    whole = re.search(r"^3\.深化專項綜合治理.*$", raw, re.MULTILINE)
    assert whole is not None and len(whole.group(0)) > MAX_CLAUSE_CHARS


def test_ids_are_unique_and_stable_across_runs() -> None:
    first, second = load_corpus(), load_corpus()
    ids = [c.id for c in first.clauses]
    assert len(ids) == len(set(ids))
    assert ids == [c.id for c in second.clauses]
    assert [c.text for c in first.clauses] == [c.text for c in second.clauses]


def test_no_two_clauses_have_the_same_text() -> None:
    clauses = load_corpus().clauses
    texts = [re.sub(r"\s+", " ", c.text).strip() for c in clauses if not c.doc.national]
    assert len(texts) == len(set(texts))
    # Two laws may share a boilerplate article (违反本法规定，构成犯罪的…); each keeps its own
    # citation, so none is dropped.
    shared = [c for c in clauses if c.text == "违反本法规定，构成犯罪的，依法追究刑事责任。"]
    assert len({c.citation for c in shared}) == len(shared) >= 2


def test_a_second_copy_of_a_document_adds_no_clause(tmp_path: Path) -> None:
    _copy(tmp_path, QINGHAI, "qinghai-2020")
    shutil.copyfile(DEFAULT_CORPUS_DIR / QINGHAI, tmp_path / "zz-copy.txt")
    documents, _ = load_documents(tmp_path)
    alone = load_corpus(_only(tmp_path / "alone", QINGHAI, "qinghai-2020"))
    corpus_ids = [c.id for doc in documents for c in doc.clauses]
    assert corpus_ids == [c.id for c in alone.clauses]
    copy = next(doc for doc in documents if doc.path.name == "zz-copy.txt")
    assert copy.clauses == () and len(copy.dropped) == len(alone.clauses)


def _only(folder: Path, name: str, doc_id: str) -> Path:
    folder.mkdir()
    _copy(folder, name, doc_id)
    return folder


# --- encodings, formats, errors ---------------------------------------------------------


def _clauses(folder: Path) -> list[tuple[str, str]]:
    corpus = load_corpus(folder)
    assert corpus.errors == ()
    return [(c.id, c.text) for c in corpus.clauses]


def test_gbk_copy_parses_like_the_utf8_original(tmp_path: Path) -> None:
    utf8 = _only(tmp_path / "utf8", QINGHAI, "qinghai-2020")
    gbk = tmp_path / "gbk"
    gbk.mkdir()
    _copy(gbk, QINGHAI, "qinghai-2020", _raw(QINGHAI).encode("gb18030"))
    assert _clauses(gbk) == _clauses(utf8)


def test_big5_copy_parses_like_the_utf8_original(tmp_path: Path) -> None:
    text = _raw(YUNNAN)
    data = text.encode("big5")  # strict: the Traditional seed is fully encodable
    utf8 = _only(tmp_path / "utf8", YUNNAN, "yunnan-2019")
    big5 = tmp_path / "big5"
    big5.mkdir()
    _copy(big5, YUNNAN, "yunnan-2019", data)
    assert _clauses(big5) == _clauses(utf8)


def test_docx_copy_gives_the_same_items(tmp_path: Path) -> None:
    document = docx.Document()
    for line in _raw(QINGHAI).split("\n"):
        document.add_paragraph(line)
    folder = tmp_path / "docx"
    folder.mkdir()
    document.save(folder / "qinghai.docx")
    _write_manifest(folder, [{**_manifest_entry("qinghai-2020"), "file": "qinghai.docx"}])
    utf8 = _only(tmp_path / "utf8", QINGHAI, "qinghai-2020")
    assert _clauses(folder) == _clauses(utf8)


def test_a_corrupt_file_is_reported_and_the_rest_loads(tmp_path: Path) -> None:
    _copy(tmp_path, QINGHAI, "qinghai-2020")
    _copy(tmp_path, SICHUAN, "sichuan-2018")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 this is not a word file" * 10)
    corpus = load_corpus(tmp_path)
    assert [Path(e.path).name for e in corpus.errors] == ["broken.docx"]
    assert "broken.docx" in corpus.errors[0].message
    assert {c.doc.doc_id for c in corpus.clauses} == {"qinghai-2020", "sichuan-2018"}


def test_an_empty_folder_gives_an_error_and_no_clauses(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.clauses == ()
    assert len(corpus.errors) == 1 and "no documents" in corpus.errors[0].message


def test_a_missing_folder_gives_an_error(tmp_path: Path) -> None:
    corpus = load_corpus(tmp_path / "nowhere")
    assert corpus.clauses == ()
    assert "not a folder" in corpus.errors[0].message


def test_repeated_numbering_still_gives_unique_deterministic_ids(tmp_path: Path) -> None:
    text = "某县工作要点\n一、第一部分\n1.甲项工作。内容甲。\n一、重复编号的部分\n1.乙项工作。内容乙。\n"
    (tmp_path / "county.txt").write_text(text, encoding="utf-8")
    first = [c.id for c in load_corpus(tmp_path).clauses]
    assert len(first) == 2 and len(set(first)) == 2
    assert first == [c.id for c in load_corpus(tmp_path).clauses]


# --- splitting --------------------------------------------------------------------------


def test_split_cuts_at_sentence_ends_within_the_limit() -> None:
    sentences = [
        f"第{n}句话讲的是安全生产工作要求，内容较长需要切分以便编码。" for n in range(1, 41)
    ]
    text = "".join(sentences)
    spans = split_spans(text, 100)
    assert len(spans) > 1
    assert all(end - start <= 100 for start, end in spans)
    assert all(text[start:end].endswith("。") for start, end in spans)
    assert "".join(text[start:end] for start, end in spans) == text


def test_split_falls_back_to_commas_for_one_long_sentence() -> None:
    text = "，".join(f"第{n}项要求落实到位" for n in range(1, 60)) + "。"
    spans = split_spans(text, 80)
    assert all(end - start <= 80 for start, end in spans)
    assert all(text[start:end].endswith(("，", "。")) for start, end in spans)
    assert "".join(text[start:end] for start, end in spans) == text


def test_a_short_text_is_one_span() -> None:
    assert split_spans("一句话。", 400) == [(0, 4)]


def test_metadata_without_a_manifest_is_flagged(tmp_path: Path) -> None:
    shutil.copyfile(DEFAULT_CORPUS_DIR / SICHUAN, tmp_path / "briefing.txt")
    clauses = load_corpus(tmp_path).clauses
    assert clauses
    for clause in clauses:
        assert "year-unknown" in clause.flags  # the briefing never writes its year
        assert clause.citation.startswith(f"【{clause.province or '省份不详'}·年份不详·")
        source = clause.doc.source_of("province")
        assert f"province-{source}" in clause.flags


def test_manifest_metadata_carries_no_inference_flags(documents: dict[str, LoadedDocument]) -> None:
    for doc in documents.values():
        for clause in doc.clauses:
            assert not any(f.startswith(("province-", "year-")) for f in clause.flags)


def test_an_unlisted_web_page_keeps_the_metadata_its_header_states(tmp_path: Path) -> None:
    shutil.copyfile(DEFAULT_CORPUS_DIR / ZHEJIANG, tmp_path / "page.txt")
    clauses = load_corpus(tmp_path).clauses
    assert clauses
    meta = clauses[0].doc
    assert (meta.year, meta.date) == (2021, "2021-05-19")  # from "- 發布時間:2021-05-19 14:48"
    assert not any("發布時間" in c.text for c in clauses)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="安全生产检查。；，！？\n 　ab1", min_size=0, max_size=600))
def test_split_spans_are_exact_bounded_and_lose_no_text(text: str) -> None:
    spans = split_spans(text, 50)
    if len(text) <= 50:
        assert spans == [(0, len(text))]
        return
    assert all(0 <= start < end <= len(text) and end - start <= 50 for start, end in spans)
    assert all(b[0] >= a[1] for a, b in itertools.pairwise(spans))
    covered = "".join(text[start:end] for start, end in spans)
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", text)


def test_mojibake_flags_mark_exactly_the_parts_that_hold_a_repair(
    documents: dict[str, LoadedDocument],
) -> None:
    doc = documents["zhejiang-2021"]
    assert doc.repaired and doc.unrepaired
    for clause in doc.clauses:
        for flag, spans in (
            ("mojibake-repaired", doc.repaired),
            ("mojibake-unrepaired", doc.unrepaired),
        ):
            holds = any(clause.start < end and start < clause.end for start, end in spans)
            assert (flag in clause.flags) == holds, (clause.id, flag)
    unrepaired = [c for c in doc.clauses if "mojibake-unrepaired" in c.flags]
    assert unrepaired and all(LOST in c.text for c in unrepaired)
