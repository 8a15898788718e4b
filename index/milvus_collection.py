"""The Milvus side of the Milvus backend: collection schema, rows, and the manifest store.

One logical index ``NAME`` is, on the Milvus server:

* ``NAME`` — an **alias** pointing at the current generation (what readers open);
* ``NAME__g<UTC time>_<hex>`` — one collection per build ("generation"): the clauses with
  their dense vectors, the Simplified text that Milvus turns into BM25 sparse vectors
  server-side (jieba analyzer + BM25 function), province/year as scalar fields for filter
  expressions, and each clause's full JSON so loads rebuild :class:`~corpus.clause.Clause`s;
* ``NAME__meta`` — one row per finished generation holding its manifest (model, dims,
  fingerprints, versions). It is written after the generation's rows, so a generation
  without a manifest row is an unfinished build and is never used.

A generation is never modified once built: an update builds the next one and moves the
alias, which is Milvus's own blue/green re-indexing pattern and the analogue of the local
backend's "write a temporary folder, then rename".
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
from pymilvus import DataType, Function, FunctionType, MilvusClient

from corpus.clause import Clause
from index.manifest import IndexProblem
from index.protocol import Scope
from index.segment import STOPWORDS

#: Bump when the collection layout or a field's meaning changes; older generations are rebuilt.
MILVUS_FORMAT_VERSION = 2  # 2: status, national and doc_id fields (laws, validity)

#: Server-side analyzer of ``text_norm``: jieba (search mode) with the same function words
#: removed as in the local segmenter, so BM25 is not dominated by 什么/如何/以及.
ANALYZER_PARAMS: dict[str, Any] = {
    "tokenizer": "jieba",
    "filter": [{"type": "stop", "stop_words": sorted(STOPWORDS)}],
}


def analyzer_config() -> dict[str, str]:
    """What a manifest records about the analyzer: a generation analysed otherwise would
    segment queries differently from its stored BM25 vectors, so it must be rebuilt."""
    text = json.dumps(ANALYZER_PARAMS, ensure_ascii=False, sort_keys=True)
    return {"tokenizer": "jieba", "sha256": hashlib.sha256(text.encode()).hexdigest()}


GENERATION_MARK = "__g"
META_SUFFIX = "__meta"
#: Rows per insert call: well under Milvus's 64 MB gRPC message limit with 1024-dim vectors.
INSERT_BATCH = 256
#: Rows per page when reading a whole generation back.
READ_BATCH = 1000
#: Every collection is read with strong consistency: a load right after a build (or in
#: another replica) must see every row of the generation it names.
CONSISTENCY = "Strong"

#: Fields read back when loading a generation (the vectors stay on the server).
LOAD_FIELDS = ["id", "row", "text_hash", "clause"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,150}")
_MAX_ID, _MAX_PROVINCE, _MAX_TEXT, _MAX_STATUS = 512, 128, 65535, 64


def check_name(name: str) -> str:
    """``name`` if it can name a Milvus collection (letters, digits, ``_``; not starting with
    a digit; generation suffixes must still fit 255 characters), else ``ValueError``."""
    if not isinstance(name, str) or not _NAME.fullmatch(name) or GENERATION_MARK in name:
        raise ValueError(
            f"bad Milvus collection name {name!r}: use letters, digits and single underscores, "
            "not starting with a digit, at most 151 characters"
        )
    return name


def new_generation(name: str) -> str:
    """A fresh generation name; sortable by build time, unique across concurrent builders."""
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    return f"{name}{GENERATION_MARK}{stamp}_{uuid.uuid4().hex[:6]}"


def passage_hash(text: str) -> str:
    """What a stored vector is reused by: the sha256 of the exact text that was embedded."""
    return hashlib.sha256(text.encode()).hexdigest()


def filter_expression(filters: Scope) -> str:
    """The Milvus boolean expression for ``filters`` ("" when they allow everything).

    String literals are written with ``json.dumps``: Milvus reads double-quoted strings with
    the same backslash escapes, so a province name can never break out of its literal.
    """
    parts = []
    if filters.provinces:  # national laws apply in every province, and every year
        names = json.dumps(list(filters.provinces), ensure_ascii=False)
        parts.append(f"(province in {names} or national == true)")
    if filters.years:
        parts.append(f"(year in {json.dumps([int(y) for y in filters.years])} or national == true)")
    if filters.statuses:
        parts.append(f"status in {json.dumps(list(filters.statuses), ensure_ascii=False)}")
    if filters.source != "all":
        parts.append(f"national == {'true' if filters.source == 'laws' else 'false'}")
    if filters.laws:
        parts.append(f"doc_id in {json.dumps(list(filters.laws), ensure_ascii=False)}")
    return " and ".join(parts)


def create_generation(client: MilvusClient, collection: str, dim: int, *, lite: bool) -> None:
    """Create an empty generation collection with its indexes.

    The dense index is FLAT on Milvus Lite (exact, like the local backend on small corpora)
    and AUTOINDEX on a server, which picks a graph index suited to the cluster.
    """
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=_MAX_ID)
    schema.add_field("row", DataType.INT64)
    schema.add_field("province", DataType.VARCHAR, max_length=_MAX_PROVINCE)
    schema.add_field("year", DataType.INT64)
    schema.add_field("status", DataType.VARCHAR, max_length=_MAX_STATUS)
    schema.add_field("national", DataType.BOOL)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=_MAX_ID)
    schema.add_field("text_hash", DataType.VARCHAR, max_length=64)
    schema.add_field(
        "text_norm",
        DataType.VARCHAR,
        max_length=_MAX_TEXT,
        enable_analyzer=True,
        analyzer_params=ANALYZER_PARAMS,
    )
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field("clause", DataType.VARCHAR, max_length=_MAX_TEXT)
    schema.add_function(
        Function(
            name="text_norm_bm25",
            function_type=FunctionType.BM25,
            input_field_names=["text_norm"],
            output_field_names=["sparse"],
        )
    )
    indexes = client.prepare_index_params()
    indexes.add_index(
        field_name="dense", index_type="FLAT" if lite else "AUTOINDEX", metric_type="IP"
    )
    indexes.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    _create(client, collection, schema, indexes)


def _create(client: MilvusClient, collection: str, schema: Any, indexes: Any) -> None:
    """Create the collection, then its indexes without pymilvus's client-side polling
    (``sync=False``; it sleeps 0.5 s per index even on Lite): loading, which the build
    does once the rows are in, waits for the indexes on a server."""
    client.create_collection(collection, schema=schema, consistency_level=CONSISTENCY)
    client.create_index(collection, indexes, sync=False)


def insert_rows(
    client: MilvusClient,
    collection: str,
    clauses: Sequence[Clause],
    vectors: np.ndarray,
    passage_text: str,
) -> None:
    """Insert ``clauses`` (row i = clauses[i], vector i) in batches, then flush."""
    for start in range(0, len(clauses), INSERT_BATCH):
        batch = []
        for row in range(start, min(start + INSERT_BATCH, len(clauses))):
            clause = clauses[row]
            batch.append(
                {
                    "id": clause.id,
                    "row": row,
                    "province": clause.province,
                    "year": clause.year or 0,
                    "status": clause.doc.status,
                    "national": clause.doc.national,
                    "doc_id": clause.doc.doc_id,
                    "text_hash": passage_hash(getattr(clause, passage_text)),
                    "text_norm": clause.text_norm,
                    "dense": vectors[row].tolist(),
                    "clause": json.dumps(clause.to_dict(), ensure_ascii=False),
                }
            )
        client.insert(collection, batch)
    client.flush(collection)


def read_rows(client: MilvusClient, collection: str, expected: int) -> list[dict[str, Any]]:
    """Every row of a generation (``LOAD_FIELDS``), in row order.

    Read by ranges of the ``row`` field rather than with a query iterator: plain queries
    work the same on Lite and on a server at any size (offset paging stops at 16,384 rows),
    and rows beyond ``expected`` — which would mean a damaged generation — are still seen.
    """
    rows: list[dict[str, Any]] = []
    for start in range(0, expected, READ_BATCH):
        rows.extend(
            client.query(
                collection,
                filter=f"row >= {start} and row < {start + READ_BATCH}",
                output_fields=LOAD_FIELDS,
                limit=READ_BATCH * 2,
            )
        )
    rows.extend(
        client.query(collection, filter=f"row >= {max(expected, 0)} or row < 0",
                     output_fields=LOAD_FIELDS, limit=READ_BATCH)
    )  # fmt: skip
    return sorted(rows, key=lambda r: r["row"])


def rows_to_clauses(rows: Sequence[dict[str, Any]], expected: int) -> list[Clause]:
    """The clauses of ``rows``; :class:`IndexProblem` when rows are missing, duplicated or
    do not parse (a generation that lost or gained rows is damaged, never used)."""
    if len(rows) != expected:
        raise IndexProblem(f"the collection holds {len(rows)} rows, its manifest {expected}")
    if [r["row"] for r in rows] != list(range(expected)):
        raise IndexProblem("the collection's row numbers are not 0 … n-1")
    clauses = []
    for r in rows:
        try:
            clause = Clause.from_dict(json.loads(r["clause"]))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise IndexProblem(f"clause {r['id']!r} does not parse ({error})") from error
        if clause.id != r["id"]:
            raise IndexProblem(f"row {r['row']} holds clause {clause.id!r} under id {r['id']!r}")
        clauses.append(clause)
    return clauses


def fetch_vectors(
    client: MilvusClient, collection: str, ids: Sequence[str], dim: int
) -> dict[str, np.ndarray]:
    """The stored dense vectors of ``ids`` (for reuse by the next generation)."""
    found: dict[str, np.ndarray] = {}
    for start in range(0, len(ids), READ_BATCH):
        page = client.get(collection, ids=list(ids[start : start + READ_BATCH]),
                          output_fields=["dense"])  # fmt: skip
        for row in page:
            vector = np.asarray(row["dense"], dtype=np.float32)
            if vector.shape == (dim,):
                found[row["id"]] = vector
    return found


# --- the manifest store -------------------------------------------------------------------


def meta_collection(name: str) -> str:
    return f"{name}{META_SUFFIX}"


def ensure_meta(client: MilvusClient, name: str) -> None:
    """Create ``NAME__meta`` if missing, and load it. Milvus requires a vector field in every collection,
    so it carries a 2-dim placeholder that is never searched."""
    meta = meta_collection(name)
    if client.has_collection(meta):
        client.load_collection(meta)
        return
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("generation", DataType.VARCHAR, is_primary=True, max_length=255)
    schema.add_field("manifest", DataType.VARCHAR, max_length=_MAX_TEXT)
    schema.add_field("placeholder", DataType.FLOAT_VECTOR, dim=2)
    indexes = client.prepare_index_params()
    indexes.add_index(field_name="placeholder", index_type="AUTOINDEX", metric_type="L2")
    _create(client, meta, schema, indexes)
    client.load_collection(meta)


def write_manifest(client: MilvusClient, name: str, generation: str, manifest: dict) -> None:
    text = json.dumps(manifest, ensure_ascii=False)
    if len(text) > _MAX_TEXT:
        raise ValueError(f"manifest of {generation} is {len(text)} characters, over {_MAX_TEXT}")
    client.upsert(
        meta_collection(name),
        [{"generation": generation, "manifest": text, "placeholder": [0.0, 0.0]}],
    )
    client.flush(meta_collection(name))


def read_manifest(client: MilvusClient, name: str, generation: str) -> dict[str, Any]:
    """The manifest of ``generation``; :class:`IndexProblem` when it has none (an unfinished
    build) or it does not parse."""
    rows = []
    if client.has_collection(meta_collection(name)):
        # A collection comes back "released" after a server restart (and in every new
        # Milvus Lite process); loading is idempotent.
        client.load_collection(meta_collection(name))
        rows = client.get(meta_collection(name), ids=[generation], output_fields=["manifest"])
    if not rows:
        raise IndexProblem(f"collection {generation} has no manifest (its build did not finish)")
    try:
        manifest = json.loads(rows[0]["manifest"])
    except (KeyError, TypeError, json.JSONDecodeError) as error:
        raise IndexProblem(f"the manifest of {generation} cannot be parsed ({error})") from error
    if not isinstance(manifest, dict):
        raise IndexProblem(f"the manifest of {generation} is not a JSON object")
    return manifest


def current_generation(client: MilvusClient, name: str) -> str | None:
    """The collection the alias ``name`` points at (None: never built)."""
    if name not in client.list_aliases().get("aliases", []):
        return None
    return str(client.describe_alias(name)["collection_name"])


def point_alias(client: MilvusClient, name: str, generation: str) -> None:
    """Make ``name`` point at ``generation`` (one atomic server-side switch for readers)."""
    if name in client.list_aliases().get("aliases", []):
        client.alter_alias(generation, name)
    else:
        client.create_alias(generation, name)


def generations(client: MilvusClient, name: str) -> Iterator[str]:
    prefix = f"{name}{GENERATION_MARK}"
    return (c for c in client.list_collections() if c.startswith(prefix))


def drop_generation(client: MilvusClient, name: str, generation: str) -> None:
    client.drop_collection(generation)
    if client.has_collection(meta_collection(name)):
        client.delete(meta_collection(name), ids=[generation])
