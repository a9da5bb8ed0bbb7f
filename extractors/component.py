"""What the kel_* components share: spaCy's ``pipe``, one component at a time over a batch of clauses."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Doc
from spacy.util import minibatch


class Component:
    """Base of the kel_* components: ``__call__(doc)`` annotates one clause, ``pipe`` a stream of them.

    Without a ``pipe`` of its own, a component is handed the clauses one by one
    by ``nlp.pipe``, each clause going through every component before the next
    clause starts: the components take turns, and each finds its vocabularies
    and memos pushed out of the processor's caches by the others. Here a
    component annotates a whole batch before the next component starts, as
    spaCy's own trainable components do. The annotations are the same; on the
    corpus, extraction took 7-10% less time (bench/ingest.py, best and median
    of 40 interleaved rounds).
    """

    def __call__(self, doc: Doc) -> Doc:
        raise NotImplementedError

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            yield from [self(doc) for doc in batch]
