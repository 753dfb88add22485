"""views.profile: two or three options side by side, starting from the leaning."""

from __future__ import annotations

import pytest

from core.demo import demo_workspace
from core.scoring import standing
from views import common
from views.profile import default_profile_choice, profile_view


@pytest.fixture(scope="module")
def demo():
    ws = demo_workspace()
    return ws, standing(ws)


def test_profile_puts_two_or_three_options_side_by_side_with_weights(demo):
    _, s = demo
    view = profile_view(s, ["c1", "c2", "c3"])
    assert list(view.table.columns) == ["Dimension", "Weight", "★ Registered nurse", "Physiotherapist",
                                        "Health data analyst"]
    assert view.table["Weight"].tolist() == sorted(view.table["Weight"], reverse=True)
    assert view.reading.startswith("Where all three have evidence, Registered nurse rates highest on 3")
    two = profile_view(s, ["e1", "e2"])
    assert two.reading.startswith("City General Hospital rates higher than Riverside Community Care on 1")
    with pytest.raises(ValueError):
        profile_view(s, ["c1"])
    with pytest.raises(ValueError):
        profile_view(s, ["c1", "c2", "c3", "e1"])


def test_default_profile_choice_starts_from_the_leaning(demo):
    _, s = demo
    assert default_profile_choice(s, common.scope_rows(s, common.SCOPE_ALL)) == ["c1", "c2"]
    assert default_profile_choice(s, common.scope_rows(s, common.SCOPE_EMPLOYERS)) == ["e2", "e1"]
