"""``kelisim stats``: how a norm parameter is set across the stored agreements in force.

One value per agreement: its first norm of the parameter that binds every worker (no condition)
in the comparable unit. An agreement printed in Kazakh and Russian counts once, by the version
``check`` and ``diff`` compare (:data:`pipeline.segment.bilingual.COMPARED`, the Russian text). The comparable unit is the one most agreements use (ties: the taxonomy's
order), or the one asked for; agreements stating the parameter only in other units, or only for
a group of workers, are counted apart, never converted. Quartiles are exact
(``statistics.quantiles``, inclusive method), so the embedded and the Elasticsearch backends,
which both hand over the per-agreement values, give the same figures.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from schemas.taxonomy import taxonomy

GROUPINGS = ("sector", "region", "year", "level")


@dataclass(frozen=True)
class NormRow:
    """One norm of the parameter with what grouping and the term need of its agreement, in storage order."""

    agreement: str
    parameter: str
    title: str | None
    level: str | None
    sector: str | None
    region: str | None
    valid_from: str | None
    valid_to: str | None
    clause: str
    value: float
    unit: str
    condition: str | None


@dataclass(frozen=True)
class Distribution:
    group: str | None
    unit: str
    count: int
    min: float
    q1: float
    median: float
    q3: float
    max: float
    lowest: tuple[str, ...]  # agreements at the minimum
    highest: tuple[str, ...]
    values: tuple[tuple[str, float], ...]  # (agreement, value), lowest first

    def position(self, value: float) -> float:
        """The share of agreements of this distribution whose value is below ``value`` (ties count half)."""
        below = sum(1 for _, v in self.values if v < value)
        equal = sum(1 for _, v in self.values if v == value)
        return (below + equal / 2) / self.count


@dataclass
class Stats:
    parameter: str
    better: str
    unit: str | None
    on: str
    by: str | None
    groups: list[Distribution] = field(default_factory=list)
    other_units: dict[str, int] = field(default_factory=dict)  # agreements counted apart, by unit
    conditional_only: int = 0  # agreements stating it only for a group of workers
    not_in_force: int = 0
    term_unknown: int = 0
    titles: dict[str, str | None] = field(default_factory=dict)

    def to_json(self) -> dict:
        data = asdict(self)
        for group in data["groups"]:
            group["values"] = [{"agreement": a, "value": v} for a, v in group["values"]]
        return data


def _in_force(row: NormRow, on: date) -> bool | None:
    if not row.valid_from or not row.valid_to:
        return None
    return date.fromisoformat(row.valid_from) <= on <= date.fromisoformat(row.valid_to)


def _group_of(row: NormRow, by: str | None) -> str | None:
    if by is None:
        return None
    if by == "year":
        return row.valid_from[:4] if row.valid_from else None
    return getattr(row, by)


def _distribution(group: str | None, unit: str, values: list[tuple[str, float]]) -> Distribution:
    values = sorted(values, key=lambda av: (av[1], av[0]))
    numbers = [v for _, v in values]
    q1, median, q3 = statistics.quantiles(numbers, n=4, method="inclusive") if len(numbers) > 1 else numbers * 3
    low, high = numbers[0], numbers[-1]
    return Distribution(
        group, unit, len(values), low, q1, median, q3, high,
        tuple(a for a, v in values if v == low), tuple(a for a, v in values if v == high), tuple(values),
    )  # fmt: skip


def check_parameter(parameter: str) -> None:
    """A parameter id the taxonomy does not know is a usage error, naming a few that exist."""
    known = taxonomy().parameters
    if parameter not in known:
        close = [p for p in known if p.split(".")[0] == parameter.split(".")[0]] or sorted(known)[:8]
        raise ValueError(f"unknown parameter {parameter!r}; for example: {', '.join(close)}")


def distribution(
    rows: Iterable[NormRow], parameter: str, *, by: str | None = None, on: date | None = None, unit: str | None = None
) -> Stats:
    """The distribution of ``parameter`` over the agreements in force on ``on`` (today), grouped ``by``."""
    check_parameter(parameter)
    on = on or date.today()
    spec = taxonomy().parameters[parameter]
    per_agreement: dict[str, list[NormRow]] = {}
    for row in rows:
        per_agreement.setdefault(row.agreement, []).append(row)
    stats = Stats(parameter, spec.better, unit, on.isoformat(), by)
    general: dict[str, list[NormRow]] = {}
    for agreement, norms in per_agreement.items():
        force = _in_force(norms[0], on)
        if force is None:
            stats.term_unknown += 1
        elif not force:
            stats.not_in_force += 1
        elif not any(n.condition is None for n in norms):
            stats.conditional_only += 1
        else:
            general[agreement] = [n for n in norms if n.condition is None]
    if stats.unit is None:
        used = Counter(u for norms in general.values() for u in dict.fromkeys(n.unit for n in norms))
        order = {u: i for i, u in enumerate(spec.units)}
        stats.unit = min(used, key=lambda u: (-used[u], order.get(u, len(order)), u)) if used else None
    groups: dict[str | None, list[tuple[str, float]]] = {}
    for agreement, norms in general.items():
        first = next((n for n in norms if n.unit == stats.unit), None)
        if first is None:
            for u in dict.fromkeys(n.unit for n in norms):
                stats.other_units[u] = stats.other_units.get(u, 0) + 1
            continue
        stats.titles[agreement] = first.title
        groups.setdefault(_group_of(first, by), []).append((agreement, first.value))
    stats.groups = [_distribution(g, stats.unit, v) for g, v in sorted(groups.items(), key=lambda gv: str(gv[0]))]
    return stats


@dataclass(frozen=True)
class Placement:
    """Where one norm of an agreement stands in its sector's distribution of the parameter."""

    parameter: str
    clause: str
    value: float
    unit: str
    better: str
    sector: str | None
    distribution: Distribution | None  # None: no other agreement of its sector states it in that unit
    below: float | None  # share of the sector's agreements with a lower value

    @property
    def favourable(self) -> float | None:
        """The share of its sector's agreements it is more favourable than (ties count half)."""
        if self.below is None:
            return None
        return self.below if self.better == "higher" else 1 - self.below


