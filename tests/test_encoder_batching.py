"""encoder.batching: concurrent searches share serialised, batched encoder calls."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from encoder.batching import QueryEmbedder
from tests.index_fakes import FakeEncoder


class GuardedEncoder(FakeEncoder):
    """A fake encoder that fails if two threads are inside it at once, and whose first call
    waits for ``gate`` (so the test can line the other callers up behind it)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = 0
        self.overlapped = False
        self.gate = threading.Event()
        self.batches: list[list[str]] = []

    def encode_queries(self, texts):
        self.inside += 1
        self.overlapped |= self.inside > 1
        if not self.batches:
            self.gate.wait(10)
        time.sleep(0.01)
        self.batches.append(list(texts))
        self.inside -= 1
        return super().encode_queries(texts)


def test_searches_arriving_while_the_encoder_is_busy_are_embedded_in_one_call():
    encoder = GuardedEncoder()
    embedder = QueryEmbedder(encoder)
    texts = [f"问题{i}" for i in range(20)]
    results: dict[str, np.ndarray] = {}
    threads = [
        threading.Thread(target=lambda t=t: results.__setitem__(t, embedder.embed(t)))
        for t in texts
    ]
    threads[0].start()
    while not encoder.inside:
        time.sleep(0.001)
    for thread in threads[1:]:
        thread.start()
    while len(embedder._pending) < 19:
        time.sleep(0.001)
    encoder.gate.set()
    for thread in threads:
        thread.join(10)
    assert not encoder.overlapped
    assert [len(b) for b in encoder.batches] == [1, 19]
    for text in texts:
        np.testing.assert_allclose(results[text], FakeEncoder().encode_queries([text])[0])


def test_a_question_asked_again_is_not_embedded_again():
    encoder = GuardedEncoder()
    encoder.gate.set()
    embedder = QueryEmbedder(encoder, cache_size=2)
    first = embedder.embed("消防车通道")
    assert embedder.embed("消防车通道") is first and len(encoder.batches) == 1
    embedder.embed("危化品")
    embedder.embed("百吨王")  # the oldest question falls out of the cache
    embedder.embed("消防车通道")
    assert len(encoder.batches) == 4
    with pytest.raises(ValueError):
        first[0] = 1.0  # shared vectors are read-only


def test_an_encoder_error_reaches_the_caller_and_the_next_call_works():
    class Flaky(FakeEncoder):
        fail = True

        def encode_queries(self, texts):
            if self.fail:
                self.fail = False
                raise RuntimeError("model crashed")
            return super().encode_queries(texts)

    embedder = QueryEmbedder(Flaky())
    with pytest.raises(RuntimeError, match="model crashed"):
        embedder.embed("消防")
    assert embedder.embed("消防").shape == (64,)
