"""The backend-neutral search model: what the user asked, what came back.

User text never reaches a backend's query parser. ``parse_user_text`` turns it
into plain words, quoted phrases and ``word*`` prefixes, and each backend builds
its own query objects from those, so ``"``, ``NEAR(``, ``AND OR``, ``text:x``,
``((((``, backslashes and emoji are searched as the words they contain.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from schemas.taxonomy import taxonomy

FACETS = ("topic", "level", "sector", "region", "year", "language")
MAX_QUERY_CHARS = 2000
MAX_TERMS = 32
MAX_LIMIT = 1000
MAX_OFFSET = 10_000  # deeper pages are a scan of the corpus, which filters serve better
# Both backends rank and cut alike: a word of this many letters also matches with one typo, at
# this weight against the exact word; a snippet is at most this many characters.
FUZZY_MIN_CHARS = 5
FUZZY_BOOST = 0.3
SNIPPET_CHARS = 240
#: The stored fields a hit carries as they are, in both backends: those of the interface contract, then
#: ``clause_language`` and ``parallel``, set on a clause of an agreement printed in Kazakh and Russian
#: (its own language, and the id of its twin in the other version).
SPEC_HIT_FIELDS = ("clause_id", "agreement", "number", "title", "level", "sector", "region", "year", "page")
HIT_FIELDS = (*SPEC_HIT_FIELDS, "clause_language", "parallel")


def plain_snippet(text: str) -> str:
    """The start of a clause as a snippet, when no word of the query is in it: HTML-escaped,
    cut at the last whole word before SNIPPET_CHARS."""
    if len(text) <= SNIPPET_CHARS:
        return html.escape(text, quote=False)
    return html.escape(text[:SNIPPET_CHARS].rsplit(" ", 1)[0], quote=False) + " …"


class QueryError(ValueError):
    """A search request that cannot be run; its message is one line for the user."""


@dataclass(frozen=True)
class SearchQuery:
    """One search request. Empty ``text`` with filters lists the matching clauses."""

    text: str = ""
    topic: str | None = None
    level: str | None = None
    sector: str | None = None
    region: str | None = None
    year: int | None = None
    language: str | None = None  # the agreement's: en, ru, kk, or kk+ru for one printed in both
    agreement: str | None = None
    limit: int = 20
    like: str | None = None
    offset: int = 0  # hits skipped before the first one returned: the pages after the first

    def filters(self) -> dict[str, str | int]:
        """The filters that are set, keyed by their index field name."""
        raw = {
            "topic": self.topic,
            "level": self.level,
            "sector": self.sector,
            "region": self.region,
            "year": self.year,
            "language": self.language,
            "agreement": self.agreement,
        }
        return {k: v for k, v in raw.items() if v is not None and v != ""}


@dataclass(frozen=True)
class Term:
    """One word of the query; ``prefix`` when the user wrote ``word*``."""

    text: str
    prefix: bool = False

    @property
    def forgives_typo(self) -> bool:
        """Long enough to match a word one typo away as well (at the weight FUZZY_BOOST)."""
        return len(self.text) >= FUZZY_MIN_CHARS


@dataclass(frozen=True)
class Phrase:
    """Words the user put in double quotes, to be matched in this order."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class ParsedText:
    terms: tuple[Term, ...] = ()
    phrases: tuple[Phrase, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.terms and not self.phrases


@dataclass(frozen=True)
class Hit:
    """A clause found: the stored fields of HIT_FIELDS, then what the search made of it."""

    clause_id: str
    agreement: str
    number: str
    title: str | None
    level: str | None
    sector: str | None
    region: str | None
    year: int | None
    page: int | None
    clause_language: str | None
    parallel: str | None
    topics: tuple[str, ...]
    score: float
    snippet: str

    @classmethod
    def from_stored(cls, field, *, topics, score: float, snippet: str) -> Hit:
        """A hit from a backend's stored document: ``field(name)`` gives each of HIT_FIELDS."""
        return cls(**{name: field(name) for name in HIT_FIELDS}, topics=tuple(topics), score=float(score),
                   snippet=snippet)  # fmt: skip

    def to_json(self) -> dict:
        return {
            **{name: getattr(self, name) for name in SPEC_HIT_FIELDS},
            "topics": list(self.topics),
            "score": round(float(self.score), 4),
            "snippet": self.snippet,
            **{name: getattr(self, name) for name in HIT_FIELDS if name not in SPEC_HIT_FIELDS},
        }


@dataclass(frozen=True)
class SearchResults:
    query: str
    total: int
    backend: str
    hits: tuple[Hit, ...] = ()
    facets: dict[str, dict[str, int]] = field(default_factory=lambda: {f: {} for f in FACETS})
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """The ``search --format json`` shape of interface.md."""
        return {
            "query": self.query,
            "total": self.total,
            "backend": self.backend,
            "hits": [h.to_json() for h in self.hits],
            "facets": {f: dict(self.facets.get(f, {})) for f in FACETS},
        }


# A word is a run of letters, digits and joiners; everything else (operators,
# brackets, colons, emoji) only separates words.
_WORD = re.compile(r"[^\W_]+(?:[-'.,][^\W_]+)*\*?", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')


def _clean(text: str) -> str:
    # NFKC folds full-width and compatibility forms; control characters would
    # only confuse snippets and logs.
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)


def _words(text: str) -> list[str]:
    return [m.group(0) for m in _WORD.finditer(text)]


def parse_user_text(text: str) -> ParsedText:
    """Split user text into terms, ``word*`` prefixes and quoted phrases; never raises on content.

    An unbalanced quote is an ordinary character. Text longer than
    ``MAX_QUERY_CHARS`` or with more than ``MAX_TERMS`` words is refused: such a
    query is a pasted document, and ``--like`` serves that need.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}")
    text = _clean(text)
    phrases: list[Phrase] = []
    for m in _PHRASE.finditer(text):
        words = tuple(w.rstrip("*") for w in _words(m.group(1)))
        if len(words) == 1:
            continue  # a one-word phrase is just that word, handled below
        if words:
            phrases.append(Phrase(words))
    rest = _PHRASE.sub(lambda m: m.group(0) if len(_words(m.group(1))) == 1 else " ", text)
    terms: list[Term] = []
    seen: set[Term] = set()
    for w in _words(rest):
        term = Term(w[:-1], prefix=True) if w.endswith("*") else Term(w)
        if term.text and term not in seen:
            seen.add(term)
            terms.append(term)
    if len(terms) + sum(len(p.words) for p in phrases) > MAX_TERMS:
        raise QueryError(f"the query has more than {MAX_TERMS} words; narrow it or use --like CLAUSE_ID")
    return ParsedText(tuple(terms), tuple(phrases))


LEVELS = ("general", "sectoral", "regional", "collective")
LANGUAGES = ("en", "ru", "kk", "kk+ru")


def _known(option: str, value: str | None, ids: tuple[str, ...]) -> None:
    """An id that no clause can carry is a mistake (a typo), not a search with no hits."""
    if value and value.strip().lower() not in ids:
        raise QueryError(f"{option} {value!r} is not one of: {', '.join(ids)}")


def validate(query: SearchQuery) -> ParsedText:
    """Check a request before any backend sees it; returns its parsed text."""
    if not 1 <= query.limit <= MAX_LIMIT:
        raise QueryError(f"--limit must be between 1 and {MAX_LIMIT}")
    if not 0 <= query.offset <= MAX_OFFSET:
        raise QueryError(f"the offset must be between 0 and {MAX_OFFSET}")
    _known("--topic", query.topic, taxonomy().topics)
    _known("--sector", query.sector, taxonomy().sectors)
    _known("--level", query.level, LEVELS)
    _known("--language", query.language, LANGUAGES)
    parsed = parse_user_text(query.text or "")
    if query.like:
        return parsed
    if parsed.empty and (query.text or "").strip():
        if not query.filters():
            raise QueryError(f"the query {query.text[:40]!r} has no words to search for")
    if parsed.empty and not query.filters():
        raise QueryError("give words to search for, a filter (--topic, --level, ...) or --like CLAUSE_ID")
    return parsed