def placements(own: list[NormRow], rows_of, *, on: date | None = None) -> list[Placement]:
    """Every unconditioned norm of one agreement (``own``, in storage order) placed in the distribution
    of its parameter among the agreements of its sector in force (``rows_of(parameter)`` gives the rows)."""
    out = []
    seen = set()
    params = taxonomy().parameters
    for norm in own:
        key = (norm.parameter, norm.unit)
        if norm.condition is not None or key in seen or norm.parameter not in params:
            continue
        seen.add(key)
        rows = [r for r in rows_of(norm.parameter) if r.sector == norm.sector]
        stats = distribution(rows, norm.parameter, on=on, unit=norm.unit)
        group = stats.groups[0] if stats.groups else None
        out.append(Placement(norm.parameter, norm.clause, norm.value, norm.unit, params[norm.parameter].better,
                             norm.sector, group, group.position(norm.value) if group else None))  # fmt: skip
    return out


# --------------------------------------------------------------------------- reading the norms


_ROWS_SQL = (
    "SELECT a.id, n.parameter, a.title, a.level, a.sector, a.region, a.valid_from, a.valid_to, c.number, n.value,"
    " n.unit, n.condition FROM norms n JOIN clauses c ON c.rowid = n.clause_rowid"
    " JOIN agreements a ON a.id = c.agreement_id WHERE {where} AND (c.language IS NULL OR c.language = ?)"
    " ORDER BY a.id, c.position, n.position"
)


def stored_norms(conn, *, parameter: str | None = None, agreement: str | None = None) -> list[NormRow]:
    """The norms of a parameter (or of one agreement) in the clause database, in storage order; of a
    bilingual agreement, those of its compared version only."""
    from pipeline.segment.bilingual import COMPARED

    where, args = ("n.parameter = ?", (parameter,)) if parameter else ("a.id = ?", (agreement,))
    return [NormRow(*r) for r in conn.execute(_ROWS_SQL.format(where=where), (*args, COMPARED))]


# --------------------------------------------------------------------------- the chart


def chart(stats: Stats, path: str | Path, *, mark: tuple[str, float] | None = None) -> Path:
    """A box plot of each group with every agreement's value as a dot, as PNG or SVG by the file's suffix;
    ``mark`` (a label and a value) draws one agreement's value as a line."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    path = Path(path)
    groups = stats.groups
    labels = [str(g.group) if g.group is not None else ("all" if stats.by is None else "unknown") for g in groups]
    figure, axes = plt.subplots(figsize=(7, 1.2 + 0.5 * max(len(groups), 1)))
    try:
        if groups:
            axes.boxplot([[v for _, v in g.values] for g in groups], orientation="horizontal", tick_labels=labels, widths=0.5)
            for row, group in enumerate(groups, start=1):
                axes.scatter([v for _, v in group.values], [row] * group.count, s=12, alpha=0.6, zorder=3)
        if mark is not None:
            axes.axvline(mark[1], color="crimson", linestyle="--", label=mark[0])
            axes.legend(loc="lower right", fontsize="small")
        axes.set_xlabel(f"{stats.parameter} ({stats.unit or 'no comparable unit'}; {stats.better} is better)")
        axes.set_title(f"In force on {stats.on}: {sum(g.count for g in groups)} agreements", fontsize="medium")
        figure.tight_layout()
        figure.savefig(path, format=path.suffix.lstrip(".").lower() or "png")
    finally:
        plt.close(figure)
    return path


# --------------------------------------------------------------------------- what the command calls


def _norm_reader(db, backend: str, es_url: str | None):
    """``read(parameter=..., agreement=...) -> list[NormRow]`` on the chosen backend, and a closer."""
    if backend == "elasticsearch":
        from pipeline.store import api
        from pipeline.store import elasticsearch as es

        index = es.ElasticsearchIndex(es.client(es_url))

        def read(**which) -> list[NormRow]:
            with api.backend_failures(es_url):
                return index.norm_rows(**which)

        return read, lambda: None
    from pipeline.store import database

    if not Path(db).exists():
        raise database.DatabaseError(f"{db}: no clause database here; run `kelisim ingest PATH...` first")
    conn = database.connect(db, read_only=True)
    return (lambda **kw: stored_norms(conn, **kw)), conn.close


def parameter_stats(db, parameter: str, *, by=None, on=None, unit=None, backend="embedded", es_url=None) -> Stats:
    """``kelisim stats PARAMETER``: the distribution over the stored agreements, from either backend."""
    check_parameter(parameter)
    read, close = _norm_reader(db, backend, es_url)
    try:
        return distribution(read(parameter=parameter), parameter, by=by, on=on, unit=unit)
    finally:
        close()


def agreement_stats(db, agreement: str, *, on=None, backend="embedded", es_url=None) -> list[Placement] | None:
    """``kelisim stats --agreement ID``: each of its norms in its sector's distribution; None when not stored."""
    read, close = _norm_reader(db, backend, es_url)
    try:
        own = read(agreement=agreement)
        if not own:
            return None
        return placements(own, lambda parameter: read(parameter=parameter), on=on)
    finally:
        close()
