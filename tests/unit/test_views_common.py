"""views.common: the filters, the empty states, the look every chart shares, and the rule that a module
uses only other modules' public names."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt

import numpy as np
import pytest

from core.demo import demo_workspace
from core.dimensions import DIMENSION_KEYS
from core.models import Interview, Option, Rating, Workspace, default_weights
from core.scoring import standing
from tests.conftest import ROOT
from views import common


@pytest.fixture(scope="module")
def demo():
    ws = demo_workspace()
    return ws, standing(ws)


def test_scopes_offer_both_kinds_and_the_employers_of_each_career(demo):
    ws, _ = demo
    choices = common.scope_choices(ws)
    assert list(choices)[:3] == [common.SCOPE_ALL, common.SCOPE_CAREERS, common.SCOPE_EMPLOYERS]
    assert choices[common.employers_of("c1")] == "Employers of Registered nurse"
    assert len(choices) == 3 + 3


def test_scope_rows_keep_careers_first_then_rank(demo):
    _, s = demo
    names = lambda scope: [s.evidence.names[i] for i in common.scope_rows(s, scope)]  # noqa: E731
    assert names(common.SCOPE_CAREERS) == ["Registered nurse", "Physiotherapist", "Health data analyst"]
    assert len(names(common.SCOPE_EMPLOYERS)) == 5
    assert names(common.SCOPE_ALL)[:3] == names(common.SCOPE_CAREERS)
    assert names(common.employers_of("c1")) == ["Riverside Community Care", "City General Hospital"]
    with pytest.raises(ValueError):
        common.scope_rows(s, "nonsense")


def test_dimensions_run_from_most_to_least_important():
    weights = np.array([4, 3, 3, 2, 4, 1, 2, 3, 5, 2], dtype=float)
    order = [DIMENSION_KEYS[d] for d in common.dimension_order(weights)]
    assert order[:3] == ["typical_day", "culture", "career_path"]
    assert order[-1] == "lessons_learned"


def _ws(options, interviews=(), weights=None) -> Workspace:
    return Workspace(weights=weights or default_weights(), options=list(options), interviews=list(interviews))


def test_empty_states_say_what_to_do_next():
    assert common.empty_state(standing(_ws([]))).reason == "no_options"
    unrated = _ws([Option(id="a", kind="career", name="A")])
    state = common.empty_state(standing(unrated))
    assert state.reason == "no_ratings" and "Log an interview" in state.message
    assert common.empty_state(standing(unrated), common.SCOPE_EMPLOYERS).reason == "no_ratings"


def test_empty_state_for_zero_weights_a_filter_with_nothing_and_nothing_scored():
    rated = _ws(
        [Option(id="a", kind="career", name="A"), Option(id="b", kind="career", name="B")],
        [Interview(id="i", kind="self", date=dt.date(2026, 1, 1), ratings=[Rating(option="a", dimension="culture",
                                                                                   score=4)])],
        default_weights() | {"culture": 0},
    )
    s = standing(rated)
    assert common.empty_state(s, common.SCOPE_EMPLOYERS).reason == "none_in_scope"
    assert common.empty_state(s).reason == "none_scored"  # the only rating is on a weight-0 dimension
    no_weights = dataclasses.replace(s, evidence=dataclasses.replace(s.evidence, weights=np.zeros(10)))
    assert common.empty_state(no_weights).reason == "no_weights"


def test_the_demo_has_something_to_show_everywhere(demo):
    ws, s = demo
    for scope in common.scope_choices(ws):
        assert common.empty_state(s, scope) is None


def test_colours_follow_the_legend_order():
    colour = common.colour_in_order("label:N", ["b", "a"], common.OKABE_ITO).to_dict()
    assert colour["sort"] == colour["scale"]["domain"] == ["b", "a"]
    assert colour["scale"]["range"] == list(common.OKABE_ITO[:2]) and colour["title"] == ""
    assert common.colour_in_order("p:N", ["1st"], ["#000000"], title="Place").to_dict()["title"] == "Place"


def test_percent_never_rounds_a_small_share_to_zero():
    assert common.percent(0.0017) == "under 1%"
    assert common.percent(0.0) == "0%"
    assert common.percent(0.9996) == "over 99%"
    assert common.percent(0.713) == "71%"


def test_other_modules_use_only_the_public_names_of_views():
    """What a views module shares (the look, colours, labels) is public; its private helpers can change freely.

    Holds for the views modules among themselves and for every module that draws with them.
    """
    for path in [*ROOT.glob("views/*.py"), *ROOT.glob("core/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("pages/*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {"views"}  # the names this file gives the package and its modules
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "views":
                names = [a.name for a in node.names]
                assert not [n for n in names if n.startswith("_")], f"{path.name} imports {names} from {node.module}"
                if node.module == "views":  # from views import common
                    modules |= {a.asname or a.name for a in node.names}
            if isinstance(node, ast.Import):  # import views.common as common
                modules |= {a.asname for a in node.names if a.asname and a.name.split(".")[0] == "views"}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                owner = node.value.value if isinstance(node.value, ast.Attribute) else node.value  # views.common._x
                used = isinstance(owner, ast.Name) and owner.id in modules
                assert not used, f"{path.name} uses {ast.unparse(node)}"
