"""The embedded search index: tantivy, in ``<db>.index/`` beside the clause database.

The index is derived data: ``rebuild`` makes it from the database at any time
and records the database generation it reflects, so a stale index is noticed.
English and Russian clause text share one field analysed by both Snowball
stemmers (each leaves the other's alphabet alone, checked in tests); Kazakh,
which has no stemmer here, gets plain lowercase tokens in its own field.
"""

from __future__ import annotations

import fcntl
import html
import json
import logging
import os
import shutil
import sqlite3
import tempfile
import time
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import tantivy
from tantivy import Document, Filter, Index, Occur, Query, SnippetGenerator, TextAnalyzerBuilder, Tokenizer

from pipeline.store import database
from pipeline.store.query import (
    FACETS,
    FUZZY_BOOST,
    SNIPPET_CHARS,
    Hit,
    ParsedText,
    SearchQuery,
    SearchResults,
    Term,
    plain_snippet,
)

_log = logging.getLogger(__name__)

INDEX_SCHEMA = 4  # bump when the fields below change: an older index is then rebuilt
_META = "kelisim-index.json"
_STEM, _PLAIN = "kel_stem", "kel_plain"
_KEYWORDS = ("topic", "level", "sector", "region", "language", "agreement", "clause_language", "parallel")
_WRITER_HEAP = 64_000_000
# A dense listing's page is looked for among this many first ordinals before all of them (see _listing).
_FIRST_ORDINALS = 4_000


# How long a process waits for another one to finish writing the index; $KELISIM_INDEX_LOCK_TIMEOUT overrides.
LOCK_TIMEOUT_S = 120.0


def _lock_timeout() -> float:
    try:
        return float(os.environ.get("KELISIM_INDEX_LOCK_TIMEOUT", LOCK_TIMEOUT_S))
    except ValueError:
        return LOCK_TIMEOUT_S


class IndexBusy(Exception):
    """Another process kept the index's writer lock for longer than we wait; one line for the user."""


def index_dir(db_path: str | Path) -> Path:
    return Path(f"{db_path}.index")


