"""Calibration of the low-confidence rule: off-topic against on-topic questions.

    .venv/bin/python bench/confidence_calibration.py [--out FILE]

Asks every question below of the default retriever (hybrid, k=10) and prints, per question,
the best dense cosine, the best IDF-weighted coverage of the top three hits and whether the
result was flagged low-confidence; then the confusion counts (off-topic flagged / missed,
on-topic flagged / passed). Writes ``bench/results/confidence_calibration.json``.

The questions were written for this calibration, not taken from the benchmark
(``eval/data``), so the benchmark's no-answer queries stay a held-out check. Figures, not a
test: the model test in tests/test_retriever_default.py asserts a few of them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import RESULTS_DIR, machine_info, now_utc, table, write_json
from retriever import Retriever
from retriever.answer import aligned_norm, coverage, query_content_words
from retriever.confidence import CONFIDENCE_DEPTH, idf_weights

RESULTS = RESULTS_DIR / "confidence_calibration.json"

#: Questions these documents cannot answer, several built from words common in policy text
#: (建设, 规划, 发展, 管理, 安全) to test that common words alone do not make a match.
OFF_TOPIC: tuple[str, ...] = (
    "医保报销比例是多少",
    "如何申请出国签证",
    "今天天气怎么样",
    "火星基地建设规划",
    "股票怎么买",
    "高考分数线是多少",
    "房贷利率多少",
    "社保卡丢了怎么补办",
    "驾照考试科目二技巧",
    "个人所得税怎么申报",
    "公积金提取条件有哪些",
    "新能源汽车购置补贴政策",
    "宠物狗疫苗接种",
    "减肥食谱推荐",
    "世界杯比赛结果",
    "手机信号不好怎么办",
    "婚姻登记需要什么材料",
    "农村宅基地建设规划",
    "养老金调整方案",
    "旅游景点门票优惠",
    "人工智能产业发展规划",
    "足球联赛赛程安排",
    "电影票房排行",
    "小学入学报名流程",
    "银行信用卡额度管理",
)

#: Questions each document answers, phrased as people ask them (with boilerplate).
ON_TOPIC: tuple[str, ...] = (
    "消防车通道有什么要求",
    "烟花爆竹零售店有什么安全要求",
    "百吨王",
    "浙江危化品安全整治",
    "两客一危车辆怎么管",
    "森林防灭火",
    "农村应急广播建设",
    "安全生产月活动",
    "尾矿库治理",
    "地质灾害防治",
    "青海省安委会办公室联系人是谁",
    "道路交通安全专项整治有哪些措施",
    "电动自行车火灾防控",
    "安全工程三年行动",
    "渔船安全管理",
    "党政领导干部安全生产责任制",
    "国家综合性消防救援队伍授旗仪式",
    "甘孜州辅安模式",
    "成都市乡镇街道安全监管工作规范",
    "吕梁永聚煤矿火灾事故",
    "今冬明春安全生产工作部署",
    "年终岁尾安全风险防控",
    "数字化改革应急管理",
    "应急救援队伍建设",
    "防汛防台",
    "安全生产考核",
    "高楼着火逃生通道被堵怎么办",
    "货车超载怎么管",
    "地震",
    "非煤矿山安全整治",
)


def signals(retriever: Retriever, question: str) -> dict[str, Any]:
    """What the rule saw for ``question``: best cosine, best weighted coverage, the flag."""
    prepared = retriever.prepare(question)
    result = retriever.search(prepared, k=10)
    dense = [h.scores["dense"] for h in result.hits if "dense" in h.scores]
    words = prepared.words
    scope = result.filters.scope
    allowed = [aligned_norm(c).lower() for c in retriever.clauses if scope.allows(c)]
    weights = idf_weights(query_content_words(words), allowed)
    best_coverage = max(
        (coverage(words, h.clause, weights) for h in result.hits[:CONFIDENCE_DEPTH]),
        default=0.0,
    )
    return {
        "question": question,
        "best_dense": round(max(dense, default=0.0), 4),
        "best_coverage": round(best_coverage, 3),
        "low_confidence": result.low_confidence,
        "top": result.hits[0].clause.id if result.hits else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    retriever = Retriever.load(progress=False)
    rows = {
        "off_topic": [signals(retriever, q) for q in OFF_TOPIC],
        "on_topic": [signals(retriever, q) for q in ON_TOPIC],
    }
    for name, found in rows.items():
        print(f"\n{name}")
        print(
            table(
                [
                    (r["question"], r["best_dense"], r["best_coverage"], r["low_confidence"])
                    for r in found
                ],
                ("question", "best cosine", "coverage", "low"),
            )
        )
    confusion = {
        "off_topic_flagged": sum(r["low_confidence"] for r in rows["off_topic"]),
        "off_topic_missed": sum(not r["low_confidence"] for r in rows["off_topic"]),
        "on_topic_flagged": sum(r["low_confidence"] for r in rows["on_topic"]),
        "on_topic_passed": sum(not r["low_confidence"] for r in rows["on_topic"]),
    }
    print("\n", confusion)
    write_json(
        args.out, {"when": now_utc(), "machine": machine_info(), "confusion": confusion, **rows}
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
