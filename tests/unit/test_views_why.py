"""views.why: each score split into the points each dimension adds."""

from __future__ import annotations

import numpy as np
import pytest

from core.demo import demo_workspace
from core.scoring import contributions, standing
from views import common
from views.why import why_view


@pytest.fixture(scope="module")
def demo():
    ws = demo_workspace()
    return ws, standing(ws)


def test_why_splits_each_score_into_dimension_points(demo):
    _, s = demo
    rows = common.scope_rows(s, common.SCOPE_CAREERS)
    view = why_view(s, rows)
    dims = [c for c in view.table.columns if c not in ("Option", "Kind", "Score")]
    np.testing.assert_allclose(view.table[dims].sum(axis=1, skipna=True), view.table["Score"], atol=0.3)
    parts = contributions(s.evidence.mean[rows], s.evidence.weights)
    np.testing.assert_allclose(np.nansum(parts, axis=1), s.score[rows])
    # The lead as the bars show it (77 and 69), and Lessons learned, which Physiotherapist has no rating
    # on, named as missing evidence rather than as points gained.
    assert view.reading == (
        "Registered nurse is 8 points ahead of Physiotherapist (77 to 69), mainly on Education value (+4.6), "
        "Entry requirements (+3.2) and Confidence (+3.2); Physiotherapist gains more on Typical day (+10.1); "
        "no rating of Lessons learned for Physiotherapist yet."
    )