@contextmanager
def reading(db_path: str | Path) -> Iterator[None]:
    """Hold the index still while it is opened and searched: a shared lock that a writer takes
    exclusively only to swap a rebuilt index in or to commit (and prune files) in place.

    Without the lock file (an index never written since, or a read-only share) there is no
    writer to wait for.
    """
    try:
        f = open(_guard_path(db_path), "rb")  # noqa: SIM115 - closed below, after the lock is released
    except OSError:
        yield
        return
    with f:
        fcntl.flock(f, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@contextmanager
def _changing(db_path: str | Path) -> Iterator[None]:
    """The exclusive side of ``reading``: no search has the index open while this is held."""
    with open(_guard_path(db_path), "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _guard_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.index.readers")


@contextmanager
def writer_lock(db_path: str | Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the one lock every index writer takes, so two processes never build or swap the index at once.

    An flock on ``<db>.index.lock`` (beside the index folder, which a rebuild renames);
    the kernel drops it when its holder dies, so a killed ingest never leaves it taken.
    """
    timeout = _lock_timeout() if timeout is None else timeout
    path = Path(f"{db_path}.index.lock")
    try:
        f = open(path, "a+b")  # noqa: SIM115 - closed below, after the lock is released
    except OSError as e:
        raise database.DatabaseError(
            f"{index_dir(db_path)}: the search index cannot be written here ({e.strerror or e})"
        ) from None
    with f:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"{index_dir(db_path)}: another kelisim process has been writing the search index"
                        f" for over {timeout:g} s"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _analyzers() -> dict[str, tantivy.TextAnalyzer]:
    # remove_long: a 10,000-character "word" (a pasted hash, a base64 blob) is noise, not a term.
    def plain():
        return (
            TextAnalyzerBuilder(Tokenizer.simple()).filter(Filter.remove_long(60)).filter(Filter.lowercase())
        )

    return {
        _STEM: plain().filter(Filter.stemmer("english")).filter(Filter.stemmer("russian")).build(),
        _PLAIN: plain().build(),
    }


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("clause_id", stored=True, tokenizer_name="raw")
    for name in _KEYWORDS:
        sb.add_text_field(name, stored=True, tokenizer_name="raw")
    # Facet counts come from two single-valued columns, not five: ``profile`` numbers the
    # agreement's (level, sector, region, year) and ``topicset`` the clause's topics. A
    # terms aggregation costs per matching document and per aggregation, so this is ~2.5x
    # faster on queries matching most of the corpus (measured in bench/search.py).
    sb.add_unsigned_field("profile", fast=True)
    sb.add_unsigned_field("topicset", fast=True)
    sb.add_text_field("number", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", stored=True, tokenizer_name="raw")
    sb.add_text_field("text", stored=True, tokenizer_name=_STEM)
    sb.add_text_field("text_kk", stored=True, tokenizer_name=_PLAIN)
    sb.add_integer_field("year", stored=True, indexed=True, fast=True)
    sb.add_integer_field("page", stored=True)
    sb.add_unsigned_field("ordinal", stored=False, indexed=True, fast=True)
    return sb.build()


def _present(path: Path) -> bool:
    return Path(path).is_dir() and Index.exists(str(path))


def exists(path: Path) -> bool:
    """Whether an index is there that this kelisim can open: one whose stamp names an older layout
    (INDEX_SCHEMA) has other fields, which tantivy refuses to open, and counts as none: it is rebuilt."""
    if not _present(path):
        return False
    stamp = _read_stamp(path)
    if stamp is None:
        return True  # no stamp to read: opened, and its generation is unknown
    return stamp[1].get("schema") == INDEX_SCHEMA


#: index folder -> (mtime and size of its stamp file, the stamp, what searches made of it)
_STAMPS: dict[Path, tuple[tuple[int, int], dict, dict]] = {}


def _read_stamp(path: Path) -> tuple[tuple[int, int], dict, dict] | None:
    """The index folder's stamp as ``_STAMPS`` keeps it, or None when it cannot be read.

    Looked at on every search (another process may have updated the index) but parsed only
    when its mtime or size changed, and shared by every EmbeddedIndex of this folder in the
    process: the web server and ``api.search`` open one per request, and at 3,000,000 clauses
    the stamp holds ~8,000 profiles (7 ms to parse).
    """
    path = Path(path)
    try:
        stat = (path / _META).stat()
        cached = _STAMPS.get(path)
        if cached is None or cached[0] != (stat.st_mtime_ns, stat.st_size):
            meta = json.loads((path / _META).read_text(encoding="utf-8"))
            if not isinstance(meta, dict):
                return None
            cached = ((stat.st_mtime_ns, stat.st_size), meta, {})
            _STAMPS[path] = cached
    except (OSError, ValueError):
        return None
    return cached


class _Keys:
    """The numbering of facet profiles and topic sets, kept in the index's stamp file."""

    def __init__(self, profiles=(), topicsets=()):
        self.profiles = [tuple(p) for p in profiles]
        self.topicsets = [tuple(t) for t in topicsets]
        self._profile_ids = {p: i for i, p in enumerate(self.profiles)}
        self._topicset_ids = {t: i for i, t in enumerate(self.topicsets)}

    def profile(self, row: database.IndexRow) -> int:
        key = (row.level, row.sector, row.region, row.year, row.language)
        if key not in self._profile_ids:
            self._profile_ids[key] = len(self.profiles)
            self.profiles.append(key)
        return self._profile_ids[key]

    def topicset(self, row: database.IndexRow) -> int:
        key = tuple(sorted(set(row.topics)))
        if key not in self._topicset_ids:
            self._topicset_ids[key] = len(self.topicsets)
            self.topicsets.append(key)
        return self._topicset_ids[key]

    def to_json(self) -> dict:
        return {"profiles": self.profiles, "topicsets": self.topicsets}

    def columns(self):
        """Each profile facet: its values (as facet keys), and the place of every profile's value
        among them by profile number (``len(values)``, one slot further, for none), as an array."""
        import numpy as np

        out = []
        for k, name in enumerate(("level", "sector", "region", "year", "language")):
            values = sorted({str(p[k]) for p in self.profiles if p[k] is not None})
            place = {v: i for i, v in enumerate(values)}
            places = [len(values) if p[k] is None else place[str(p[k])] for p in self.profiles]
            out.append((name, values, np.array(places, dtype=np.int64)))
        return out


def _document(row: database.IndexRow, keys: _Keys) -> Document:
    doc = Document()
    doc.add_unsigned("profile", keys.profile(row))
    doc.add_unsigned("topicset", keys.topicset(row))
    doc.add_text("clause_id", row.clause_id)
    doc.add_text("agreement", row.agreement)
    doc.add_text("number", row.number)
    doc.add_text("text_kk" if row.kazakh else "text", row.text)
    doc.add_unsigned("ordinal", row.ordinal)
    for name in ("level", "sector", "region", "language", "title", "clause_language", "parallel"):
        value = getattr(row, name)
        if value:
            doc.add_text(name, value)
    for topic in row.topics:
        doc.add_text("topic", topic)
    if row.year is not None:
        doc.add_integer("year", row.year)
    if row.page is not None:
        doc.add_integer("page", row.page)
    return doc


class EmbeddedIndex:
    """One opened tantivy index folder."""

    backend = "embedded"

    def __init__(self, path: Path, create: bool = False):
        self.path = Path(path)
        self.schema = _schema()
        if create:
            self.path.mkdir(parents=True, exist_ok=True)
        elif not _present(self.path):
            raise FileNotFoundError(f"{self.path}: no search index; run `kelisim index`")
        try:
            self.index = Index(self.schema, path=str(self.path), reuse=not create)
        except ValueError:
            if create or os.access(self.path, os.W_OK):
                raise
            self.index = self._open_copy()
        self.analyzers = _analyzers()
        for name, analyzer in self.analyzers.items():
            self.index.register_tokenizer(name, analyzer)

    def _open_copy(self) -> Index:
        # tantivy creates a lock file to read an index, which a read-only folder refuses:
        # such an index is searched from a private copy, removed when this object goes.
        copy = Path(tempfile.mkdtemp(prefix="kelisim-index-"))
        weakref.finalize(self, shutil.rmtree, copy, True)
        shutil.copytree(self.path, copy, dirs_exist_ok=True)
        _log.info("%s is read-only: searching a copy in %s", self.path, copy)
        return Index(self.schema, path=str(copy), reuse=True)

    # ----------------------------------------------------------------- generation stamp

    def _meta(self) -> dict:
        stamp = _read_stamp(self.path)
        meta = stamp[1] if stamp is not None else {}
        return meta if meta.get("schema") == INDEX_SCHEMA else {}

    def generation(self) -> int | None:
        """The database generation this index reflects; None if unknown or of an older layout."""
        return self._meta().get("generation")

    def _keys(self) -> _Keys:
        meta = self._meta()
        return _Keys(meta.get("profiles", ()), meta.get("topicsets", ()))

    def _facet_keys(self) -> tuple[_Keys, list]:
        """The keys as searches read them (with ``_Keys.columns``), made again only when the stamp changes."""
        meta = self._meta()
        made = _STAMPS.get(self.path, (None, None, {}))
        if made[1] is not meta or "keys" not in made[2]:  # an older layout's stamp reads as {}
            keys = _Keys(meta.get("profiles", ()), meta.get("topicsets", ()))
            found = (keys, keys.columns())
            if made[1] is meta:
                made[2]["keys"] = found
            return found
        return made[2]["keys"]

    def _stamp(self, generation: int, keys: _Keys) -> None:
        tmp = self.path / (_META + ".tmp")
        meta = {"generation": generation, "schema": INDEX_SCHEMA, **keys.to_json()}
        tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.path / _META)  # atomic: a reader sees the old stamp or the new one

    # ----------------------------------------------------------------- writing

    def add(
        self, rows: Iterable[database.IndexRow], delete_agreements: Iterable[str] = (), generation: int = 0
    ) -> int:
        """Delete the given agreements' clauses, add ``rows``, commit, stamp; returns clauses added."""
        writer = self.index.writer(heap_size=_WRITER_HEAP, num_threads=1)
        keys = self._keys()
        n = 0
        try:
            for agreement in delete_agreements:
                writer.delete_documents_by_term("agreement", agreement)
            for row in rows:
                writer.add_document(_document(row, keys))
                n += 1
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        self.index.reload()
        self._stamp(generation, keys)
        return n

    # ----------------------------------------------------------------- searching

    def _should(self, queries: list[Query]) -> Query | None:
        if not queries:
            return None
        if len(queries) == 1:
            return queries[0]
        return Query.boolean_query([(Occur.Should, q) for q in queries])

    def _field_tokens(self, words: Iterable[str]) -> dict[str, list[str]]:
        out = {}
        for field, analyzer in (("text", self.analyzers[_STEM]), ("text_kk", self.analyzers[_PLAIN])):
            out[field] = [t for w in words for t in analyzer.analyze(w)]
        return out

    def _term_query(self, term: Term) -> Query | None:
        alternatives = []
        for field, tokens in self._field_tokens([term.text]).items():
            if not tokens:
                continue
            if term.prefix:
                plain = self.analyzers[_PLAIN].analyze(term.text)
                # Indexed terms are stems: try the prefix as typed and as stemmed.
                for words in {tuple(tokens), tuple(plain)}:
                    if words:
                        alternatives.append(Query.phrase_prefix_query(self.schema, field, list(words)))
            elif len(tokens) > 1:  # "5.3", "non-discrimination": the parts, in order
                alternatives.append(Query.phrase_query(self.schema, field, tokens))
            else:
                alternatives.append(Query.term_query(self.schema, field, tokens[0]))
                if term.forgives_typo:
                    fuzzy = Query.fuzzy_term_query(self.schema, field, tokens[0], distance=1)
                    alternatives.append(Query.boost_query(fuzzy, FUZZY_BOOST))
        return self._should(alternatives)

    def _phrase_query(self, words: tuple[str, ...]) -> Query | None:
        alternatives = []
        for field, tokens in self._field_tokens(words).items():
            if len(tokens) > 1:
                alternatives.append(Query.phrase_query(self.schema, field, tokens))
            elif tokens:
                alternatives.append(Query.term_query(self.schema, field, tokens[0]))
        return self._should(alternatives)

    def text_query(self, parsed: ParsedText) -> Query | None:
        """Every word (in some form) and every phrase must match; None when nothing is searchable."""
        parts = [self._term_query(t) for t in parsed.terms] + [
            self._phrase_query(p.words) for p in parsed.phrases
        ]
        if not parts:
            return None
        if any(p is None for p in parts):
            return Query.empty_query()  # a word no analyzer keeps (emoji alone): nothing can match it
        return parts[0] if len(parts) == 1 else Query.boolean_query([(Occur.Must, p) for p in parts])

    def filter_queries(self, query: SearchQuery) -> list[Query]:
        return [Query.term_query(self.schema, name, value) for name, value in query.filters().items()]

    def _like_query(self, clause_id: str) -> tuple[Query, Query]:
        searcher = self.index.searcher()
        found = searcher.search(Query.term_query(self.schema, "clause_id", clause_id), 1).hits
        if not found:
            raise LookupError(clause_id)
        doc = searcher.doc(found[0][1])
        fields = {f: doc.get_all(f) for f in ("text", "text_kk") if doc.get_all(f)}
        # Clauses are short: a term counts once it appears once, and in two clauses of the corpus.
        like = Query.more_like_this_document_fields_query(
            self.schema,
            fields,
            min_doc_frequency=2,
            min_term_frequency=1,
            max_query_terms=25,
            min_word_length=3,
        )
        return like, Query.term_query(self.schema, "clause_id", clause_id)

    def search(self, query: SearchQuery, parsed: ParsedText) -> SearchResults:
        searcher = self.index.searcher()
        if query.like:
            text_q, itself = self._like_query(query.like)
        else:
            text_q, itself = self.text_query(parsed), None
        # Filters restrict without scoring: a topic term must not outrank the words asked for.
        clauses = [(Occur.Must, Query.const_score_query(q, 0.0)) for q in self.filter_queries(query)]
        if text_q is not None:
            clauses.append((Occur.Must, text_q))
        if itself is not None:
            clauses.append((Occur.MustNot, itself))
        full = Query.boolean_query(clauses) if clauses else Query.all_query()
        # The facets count every matching clause once (each has one profile), so they give the
        # total too: the query runs twice (facets, then the page), not three times.
        facets, total = self._facets(searcher, full)
        if text_q is None:
            # A listing has no relevance; storage order reads like the agreements themselves.
            scored = [(0.0, addr) for addr in self._listing(searcher, full, query, total)]
        else:
            scored = searcher.search(full, query.limit, count=False, offset=query.offset).hits
        snippets = _Snippets(searcher, self.schema, text_q)
        hits = tuple(_hit(searcher.doc(addr), score, snippets) for score, addr in scored)
        return SearchResults(query=query.text, total=total, backend=self.backend, hits=hits, facets=facets)

    def _listing(self, searcher: tantivy.Searcher, full: Query, query: SearchQuery, total: int) -> list:
        """The page of a listing, in storage order (``ordinal``, the clause's row in the database).

        Ordering every match costs a pass over all of them: 18 ms for a filter that 2.1 million
        of 3 million clauses pass (bench/search.py). When the matches are dense, the page lies
        among the first ordinals, so those are searched first; when they hold the whole page, it
        is the page (no clause outside them comes before them), else the whole set is ordered.
        """
        for bound in _head_bounds(query.offset + query.limit, total, searcher.num_docs):
            first = Query.range_query(self.schema, "ordinal", tantivy.FieldType.Unsigned, 0, bound,
                                      use_inverted_index=True)  # fmt: skip
            head = Query.boolean_query([(Occur.Must, full), (Occur.Must, Query.const_score_query(first, 0.0))])
            hits = self._in_storage_order(searcher, head, query)
            if len(hits) == query.limit:
                return hits
        return self._in_storage_order(searcher, full, query)

    @staticmethod
    def _in_storage_order(searcher: tantivy.Searcher, q: Query, query: SearchQuery) -> list:
        result = searcher.search(q, query.limit, count=False, order_by_field="ordinal", order=tantivy.Order.Asc,
                                 offset=query.offset)  # fmt: skip
        return [addr for _, addr in result.hits]

    def _facets(self, searcher: tantivy.Searcher, full: Query) -> tuple[dict[str, dict[str, int]], int]:
        """Counts over the whole matching set, not just the page of hits shown; and that set's size."""
        keys, columns = self._facet_keys()
        aggs = {k: {"terms": {"field": k, "size": 1 << 20}} for k in ("profile", "topicset")}
        raw = searcher.aggregate(full, aggs)
        facets: dict[str, dict[str, int]] = {f: {} for f in FACETS}
        # A large archive has thousands of profiles (about 8,000 at 3,000,000 clauses): each facet
        # is summed over them by numpy rather than a Python loop.
        import numpy as np

        buckets = raw.get("profile", {}).get("buckets", [])
        profiles = np.fromiter((int(b["key"]) for b in buckets), dtype=np.int64, count=len(buckets))
        counts = np.fromiter((int(b["doc_count"]) for b in buckets), dtype=np.int64, count=len(buckets))
        total = int(counts.sum())
        for name, values, places in columns:
            sums = np.bincount(places[profiles], weights=counts, minlength=len(values) + 1)
            facets[name] = {value: int(n) for value, n in zip(values, sums.tolist(), strict=False) if n}
        for bucket in raw.get("topicset", {}).get("buckets", []):
            for topic in keys.topicsets[int(bucket["key"])]:
                facets["topic"][topic] = facets["topic"].get(topic, 0) + int(bucket["doc_count"])
        return {f: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for f, c in facets.items()}, total


def _head_bounds(want: int, total: int, num_docs: int) -> list[int]:
    """The ordinal bounds below which a listing's first ``want`` matches are looked for, smallest first.

    The first guess takes the matches as spread evenly (four times the span that would hold
    ``want`` of them); they come in blocks, a whole agreement passing a filter of its level,
    sector or region or none of it, so a guess that falls short is widened fourfold, up to
    ``_FIRST_ORDINALS``: searching a range costs by its width (under 1 ms for 4,000 ordinals at
    3,000,000 clauses, 6 ms for 32,000), ordering the whole set by its matches (18 ms for 2.1 million).
    """
    if not total or want >= total:
        return []
    bound = 4 * want * num_docs // total  # at least 4: want >= 1 and total <= num_docs
    if bound > _FIRST_ORDINALS:
        return []
    bounds = []
    while bound < _FIRST_ORDINALS:
        bounds.append(bound)
        bound *= 4
    return [*bounds, _FIRST_ORDINALS]


class _Snippets:
    """Highlighted fragments for hits, from whichever text field holds the clause."""

    def __init__(self, searcher, schema, text_q: Query | None):
        self.generators = {}
        if text_q is not None:
            for field in ("text", "text_kk"):
                gen = SnippetGenerator.create(searcher, text_q, schema, field)
                gen.set_max_num_chars(SNIPPET_CHARS)
                self.generators[field] = gen

    def __call__(self, doc: Document) -> str:
        field = "text" if doc.get_first("text") is not None else "text_kk"
        text = doc.get_first(field) or ""
        gen = self.generators.get(field)
        if gen is not None:
            snippet = gen.snippet_from_doc(doc)
            if snippet.highlighted():
                return marked_snippet(text, snippet)
        return plain_snippet(text)


def marked_snippet(text: str, snippet: tantivy.Snippet) -> str:
    """The fragment, HTML-escaped, with matches in ``<mark>``; offsets from tantivy are UTF-8 bytes."""
    fragment = snippet.fragment().encode("utf-8")
    out, pos = [], 0
    for r in sorted(snippet.highlighted(), key=lambda r: r.start):
        if r.start < pos:
            continue
        out.append(html.escape(fragment[pos : r.start].decode("utf-8", "replace"), quote=False))
        out.append(
            "<mark>"
            + html.escape(fragment[r.start : r.end].decode("utf-8", "replace"), quote=False)
            + "</mark>"
        )
        pos = r.end
    out.append(html.escape(fragment[pos:].decode("utf-8", "replace"), quote=False))
    rng = snippet.fragment_range()
    raw = text.encode("utf-8")
    rest = raw[rng.end :].decode("utf-8", "replace")
    # The fragment stops at the last word; a closing "." alone is not worth an ellipsis.
    tail = html.escape(rest, quote=False) if len(rest.strip()) <= 2 else " …"
    lead = "… " if rng.start > 0 else ""
    return (lead + "".join(out) + tail).strip()


def _hit(doc: Document, score: float, snippets: _Snippets) -> Hit:
    return Hit.from_stored(doc.get_first, topics=doc.get_all("topic"), score=score, snippet=snippets(doc))


# --------------------------------------------------------------------------- building


def rebuild(
    conn: sqlite3.Connection, db_path: str | Path, lock_timeout: float | None = None
) -> tuple[int, int]:
    """Build the index afresh from the database beside it and swap it in; returns (clauses, generation)."""
    with writer_lock(db_path, lock_timeout):
        return _rebuild(conn, db_path)


def build_if_missing(
    conn: sqlite3.Connection, db_path: str | Path, lock_timeout: float | None = None
) -> None:
    """Build the index when there is none of this layout (unless another process built it while we waited)."""
    with writer_lock(db_path, lock_timeout):
        path = index_dir(db_path)
        if not exists(path) or EmbeddedIndex(path).generation() is None:
            _log.info("no usable embedded index for %s; building it", db_path)
            _rebuild(conn, db_path)


def _rebuild(conn: sqlite3.Connection, db_path: str | Path) -> tuple[int, int]:
    target = index_dir(db_path)
    building = target.with_name(target.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    with database.snapshot(conn):  # one consistent view of the rows, whatever writers do meanwhile
        generation = database.generation(conn)
        rows = list(database.index_rows(conn))
    n = EmbeddedIndex(building, create=True).add(rows, generation=generation)
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    with _changing(db_path):
        if target.exists():
            target.rename(old)
        building.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    _log.info("search index rebuilt: %d clauses, generation %d", n, generation)
    return n, generation


def update(
    conn: sqlite3.Connection,
    db_path: str | Path,
    changed: Iterable[str],
    removed: Iterable[str],
    since: int,
    own: Iterable[int] | None = None,
    lock_timeout: float | None = None,
) -> str:
    """Bring the index up to date after ingest: incrementally when it was current at ``since``, else rebuilt.

    ``own`` are the database generations this ingest made; when another process
    wrote in between, its agreements are not in ``changed`` and the index is
    rebuilt instead. Returns "updated", "rebuilt" or "current".
    """
    changed, removed = list(dict.fromkeys(changed)), list(dict.fromkeys(removed))
    with writer_lock(db_path, lock_timeout):
        generation = database.generation(conn)
        path = index_dir(db_path)
        index = EmbeddedIndex(path) if exists(path) else None
        if index is not None and index.generation() == generation:
            return "current"
        only_ours = own is None or set(own) == set(range(since + 1, generation + 1))
        if index is None or index.generation() != since or not only_ours:
            _rebuild(conn, db_path)
            return "rebuilt"
        rows = list(database.index_rows(conn, changed))
        with _changing(db_path):  # the commit prunes files an open search may still read
            index.add(rows, delete_agreements=changed + removed, generation=generation)
        return "updated"


def status(conn: sqlite3.Connection, db_path: str | Path) -> tuple[int | None, int]:
    """(index generation or None when missing, database generation)."""
    path = index_dir(db_path)
    index_gen = EmbeddedIndex(path).generation() if exists(path) else None
    return index_gen, database.generation(conn)
