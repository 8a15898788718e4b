"""The ONNX Runtime encoder: the same model as :mod:`encoder.sentence`, 3–5× the speed on CPU.

The graph is exported once per machine from the converted sentence-transformers folder by
:mod:`encoder.onnx_export` (mean pooling and normalisation inside it) into
``<cache>/models/<model>-onnx/``. Serving it needs only ``onnxruntime``, ``numpy`` and the
``tokenizers`` library reading the folder's ``tokenizer.json``: torch is not imported, which
saves the app about a second of start-up and hundreds of MB of memory.

Batches are cut from texts sorted by token count: padding a 20-token question to the
length of a 300-token clause in the same batch costs more than batch 1 saves.

The int8 graph quantises its activations with one scale per run (dynamic quantisation), so
a text's vector depends on the texts run with it: a question batched with a long one came
out at cosine 0.998 to itself alone, and a law article at 0.993 to itself batched with other
neighbours in length order, enough to reorder clauses 0.002 apart. Every text is therefore
run on its own on int8 (:attr:`OnnxEncoder.batch` = 1): the chat, which batches concurrent
users' questions, the API, the CLI and the benchmark give a question the same vector, and a
clause has one vector whichever clauses were embedded with it, which the passage-vector cache
(vector = f(model, text)) relies on. Measured on 500 law articles: 75 passages/s one by one
against 99/s in batches of 16, so an index build takes about 1.3× as long.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from encoder.cache import models_dir
from encoder.protocol import PromptedEncoder
from encoder.protocol import threads as default_threads

#: Variant name (``--encoder``) → quantisation recorded in the export marker.
QUANTISATION = {"onnx": "none", "onnx-int8": "int8-dynamic-per-channel"}
#: What index manifests and the passage-vector cache record of each variant. int8 vectors
#: changed when texts stopped being batched, so its name changed with them: an index or a
#: cached vector of the batched int8 graph is re-embedded rather than mixed with new ones.
RECORDED_AS = {"onnx": "onnx", "onnx-int8": "onnx-int8 unbatched"}
#: Texts per ONNX run, cut from length-sorted texts.
BATCH_SIZE = 16
MAX_TOKENS = 512


def onnx_dir(source_dir: Path) -> Path:
    """Where the exports of a converted model folder live: ``<cache>/models/<name>-onnx``."""
    return models_dir() / f"{Path(source_dir).name}-onnx"


class OnnxEncoder(PromptedEncoder):
    """A sentence encoder served by ONNX Runtime; implements :class:`encoder.protocol.Encoder`.

    Vectors are float32 and L2-normalised (the graph normalises), so a dot product is the
    cosine similarity, exactly as with :class:`encoder.sentence.SentenceEncoder`.
    """

    max_chars: int = 400

    def __init__(
        self,
        model_path: Path,
        tokenizer_path: Path,
        name: str,
        *,
        query_prompt: str,
        passage_prompt: str,
        threads: int | None = None,
        optimization: str = "all",
        batch: int = BATCH_SIZE,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.name = name
        self.model_path = Path(model_path)
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt
        #: Texts per ONNX run: 1 on int8, whose vectors depend on their batch-mates.
        self.batch = batch
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        self.pad_id = self.tokenizer.token_to_id("<pad>")
        if self.pad_id is None:
            self.pad_id = 1
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or default_threads()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = _LEVELS[optimization](ort)
        # Waiting threads sleep rather than spin: on a shared, loaded machine spinning threads
        # fight for the cores (see OMP_WAIT_POLICY in encoder.sentence).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(self.model_path), options, providers=["CPUExecutionProvider"]
        )
        self.dim = int(self.session.get_outputs()[0].shape[1] or self._probe_dim())

    def __repr__(self) -> str:
        return f"OnnxEncoder({self.name!r}, dim={self.dim}, file={self.model_path.name})"

    def _probe_dim(self) -> int:
        return int(self._run([[0, 2]]).shape[1])

    def _encode(self, texts: Sequence[str], prompt: str, *, progress: bool) -> np.ndarray:
        """Vectors of ``texts``, :attr:`batch` texts per run (see the module docstring)."""
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = [e.ids for e in self.tokenizer.encode_batch([prompt + t for t in texts])]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        bar = _progress(len(texts), progress)
        for start in range(0, len(order), self.batch):
            rows = order[start : start + self.batch]
            out[rows] = self._run([ids[r] for r in rows])
            bar(len(rows))
        bar(0, done=True)
        return out

    def _run(self, batch: list[list[int]]) -> np.ndarray:
        width = max(len(ids) for ids in batch)
        input_ids = np.full((len(batch), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        (vectors,) = self.session.run(None, {"input_ids": input_ids, "attention_mask": mask})
        return np.asarray(vectors, dtype=np.float32)


_LEVELS: dict[str, Callable] = {
    "disable": lambda ort: ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
    "basic": lambda ort: ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
    "extended": lambda ort: ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
    "all": lambda ort: ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
}


def _progress(total: int, enabled: bool) -> Callable[..., None]:
    """A tqdm bar when asked for (imported only then), else a no-op."""
    if not enabled:
        return lambda n, done=False: None
    from tqdm import tqdm

    bar = tqdm(total=total, desc="embedding", unit="text")

    def step(n: int, done: bool = False) -> None:
        bar.update(n)
        if done:
            bar.close()

    return step


def prompts(source_dir: Path) -> tuple[str, str]:
    """(query, passage) prompts from the folder's sentence-transformers config (e5's by default)."""
    try:
        config = json.loads(
            (Path(source_dir) / "config_sentence_transformers.json").read_text(encoding="utf-8")
        )
        found = config.get("prompts") or {}
    except (OSError, ValueError):
        found = {}
    query = found.get("query") or "query: "
    passage = found.get("passage") or found.get("document") or "passage: "
    return query, passage


def load_onnx_encoder(
    source_dir: Path,
    variant: str,
    name: str,
    *,
    out_dir: Path | None = None,
    log: Callable[[str], None] = lambda _msg: None,
) -> OnnxEncoder:
    """The ONNX encoder of the converted folder ``source_dir``, exporting it first if needed.

    ``variant`` is ``"onnx"`` (fp32) or ``"onnx-int8"``; ``out_dir`` defaults to
    :func:`onnx_dir`. The export is verified against its marker on every first load in a
    process (size and sha256) and redone when it fails; the session is cached per process.
    """
    if variant not in QUANTISATION:
        raise ValueError(f"unknown ONNX variant {variant!r}; known: {', '.join(QUANTISATION)}")
    from encoder.onnx_export import ensure_exported

    source_dir = Path(source_dir).resolve()
    folder = (Path(out_dir) if out_dir is not None else onnx_dir(source_dir)).resolve()
    key = (source_dir, folder, variant, name)
    if key not in _LOADED:
        model_path = ensure_exported(source_dir, folder, QUANTISATION[variant], log=log)
        query, passage = prompts(source_dir)
        _LOADED[key] = OnnxEncoder(
            model_path,
            source_dir / "tokenizer.json",
            name,
            query_prompt=query,
            passage_prompt=passage,
            batch=1 if variant == "onnx-int8" else BATCH_SIZE,
        )
    return _LOADED[key]


#: Encoders loaded in this process, by (source folder, export folder, variant, name).
_LOADED: dict[tuple[Path, Path, str, str], OnnxEncoder] = {}
