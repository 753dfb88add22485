"""Weights from an order of importance, refined by swings (docs/scoring.md, "Weights").

Three ways to say what matters (`WeightsBy`):

- ``direct``: a whole number 0-5 per dimension, the weights themselves.
- ``order``: each dimension's place in order of importance, 1 the most important; equal places
  are ties; place 0 means "does not matter" (weight 0). The weights are the rank-order centroid
  (ROC) weights of SMARTER (Edwards & Barron, 1994): with n ranked dimensions, place p weighs
  (1/n) * sum_{k=p..n} 1/k, the centre of every weight vector consistent with the order. Tied
  dimensions share the average of their places' centroid weights, which is again the centre of
  the weight vectors consistent with the order when a tie leaves the tied dimensions free
  among themselves (how the Monte Carlo reads a tie, `core.robustness.draw_weights`).
- ``swing``: the order, then for each ranked dimension "going from worst to best on it is worth
  what share (0-100) of going from worst to best on your top dimension?". The top dimensions
  are the reference, 100. The weights are proportional to the answers.

Scoring takes float weights. The derived weights are put on the 0-5 scale of direct entry
(the most important dimension at `WEIGHT_MAX`), so every rule written for 0-5 weights (the
sensitivity's range, the Monte Carlo's precision) reads them unchanged; the score, which only
depends on the weights' ratios, is the same on any scale. The whole-number `weights` a
workspace file carries for older readers are these, rounded (`rounded_weights`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from core.dimensions import DIMENSION_KEYS, WEIGHT_MAX

WeightsBy = Literal["direct", "order", "swing"]
WEIGHTS_BY: tuple[WeightsBy, ...] = ("direct", "order", "swing")
# Place 0: the dimension does not matter (left out of the order, weight 0).
NOT_RANKED = 0
SWING_MAX = 100


def roc_weights(n: int) -> list[float]:
    """The rank-order centroid weights of places 1..n: (1/n) * sum_{k=p..n} 1/k; they sum to 1."""
    return [sum(1 / k for k in range(p, n + 1)) / n for p in range(1, n + 1)]


def positions(order: Mapping[str, int]) -> dict[str, tuple[int, int]]:
    """Each ranked dimension's span of positions (first, last), 1-based, ties spanning several.

    Only the order of the places counts, not their values: places 1, 1, 4 are positions 1-2,
    1-2 and 3. Unranked dimensions (place 0) are left out.
    """
    ranked = sorted((place, DIMENSION_KEYS.index(key), key) for key, place in order.items() if place != NOT_RANKED)
    spans: dict[str, tuple[int, int]] = {}
    start = 1
    for place in sorted({place for place, _, _ in ranked}):
        group = [key for p, _, key in ranked if p == place]
        for key in group:
            spans[key] = (start, start + len(group) - 1)
        start += len(group)
    return spans


def order_shares(order: Mapping[str, int]) -> dict[str, float]:
    """ROC weight shares (summing to 1) for an order with ties; 0 for an unranked dimension."""
    spans = positions(order)
    centroid = roc_weights(len(spans))
    shares = dict.fromkeys(DIMENSION_KEYS, 0.0)
    for key, (first, last) in spans.items():
        shares[key] = sum(centroid[first - 1 : last]) / (last - first + 1)
    return shares


def swing_shares(order: Mapping[str, int], swings: Mapping[str, int]) -> dict[str, float]:
    """Weight shares (summing to 1) proportional to the swing answers of the ranked dimensions."""
    ranked = {key for key, place in order.items() if place != NOT_RANKED}
    answers = {key: float(swings.get(key, 0)) if key in ranked else 0.0 for key in DIMENSION_KEYS}
    total = sum(answers.values())
    if total <= 0:
        raise ValueError("at least one swing answer must be above 0")
    return {key: value / total for key, value in answers.items()}


def on_weight_scale(shares: Mapping[str, float]) -> dict[str, float]:
    """Shares rescaled so the largest is `WEIGHT_MAX`, the top of the direct 0-5 scale."""
    top = max(shares.values())
    return {key: WEIGHT_MAX * shares[key] / top for key in DIMENSION_KEYS}


def derived_weights(
    weights_by: WeightsBy, weights: Mapping[str, int], order: Mapping[str, int] | None, swings: Mapping[str, int] | None
) -> dict[str, float]:
    """The weights scoring uses, on the 0-5 scale: the stated ones, ROC or swing weights."""
    if weights_by == "direct" or order is None:
        return {key: float(weights[key]) for key in DIMENSION_KEYS}
    if weights_by == "swing" and swings is not None:
        return on_weight_scale(swing_shares(order, swings))
    return on_weight_scale(order_shares(order))


def whole_weight(weight: float) -> int:
    """A weight as a whole 0-5 number: rounded, but a dimension that matters at all keeps at least 1
    (the tenth of ten ROC weights is 0.17 on this scale, and 0 would mean "irrelevant")."""
    return max(1, round(weight)) if weight > 0 else 0


def rounded_weights(derived: Mapping[str, float]) -> dict[str, int]:
    """Whole 0-5 weights for older readers (`whole_weight` of each)."""
    return {key: whole_weight(derived[key]) for key in DIMENSION_KEYS}


def order_from_weights(weights: Mapping[str, float]) -> dict[str, int]:
    """An order that says what direct weights say: higher weight, earlier place; equal weights
    tie; weight 0 is not ranked. The starting point when a participant switches to ordering."""
    distinct = sorted({w for w in weights.values() if w > 0}, reverse=True)
    return {key: distinct.index(weights[key]) + 1 if weights[key] > 0 else NOT_RANKED for key in DIMENSION_KEYS}


def swings_from_weights(order: Mapping[str, int], weights: Mapping[str, float]) -> dict[str, int]:
    """Swing answers that reproduce `weights` (rounded to whole shares of the top): the starting
    point when a participant moves on from an order to swings."""
    top = max(weights[key] for key in DIMENSION_KEYS)
    return {
        key: round(SWING_MAX * weights[key] / top) if order.get(key, NOT_RANKED) != NOT_RANKED else 0
        for key in DIMENSION_KEYS
    }


def top_dimensions(order: Mapping[str, int]) -> list[str]:
    """The dimensions in first place: the reference (100) of the swing questions."""
    spans = positions(order)
    return [key for key in DIMENSION_KEYS if spans.get(key, (0, 0))[0] == 1]


def order_groups(order: Mapping[str, int]) -> list[int]:
    """(10,) each dimension's tie group, 0 for the first place, 1 for the next...; -1 if unranked.
    What `core.robustness.draw_weights` needs to sample weights consistent with the order."""
    places = sorted({place for place in order.values() if place != NOT_RANKED})
    return [places.index(order[key]) if order.get(key, NOT_RANKED) != NOT_RANKED else -1 for key in DIMENSION_KEYS]
