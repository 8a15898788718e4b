"""Document metadata: the manifest wins; without it, province, year, title … are inferred and
say so."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from corpus.metadata import (
    META_FIELDS,
    ManifestError,
    document_meta,
    load_manifest,
    slug_doc_id,
)

DOCUMENTS = Path(__file__).resolve().parent.parent / "corpus" / "documents"


def _seed(prefix: str) -> Path:
    return next(DOCUMENTS.glob(f"{prefix}-*.txt"))


def _unlisted_copy(tmp_path: Path, prefix: str) -> tuple[Path, str]:
    """A seed copied to a folder without a manifest, under a neutral name (no hint in it)."""
    target = tmp_path / "report.txt"
    shutil.copyfile(_seed(prefix), target)
    return target, target.read_text(encoding="utf-8")


def _write_manifest(folder: Path, content: object) -> None:
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    (folder / "manifest.json").write_text(text, encoding="utf-8")


# --- the manifest ---------------------------------------------------------------------------


def test_manifest_of_the_default_corpus_is_keyed_by_file_name() -> None:
    manifest = load_manifest(DOCUMENTS)
    assert set(manifest) == {p.name for p in DOCUMENTS.glob("*.txt")}
    assert manifest[_seed("qinghai-2020").name]["province"] == "青海省"


def test_a_folder_without_manifest_has_no_entries(tmp_path: Path) -> None:
    assert load_manifest(tmp_path) == {}


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ('{"documents": [', "invalid JSON at line 1"),
        ({"files": []}, '"documents" list'),
        ([{"file": "a.txt"}], '"documents" list'),
        ({"documents": [{"title": "无文件名"}]}, 'document 1: expected an object with a "file"'),
        ({"documents": [{"file": "a.txt"}, {"file": "a.txt"}]}, "'a.txt' is listed twice"),
        ({"documents": [{"file": "a.txt", "year": "2020年"}]}, "year must be an integer"),
        (
            {"documents": [{"file": "a.txt", "doc_id": "x"}, {"file": "b.txt", "doc_id": "x"}]},
            "doc_id 'x' is used twice",
        ),
    ],
)
def test_a_broken_manifest_is_a_clear_error(
    tmp_path: Path, content: object, complaint: str
) -> None:
    _write_manifest(tmp_path, content)
    with pytest.raises(ManifestError) as caught:
        load_manifest(tmp_path)
    assert "manifest.json" in str(caught.value)
    assert complaint in str(caught.value)


def test_manifest_values_win_and_are_marked_as_such() -> None:
    path = _seed("sichuan-2018")
    entry = load_manifest(DOCUMENTS)[path.name]
    meta = document_meta(path, path.read_text(encoding="utf-8"), entry)
    assert (meta.doc_id, meta.province, meta.year, meta.date) == (
        "sichuan-2018",
        "四川省",
        2018,
        "2018-12",
    )
    assert meta.issuer == "四川省应急管理厅"
    assert meta.source_file == path.name
    assert dict(meta.sources) == dict.fromkeys(META_FIELDS, "manifest")


def test_fields_a_manifest_entry_lacks_are_inferred(tmp_path: Path) -> None:
    path, text = _unlisted_copy(tmp_path, "henan-2023")
    meta = document_meta(path, text, {"file": path.name, "year": 2023})
    assert meta.year == 2023 and meta.source_of("year") == "manifest"
    assert meta.province == "河南省" and meta.source_of("province") == "inferred"
    assert meta.doc_id == "report"


# --- inference for documents the manifest does not list -------------------------------------


@pytest.mark.parametrize(
    ("prefix", "province", "year"),
    [
        ("qinghai-2020", "青海省", 2020),
        ("yunnan-2019", "云南省", 2019),
        ("sichuan-2018", "四川省", None),  # named only through 成都 and 甘孜州; no year written
        ("henan-2023", "河南省", None),  # held in 郑州; the year is never written
        ("zhejiang-2021", "浙江省", 2021),
    ],
)
def test_seed_without_manifest_entry_gets_province_and_year_from_its_text(
    tmp_path: Path, prefix: str, province: str, year: int | None
) -> None:
    path, text = _unlisted_copy(tmp_path, prefix)
    meta = document_meta(path, text, None)
    assert meta.province == province
    assert meta.source_of("province") == "inferred"
    assert meta.year == year
    assert meta.source_of("year") == ("inferred" if year else "unknown")
    assert {name for name, _ in meta.sources} == set(META_FIELDS)


@pytest.mark.parametrize(
    ("prefix", "title", "issuer", "date", "doc_type"),
    [
        (
            "qinghai-2020",
            "青海省安全生产委员会2020年工作要点",
            "青海省安全生产委员会",
            "2020-03-03",
            "工作要点",
        ),
        (
            "yunnan-2019",
            "云南省安全生產委員會2019年度安全生產工作要點",
            "云南省安全生產委員會",
            "2019-03-25",
            "工作要点",
        ),
        (
            "zhejiang-2021",
            "2021年浙江省應急管理工作要點",
            "浙江應急管理廳",
            "2021-05-19",
            "工作要点",
        ),
        ("sichuan-2018", "应急管理厅简报(第2期)", "四川省应急管理厅", "", "简报"),
        ("henan-2023", "全省应急管理系统安全生产专题视频会议召开", "", "", "会议报道"),
    ],
)
def test_title_issuer_date_and_type_are_read_off_the_text(
    tmp_path: Path, prefix: str, title: str, issuer: str, date: str, doc_type: str
) -> None:
    path, text = _unlisted_copy(tmp_path, prefix)
    meta = document_meta(path, text, None)
    assert (meta.title, meta.issuer, meta.date, meta.doc_type) == (title, issuer, date, doc_type)
    assert meta.source_of("date") == ("inferred" if date else "unknown")
    assert meta.source_of("issuer") == ("inferred" if issuer else "unknown")


@pytest.mark.parametrize(
    ("sentence", "province"),
    [
        ("甘孜州试点推行“辅安”模式。", "四川省"),
        ("成都市出台乡镇安全监管工作规范。", "四川省"),
        ("全省视频会议在郑州召开。", "河南省"),
        ("云南省应急管理厅组织开展检查。", "云南省"),
        ("深入开展重大安全风险排查,加强合作,建设四平台。", ""),
    ],
)
def test_province_comes_from_real_place_names_not_from_lookalike_words(
    tmp_path: Path, sentence: str, province: str
) -> None:
    path = tmp_path / "note.txt"
    meta = document_meta(path, "工作动态\n" + sentence, None)
    assert meta.province == province
    assert meta.source_of("province") == ("inferred" if province else "unknown")


def test_year_prefers_the_title_then_an_issuing_date(tmp_path: Path) -> None:
    titled = document_meta(tmp_path / "a.txt", "2020年工作要点\n正文。\n2019年12月30日", None)
    dated = document_meta(tmp_path / "b.txt", "工作简报\n- 发布时间:2021-05-19 14:48\n正文。", None)
    signed = document_meta(
        tmp_path / "c.txt", "工作要点\n正文。\n某某市应急管理局\n2019年3月25日", None
    )
    assert (titled.year, titled.date) == (2020, "2019-12-30")
    assert (dated.year, dated.date) == (2021, "2021-05-19")
    assert (signed.year, signed.date, signed.issuer) == (2019, "2019-03-25", "某某市应急管理局")


def test_nothing_to_go_on_leaves_fields_empty_and_unknown(tmp_path: Path) -> None:
    meta = document_meta(tmp_path / "x.txt", "这一段文字没有任何线索,只是说明情况。", None)
    assert (meta.province, meta.year, meta.issuer, meta.date) == ("", None, "", "")
    assert meta.source_of("province") == "unknown" and meta.source_of("year") == "unknown"


# --- ids for unlisted files -------------------------------------------------------------------


def test_doc_id_of_an_unlisted_file_is_an_ascii_slug_of_its_name(tmp_path: Path) -> None:
    meta = document_meta(tmp_path / "Henan 2023_Safety Meeting.TXT", "会议召开", None)
    assert meta.doc_id == "henan-2023-safety-meeting"


def test_doc_id_of_a_chinese_file_name_is_stable_and_distinct() -> None:
    first = slug_doc_id("河南省安全生产会议")
    assert re.fullmatch(r"doc-[0-9a-f]{8}", first)
    assert slug_doc_id("河南省安全生产会议") == first
    assert slug_doc_id("浙江省应急管理工作要点") != first
    assert slug_doc_id("2021年浙江省要点") == "2021"
