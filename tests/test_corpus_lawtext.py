"""A regulation laid out in 第X章 / 第X条 (a user's .docx or GBK .txt) parses into articles."""

from __future__ import annotations

import json
from pathlib import Path

import docx

from corpus.loader import load_corpus, load_document

LINES = [
    "生产安全事故应急条例",
    "第一章 总则",
    "第一条 为了规范生产安全事故应急工作，保障人民群众生命和财产安全，制定本条例。",
    "第二条 本条例适用于生产安全事故应急工作；法律、行政法规另有规定的，适用其规定。",
    "第二章 应急准备",
    "第一节 应急预案",
    "第三条 生产经营单位应当制定相应的生产安全事故应急救援预案。",
    "有下列情形之一的，应急救援预案制定单位应当及时修订相关预案：",
    "（一）制定预案所依据的法律、法规、规章、标准发生重大变化；",
    "（二）应急指挥机构及其职责发生调整；",
    "第四条 违反本条例规定的，依照本条例第三条的规定处理，并依照第十条追究责任。",
    "第十条规定的情形以外的，由县级以上人民政府负责。",
    "第三章 附则",
    "第五条 本条例自2019年4月1日起施行。",
]


def _write_docx(path: Path) -> None:
    document = docx.Document()
    for line in LINES:
        document.add_paragraph(line)
    document.save(str(path))


def _articles(clauses):
    return [c for c in clauses if c.kind == "article"]


def test_a_regulation_docx_parses_to_articles_with_chapter_paths(tmp_path: Path) -> None:
    path = tmp_path / "yingji-tiaoli.docx"
    _write_docx(path)
    doc = load_document(path)
    articles = _articles(doc.clauses)
    assert [c.item for c in articles] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    by_item = {c.item: c for c in articles}
    assert by_item["第一条"].path == ("第一章 总则",)
    assert by_item["第三条"].path == ("第二章 应急准备", "第一节 应急预案")
    assert by_item["第五条"].path == ("第三章 附则",)
    # Two 款, the second with its （一）（二）项, stay in the article.
    third = by_item["第三条"].text
    assert third.startswith("生产经营单位应当制定")
    assert "（一）制定预案所依据" in third and "（二）应急指挥机构" in third
    # 第三条/第十条 inside a sentence, and a line opening with 第十条规定的, are references.
    fourth = by_item["第四条"].text
    assert "依照本条例第三条的规定处理" in fourth and fourth.endswith("由县级以上人民政府负责。")
    assert by_item["第三条"].citation == "【《生产安全事故应急条例》第三条】"
    assert doc.meta.title == "生产安全事故应急条例"


def test_a_gbk_copy_gives_the_same_articles(tmp_path: Path) -> None:
    docx_path = tmp_path / "a.docx"
    _write_docx(docx_path)
    (tmp_path / "b.txt").write_bytes("\n".join(LINES).encode("gbk"))
    from_docx = _articles(load_document(docx_path).clauses)
    from_gbk = _articles(load_document(tmp_path / "b.txt").clauses)
    assert [(c.item, c.path, c.text) for c in from_docx] == [
        (c.item, c.path, c.text) for c in from_gbk
    ]


def test_a_provincial_regulation_is_cited_with_its_province_and_manifest_status(
    tmp_path: Path,
) -> None:
    lines = [
        "青海省安全生产条例",
        "第一条 为了加强安全生产工作，制定本条例。",
        "第二条 本省行政区域内适用本条例。",
    ]
    (tmp_path / "qh.txt").write_text("\n".join(lines), encoding="utf-8")
    manifest = {
        "documents": [
            {
                "file": "qh.txt",
                "title": "青海省安全生产条例",
                "province": "青海省",
                "year": 2010,
                "status": "已废止",
                "version_date": "2010-01-01",
            }
        ]
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    corpus = load_corpus(tmp_path)
    second = next(c for c in corpus.clauses if c.item == "第二条")
    assert second.doc.status == "已废止" and not second.doc.in_force
    assert second.citation == "【青海省·《青海省安全生产条例》（2010年1月1日版·已废止）第二条】"


def test_a_long_user_article_splits_into_items_keeping_its_citation(tmp_path: Path) -> None:
    items = [
        f"（{n}）" + "依法开展安全生产检查并督促整改重大事故隐患" * 3 + "；" for n in "一二三四五六"
    ]
    lines = ["某某办法", "第一条 总则。", "第二条 监管部门履行下列职责：", *items]
    (tmp_path / "m.txt").write_text("\n".join(lines), encoding="utf-8")
    parts = [c for c in load_document(tmp_path / "m.txt").clauses if c.item.startswith("第二条")]
    assert len(parts) >= 2 and all(len(c.text) <= 400 for c in parts)
    assert parts[0].item.startswith("第二条第（一）项至") and parts[-1].item.endswith("（六）项")
    assert all(c.citation.startswith("【《某某办法》第二条") for c in parts)
