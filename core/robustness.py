"""How robust is each option's place? A seeded Monte Carlo in the spirit of SMAA-2 (docs/scoring.md).

SMAA-2 (Lahdelma & Salminen, 2001) asks: if the weights and the ratings were not exactly
what we think, how often would each option come first (its *rank acceptability*)? This
module answers that for a Tenfold workspace, always within a kind: careers are compared
with careers and employers with employers, never with each other.

The model (every default is a named constant below)
---------------------------------------------------
In each of `DRAWS` draws:

- **Weights from an order alone** (`Evidence.weight_order`): drawn uniformly from every weight
  vector consistent with the order, ties free among themselves (`draw_ordered_weights`).
- **Weights, stated.** Only the dimensions with a stated weight above 0 take part; a weight of 0
  stays exactly 0. Each stated weight w is read as a Gamma(`WEIGHT_PRECISION` * w) draw
  (mean w, variance w / `WEIGHT_PRECISION` on the 0-5 scale); the draws are then
  normalised to sum to 1. Together that is a Dirichlet draw centred on the normalised
  stated weights with concentration `WEIGHT_PRECISION` * sum(w).
- **Known dimensions.** The true value of option o on dimension d is normal around its
  mean rating m(o, d) with
  ``sd = sqrt(RATING_SD**2 + spread**2) / sqrt(n_eff)``, where spread is the ratings'
  own standard deviation and n_eff their count. An employer's value inherited from its
  career counts as evidence, but each inherited rating counts as `INHERITED_WEIGHT` of a
  rating, so its draw is wider than an own rating's.
- **Unknown dimensions** (no value, weight above 0) are drawn with the mean and spread of
  a uniform draw over the whole 1-5 scale: mean `UNKNOWN_MEAN` (3), sd `UNKNOWN_SD`
  (4 / sqrt(12) ~ 1.15).
- **Drawn score.** score = 25 * (sum_d w_d * x_d - 1) over every dimension with a weight
  (`profile_score`): the score formula of `core.scoring.weighted_scores`, on its 0-100 scale,
  but over the whole weighted profile, known and unknown alike.
- **Only scored options take part.** An option with no score (no value on any dimension with
  a weight) has no rank, so it is not simulated: it has no chance of first place (p_first 0),
  no rank distribution and no score interval (NaN). Drawing it entirely from the unknown-cell
  prior would give an option nobody has asked about a chance of winning that no evidence
  supports (docs/scoring.md, "The robustness model").

Why normal cells, neither clipped to 1-5 nor uniform for unknowns: given the weights of a
draw, a weighted sum of independent normal values is itself normal, so each option's
drawn score is one normal variate per draw, ``N(sum w*mu, sum w**2 * sd**2)``, instead of
ten. That is exactly the same distribution as drawing every cell and adding them up, and
it is what lets 10,000 draws of 200 options fit in well under 100 ms (drawing every cell
separately costs more than that in random numbers alone). Not clipping also keeps the
drawn score centred on the evidence: clipping would pull a well-rated option's draws
below its own mean. The price: a cell can be drawn outside 1-5 and a drawn score outside
0-100; the score interval is reported clipped to 0-100.

Ties. Every drawn score has a positive spread, so ties have probability zero; should two
options still draw exactly the same score, they split the places evenly (two tied for
first each get half a first place, and half of second).

Reproducibility. `make_rng(seed)` gives the random stream (numpy's SFC64): the weights
are drawn first, then careers, then employers, so the same seed gives the same numbers,
adding an employer never changes a career's numbers, and how the draws are cut into
chunks (for memory) never changes the answer.

Cost. One normal variate per option and draw, one argsort per kind and draw (for the full
rank distribution), in chunks of about `CHUNK_CELLS` values so that memory stays small at
any size; see bench/bench_decision.py for the timings.

Outputs (`Robustness`, arrays aligned with the rows of `core.scoring.Evidence`):
``p_first`` (probability of ranking first among the scored options of its kind), ``rank_probability``
(the full rank distribution within the kind), ``score_low``/``score_high`` (the
`INTERVAL_PERCENTILES` of the drawn score; NaN for an unscored option) and ``central_weights``
(the average weight shares in the draws where the option comes first; NaN where it never does).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.dimensions import DIMENSION_KEYS, SCORE_MAX, SCORE_MIN
from core.scoring import POINTS_PER_UNIT, Evidence

# --- The model's defaults: every one in this block, each with its reason. -------------------

# Monte Carlo draws: the standard error of a probability is at most sqrt(0.25 / 10_000) = 0.5
# percentage points, below the whole percentages the pages show.
DRAWS = 10_000
# Fixed default seed (SMAA-2's year), so a page, an export and the CLI show the same numbers.
DEFAULT_SEED = 2001
# Concentration per point of stated weight: a weight w is drawn with sd sqrt(w / 4), i.e. a 3
# moves by about 0.9 and a 5 by about 1.1 steps of the 0-5 scale, the precision people have
# when they place a slider; a 1 moves by about 0.5, so a minor dimension stays minor.
WEIGHT_PRECISION = 4.0
# How far one person's 1-5 rating typically sits from the average of many people's ratings
# of the same thing (raters of Likert items commonly differ by about a point).
RATING_SD = 0.8
# A career-wide rating says less about one organisation: inherited ratings count half.
INHERITED_WEIGHT = 0.5
# An unknown dimension: the mean and standard deviation of a uniform draw over 1-5.
UNKNOWN_MEAN = (SCORE_MIN + SCORE_MAX) / 2
UNKNOWN_SD = (SCORE_MAX - SCORE_MIN) / math.sqrt(12)
# The score interval shown next to each score: the middle 80% of the drawn scores.
INTERVAL_PERCENTILES = (10.0, 90.0)
# Draws the interval is read from (the first ones): sorting all 10,000 draws of every option
# would cost about as much as the ranking itself, and 2,000 draws already place a 10th
# percentile within about 0.04 score sd (some 0.3 points), finer than the pages show.
INTERVAL_DRAWS = 2_000
# Draws x options simulated at once: each working array stays near 512 KB at any size, small
# enough to stay in cache and be reused, which measured fastest here (from 2^13 to 2^20 tried).
CHUNK_CELLS = 1 << 16
# OpenBLAS hands a matrix product of more multiply-adds than this to several threads. On a
# server whose cores are busy with other sessions (all Streamlit sessions share one process)
# that hand-off makes timings erratic, so products are cut into row blocks below this size:
# as fast here, and harmless with any other BLAS.
SERIAL_PRODUCT_SIZE = 65_536 * 4

_N_DIMS = len(DIMENSION_KEYS)
KINDS = ("career", "employer")


# --- The model, in pieces that tests and the decision module reuse. ------------------------


def cell_model(ev: Evidence) -> tuple[np.ndarray, np.ndarray]:
    """Centre and standard deviation of each (option, dimension) value's draw, both (n, 10)."""
    has = ~np.isnan(ev.mean)
    n_eff = np.where(ev.inherited, ev.count * INHERITED_WEIGHT, ev.count).astype(float)
    spread = np.nan_to_num(ev.spread, nan=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        known_sd = np.sqrt(RATING_SD**2 + spread**2) / np.sqrt(n_eff)
    centre = np.where(has, np.nan_to_num(ev.mean, nan=UNKNOWN_MEAN), UNKNOWN_MEAN)
    sd = np.where(has & (n_eff > 0), known_sd, UNKNOWN_SD)
    return centre, sd


def scored_options(ev: Evidence) -> np.ndarray:
    """(n,) bool: the options with a score, i.e. a value on a dimension with a weight above 0
    (E(o) not empty, as in `core.scoring.weighted_scores`). Only they are simulated."""
    return (~np.isnan(ev.mean) & (ev.weights > 0)).any(axis=1)


def profile_score(value: np.ndarray) -> np.ndarray:
    """The score of a weighted profile: `value` is sum_d w_d * x_d with weight shares w summing
    to 1, on the 1-5 scale. With every x_d known, it is `core.scoring.weighted_scores`'s score."""
    return POINTS_PER_UNIT * (value - SCORE_MIN)


def make_rng(seed: int) -> np.random.Generator:
    """The random stream for a seed: SFC64, numpy's fastest bit generator (a quarter faster than
    the default PCG64 here) and statistically strong; seeded through numpy's SeedSequence."""
    return np.random.Generator(np.random.SFC64(seed))


def draw_weights(
    weights: np.ndarray, draws: int, rng: np.random.Generator, order: np.ndarray | None = None
) -> np.ndarray:
    """(draws, 10) weight shares summing to 1 per draw; a stated 0 stays exactly 0.

    With `order` (each dimension's tie group, 0 first, -1 not ranked; `Evidence.weight_order`)
    the weights are only known by their order, so the shares are drawn uniformly from every
    weight vector consistent with it (`draw_ordered_weights`); otherwise around the stated ones.
    """
    if order is not None:
        return draw_ordered_weights(order, draws, rng)
    weights = np.asarray(weights, dtype=float)
    shares = np.zeros((len(weights), draws))
    for d in np.flatnonzero(weights > 0):  # one call per dimension: a scalar shape draws faster
        shares[d] = rng.standard_gamma(WEIGHT_PRECISION * weights[d], size=draws)
    total = shares.sum(axis=0)
    np.divide(shares, total, out=shares, where=total > 0)
    return shares.T


def draw_ordered_weights(order: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """(draws, 10) shares drawn uniformly from the weight vectors consistent with an order.

    A uniform point of the simplex over the m ranked dimensions (m exponentials, normalised:
    Dirichlet(1, ..., 1)), its values sorted largest first and dealt out in the order's places
    (the "sorted uniforms" of SMAA with ordinal weights). A tie leaves the tied dimensions free
    among themselves: their values are dealt in a random order within the tie in each draw. So
    every weight of a higher group is at least every weight of a lower one, the set is covered
    uniformly, and its centre is the ROC weights with ties (`core.elicitation.order_shares`).
    Unranked dimensions (-1) get 0.
    """
    order = np.asarray(order)
    ranked = np.flatnonzero(order >= 0)
    ranked = ranked[np.argsort(order[ranked], kind="stable")]  # by place, first place first
    m = len(ranked)
    values = rng.standard_exponential((draws, m))
    values /= values.sum(axis=1, keepdims=True)
    values = np.ascontiguousarray(np.sort(values, axis=1)[:, ::-1])  # largest first
    shares = np.zeros((draws, len(order)))
    # Within a tie group (consecutive columns of `values`, by place), a random order per draw.
    groups = order[ranked]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    for start, end in zip(starts, np.r_[starts[1:], m], strict=True):
        if end - start > 1:
            shuffle = np.argsort(rng.random((draws, end - start)), axis=1)
            values[:, start:end] = np.take_along_axis(values[:, start:end], shuffle, axis=1)
    shares[:, ranked] = values
    return shares


@functools.lru_cache(maxsize=16)
def _place_plane(draws: int, k: int) -> np.ndarray:
    """(draws, k): the place (0 = first) held by each sorted position, for every draw."""
    plane = np.tile((k - 1) - np.arange(k), draws).reshape(draws, k)
    plane.setflags(write=False)
    return plane


def place_counts(scores: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Rank counts and first places of one kind's options over a block of draws.

    `scores` is (draws, k). Returns ``counts`` (k, k), where [o, r] is in how many draws
    option o takes place r (0 = first), and the first places as triplets
    ``(draw, option, share)``. Higher scores rank first; tied options share their places
    evenly (two tied for first each get half of first and half of second place).
    """
    draws, k = scores.shape
    order = np.argsort(scores, axis=1)  # ascending: the last column holds first place
    ordered = np.sort(scores, axis=1).ravel()
    tied = ordered[1:] == ordered[:-1]
    tied[k - 1 :: k] = False  # the last of one draw and the first of the next are no pair
    if not tied.any():
        winners = order[:, -1].copy()
        np.multiply(order, k, out=order)
        np.add(order, _place_plane(draws, k), out=order)
        counts = np.bincount(order.ravel(), minlength=k * k).reshape(k, k).astype(float)
        return counts, (np.arange(draws), winners, np.ones(draws))

    ordered = ordered.reshape(draws, k)
    tied = np.append(tied, False).reshape(draws, k)[:, : k - 1]
    positions = np.arange(k)
    starts = np.ones((draws, k), dtype=bool)
    starts[:, 1:] = ~tied
    ends = np.ones((draws, k), dtype=bool)
    ends[:, :-1] = ~tied
    low = np.maximum.accumulate(np.where(starts, positions, 0), axis=1)
    high = np.minimum.accumulate(np.where(ends, positions, k)[:, ::-1], axis=1)[:, ::-1]
    size = (high - low + 1).ravel()
    options = order.ravel()
    best_place = ((k - 1) - high).ravel()
    alone = size == 1
    counts = np.bincount(options[alone] * k + best_place[alone], minlength=k * k).astype(float)
    # A tied group of s options spreads each member evenly over the group's s places.
    size_t, option_t, place_t = size[~alone], options[~alone], best_place[~alone]
    offsets = np.arange(size_t.sum()) - np.repeat(np.cumsum(size_t) - size_t, size_t)
    cells = np.repeat(option_t * k + place_t, size_t) + offsets
    counts += np.bincount(cells, weights=np.repeat(1.0 / size_t, size_t), minlength=k * k)
    is_top = scores == ordered[:, -1:]
    rows, winners = np.nonzero(is_top)
    return counts.reshape(k, k), (rows, winners, 1.0 / is_top.sum(axis=1)[rows])


def _percentiles(values: np.ndarray, percentiles: tuple[float, ...]) -> np.ndarray:
    """Percentiles of each column of (draws, k) `values`, numpy's default (linear) method.

    Sorting float32 rows is several times faster than np.percentile's selection here, and
    float32 keeps about seven digits, far more than a score interval needs.
    """
    rows = np.sort(np.ascontiguousarray(values.T, dtype=np.float32), axis=1)
    last = rows.shape[1] - 1
    out = []
    for q in percentiles:
        position = q / 100 * last
        below = math.floor(position)
        above = min(below + 1, last)
        fraction = position - below
        out.append(rows[:, below] + fraction * (rows[:, above].astype(float) - rows[:, below]))
    return np.array(out, dtype=float)


# --- The result. -----------------------------------------------------------------------------


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)  # holds arrays: compare the fields you need
class Robustness:
    """Rank acceptabilities and score intervals, one row per option in `evidence` order.

    - ``p_first[o]``: probability that o ranks first among the options of its kind.
    - ``rank_probability[o, r]``: probability that o takes place r + 1 among the scored
      options of its kind; columns past that number are 0. Each scored option's row sums to 1,
      an unscored option's row is 0; each column within one kind sums to 1 (see `rank_matrix`).
    - ``score_low[o]``, ``score_high[o]``: the `INTERVAL_PERCENTILES` of o's drawn score,
      clipped to 0-100; NaN for an unscored option. Low coverage widens them and pulls them
      towards 50, because the unknown dimensions are drawn too; they need not contain the
      deterministic score.
    - ``central_weights[o]``: the average weight shares (summing to 1, ten columns) over
      the draws where o comes first; NaN where p_first is 0.
    """

    evidence: Evidence = field(repr=False)
    draws: int
    seed: int
    p_first: np.ndarray
    rank_probability: np.ndarray
    score_low: np.ndarray
    score_high: np.ndarray
    central_weights: np.ndarray

    @property
    def scored(self) -> np.ndarray:
        """(n,) bool: the options that have a score, the only ones simulated and ranked."""
        return scored_options(self.evidence)

    def members(self, kind: str) -> np.ndarray:
        """Row indices of the scored options of one kind (the ones ranked), in workspace order."""
        return np.flatnonzero((self.evidence.kinds == kind) & self.scored)

    def rank_matrix(self, kind: str) -> pd.DataFrame:
        """Square table for one kind: one row per scored option (by name), one column per place."""
        rows = self.members(kind)
        matrix = self.rank_probability[np.ix_(rows, np.arange(len(rows)))]
        names = [self.evidence.names[i] for i in rows]
        return pd.DataFrame(matrix, index=pd.Index(names, name="option"), columns=range(1, len(rows) + 1))

    @property
    def expected_rank(self) -> np.ndarray:
        """The mean place of each option within its kind; NaN for an unscored option (it has no place)."""
        places = np.arange(1, self.rank_probability.shape[1] + 1)
        return np.where(self.scored, self.rank_probability @ places, np.nan)

    def table(self) -> pd.DataFrame:
        """One row per option: p_first, expected rank and the score interval."""
        ev = self.evidence
        return pd.DataFrame(
            {
                "id": ev.option_ids,
                "name": ev.names,
                "kind": ev.kinds,
                "p_first": self.p_first,
                "expected_rank": self.expected_rank,
                "score_low": self.score_low,
                "score_high": self.score_high,
            }
        )

    def intervals(self) -> pd.DataFrame:
        """The score intervals as `id`, `low`, `high` (score points), e.g. for the ranking chart."""
        return pd.DataFrame({"id": self.evidence.option_ids, "low": self.score_low, "high": self.score_high})

    def p_first_by_id(self) -> dict[str, float]:
        """p_first keyed by option id, e.g. for the decision summary CSV."""
        return dict(zip(self.evidence.option_ids, self.p_first.tolist(), strict=True))

    def rank_table(self) -> pd.DataFrame:
        """Tidy (long) rank distribution: one row per (option, place) within its kind."""
        ev = self.evidence
        rows = []
        for kind in KINDS:
            members = self.members(kind)
            for i in members:
                for place in range(len(members)):
                    rows.append((ev.option_ids[i], ev.names[i], kind, place + 1, self.rank_probability[i, place]))
        return pd.DataFrame(rows, columns=["id", "name", "kind", "rank", "probability"])

    def central_weights_table(self) -> pd.DataFrame:
        """Options that ever come first, with the average weight shares of the draws they win."""
        ev = self.evidence
        won = self.p_first > 0
        frame = pd.DataFrame(self.central_weights[won], columns=list(DIMENSION_KEYS))
        frame.insert(0, "name", [n for n, w in zip(ev.names, won, strict=True) if w])
        frame.insert(1, "kind", ev.kinds[won])
        return frame


# --- The simulation. -------------------------------------------------------------------------


def robustness(ev: Evidence, *, draws: int = DRAWS, seed: int = DEFAULT_SEED) -> Robustness:
    """Run the Monte Carlo for the scored options of `ev`; the same seed gives the same numbers."""
    if draws < 1:
        raise ValueError("draws must be at least 1")
    n = ev.n
    rng = make_rng(seed)
    weights = draw_weights(ev.weights, draws, rng, ev.weight_order)  # shared by both kinds: one participant
    used = ev.weights > 0
    centre, sd = cell_model(ev)
    kinds = np.asarray(ev.kinds, dtype=object)
    scored = scored_options(ev)
    kind_sizes = [int(((kinds == kind) & scored).sum()) for kind in KINDS]

    p_first = np.zeros(n)
    rank_probability = np.zeros((n, max(kind_sizes, default=0)))
    central = np.full((n, _N_DIMS), np.nan)
    low = np.full(n, np.nan)
    high = np.full(n, np.nan)
    shares = _Shares.of(weights, used)
    for kind in KINDS:  # careers, then employers: the random stream is consumed in this order
        members = np.flatnonzero((kinds == kind) & scored)
        if not len(members):
            continue
        k = len(members)
        counts, wins, kept = _simulate_kind(centre[members][:, used], sd[members][:, used], shares, rng)
        first = counts[:, 0]
        p_first[members] = first / draws
        rank_probability[members, :k] = counts / draws
        with np.errstate(invalid="ignore", divide="ignore"):
            central[members] = np.where(first[:, None] > 0, wins / first[:, None], np.nan)
        interval = _percentiles(kept, INTERVAL_PERCENTILES)
        low[members], high[members] = np.clip(profile_score(interval), 0.0, 100.0)

    return Robustness(
        evidence=ev,
        draws=draws,
        seed=seed,
        p_first=_frozen(p_first),
        rank_probability=_frozen(rank_probability),
        score_low=_frozen(low),
        score_high=_frozen(high),
        central_weights=_frozen(central),
    )


def _serial_product(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``left @ right`` in row blocks small enough for BLAS to stay on one thread."""
    rows = max(1, SERIAL_PRODUCT_SIZE // max(1, left.shape[1] * right.shape[1]))
    out = np.empty((left.shape[0], right.shape[1]))
    for start in range(0, left.shape[0], rows):
        np.matmul(left[start : start + rows], right, out=out[start : start + rows])
    return out


@dataclass(frozen=True)
class _Shares:
    """The drawn weight shares in the layouts the simulation needs."""

    used: np.ndarray  # (draws, dimensions with a stated weight)
    squared: np.ndarray  # the same, squared
    by_dimension: np.ndarray  # (10, draws): all ten, one row per dimension

    @classmethod
    def of(cls, weights: np.ndarray, used: np.ndarray) -> _Shares:
        """From `draw_weights`' (draws, 10) shares and the mask of dimensions with a stated weight."""
        return cls(
            used=np.ascontiguousarray(weights[:, used]),
            squared=np.square(weights[:, used]),
            by_dimension=np.ascontiguousarray(weights.T),
        )


def _simulate_kind(
    centre: np.ndarray, sd: np.ndarray, shares: _Shares, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulate one kind's k options; `centre` and `sd` are (k, dimensions used).

    Returns rank counts (k, k), the summed weight shares of the draws each option wins
    (k, 10), and the first `INTERVAL_DRAWS` drawn values (on the 1-5 scale, (draws, k)).
    """
    draws = shares.by_dimension.shape[1]
    k = centre.shape[0]
    centre_t = np.ascontiguousarray(centre.T)
    variance_t = np.ascontiguousarray(np.square(sd).T)
    counts = np.zeros((k, k))
    wins = np.zeros(_N_DIMS * k)
    kept = np.empty((min(draws, INTERVAL_DRAWS), k))
    n_chunks = -(-draws * k // CHUNK_CELLS)
    chunk = -(-draws // n_chunks)
    dimension_offsets = (k * np.arange(_N_DIMS))[:, None]
    for lo in range(0, draws, chunk):  # a few chunks of thousands of draws, to bound memory
        hi = min(draws, lo + chunk)
        # Given the weights, an option's drawn value is normal: one variate per option and draw.
        drawn = _serial_product(shares.used[lo:hi], centre_t)
        spread = _serial_product(shares.squared[lo:hi], variance_t)
        np.sqrt(spread, out=spread)
        noise = rng.standard_normal((hi - lo, k))
        np.multiply(noise, spread, out=noise)
        drawn += noise
        if lo < len(kept):
            kept[lo : min(hi, len(kept))] = drawn[: len(kept) - lo]
        chunk_counts, (rows, winners, share) = place_counts(drawn)
        counts += chunk_counts
        won = shares.by_dimension[:, lo:hi]
        if len(rows) != hi - lo or not np.all(share == 1.0):  # some draws had a tie for first
            won = won[:, rows] * share
        # Every (dimension, winner) pair summed in one pass: cell = dimension * k + winner.
        wins += np.bincount((dimension_offsets + winners).ravel(), weights=won.ravel(), minlength=_N_DIMS * k)
    return counts, wins.reshape(_N_DIMS, k).T, kept
