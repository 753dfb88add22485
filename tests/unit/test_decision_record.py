"""The machine-readable decision (core.decision_record; docs/decision-json.md): its shape, its
nulls for options with no evidence, both kinds' leanings and verdicts, and the named dimensions."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.decision import VERDICT_CODES, decide
from core.decision_record import DECISION_FORMAT, decision_json, decision_record
from core.demo import demo_workspace
from core.dimensions import DIMENSION_KEYS
from core.models import Interview, Option, Rating, Workspace
from core.summary import summary_csv

FEW_DRAWS = 2000
OPTION_KEYS = ["id", "name", "career", "leaning", "score", "range", "coverage", "rank", "p_first"]
KIND_KEYS = ["options", "leaning", "verdict", "lead", "leaning_gap", "ask_next"]


def _with_employer_leaning(ws: Workspace, employer_id: str = "e1") -> Workspace:
    options = [o.model_copy(update={"leaning": True}) if o.id == employer_id else o for o in ws.options]
    return ws.model_copy(update={"options": options})


def _unrated_option(ws: Workspace) -> Workspace:
    extra = Option(id="c9", kind="career", name="Occupational therapist")
    return ws.model_copy(update={"options": [*ws.options, extra]})


def test_the_record_has_a_fixed_shape_and_key_order():
    record = decision_record(decide(demo_workspace(), draws=FEW_DRAWS), workspace_name="Demo")
    assert list(record) == ["format", "workspace", "seed", "draws", "focus", "kinds"]
    assert record["format"] == DECISION_FORMAT and record["draws"] == FEW_DRAWS and record["workspace"] == "Demo"
    assert list(record["kinds"]) == ["career", "employer"]
    for part in record["kinds"].values():
        assert list(part) == KIND_KEYS
        assert all(list(o) == OPTION_KEYS for o in part["options"])
        assert part["verdict"]["code"] in VERDICT_CODES
        assert part["ask_next"] and all(g["questions"] for g in part["ask_next"])
    careers = record["kinds"]["career"]["options"]
    assert [o["rank"] for o in careers] == [1, 2, 3]  # best first, as in the summary CSV


def test_an_option_with_no_evidence_has_null_score_range_rank_and_chance():
    record = decision_record(decide(_unrated_option(demo_workspace()), draws=FEW_DRAWS))
    unrated = next(o for o in record["kinds"]["career"]["options"] if o["id"] == "c9")
    assert (unrated["score"], unrated["range"], unrated["rank"], unrated["p_first"]) == (None, None, None, None)
    assert unrated["coverage"] == 0.0
    assert record["kinds"]["career"]["options"][-1]["id"] == "c9"  # listed after the scored ones
    text = decision_json(decide(_unrated_option(demo_workspace()), draws=FEW_DRAWS))
    assert "NaN" not in text and '"p_first": null' in text


def test_both_leanings_have_their_own_verdict_in_the_record_and_the_csv():
    ws = _with_employer_leaning(demo_workspace(), "e1")
    decision = decide(ws, draws=FEW_DRAWS)
    record = decision_record(decision)
    career, employer = record["kinds"]["career"], record["kinds"]["employer"]
    assert career["leaning"]["id"] == "c1" and employer["leaning"]["id"] == "e1"
    assert career["verdict"]["about_leaning"] and employer["verdict"]["about_leaning"]
    assert employer["verdict"]["about"]["id"] == "e1"
    assert employer["verdict"]["code"] == decision.kinds["employer"].verdict.code
    assert decision.leaning_verdicts == {"career": career["verdict"]["code"], "employer": employer["verdict"]["code"]}
    # The leaning (City General Hospital) trails Riverside: its gap to the leader is explained.
    gap = employer["leaning_gap"]
    assert gap["ahead"]["id"] == "e2" and gap["behind"]["id"] == "e1"
    assert career["leaning_gap"] is None  # the career leaning leads
    rows = {r.split(",")[2].strip('"'): r for r in summary_csv(decision).splitlines()[1:]}
    assert f',"yes","{career["verdict"]["code"]}",' in rows["Registered nurse"]
    assert f',"yes","{employer["verdict"]["code"]}",' in rows["City General Hospital"]


def test_named_dimensions_are_contributions_where_both_have_evidence_and_missing_evidence_otherwise():
    decision = decide(_with_employer_leaning(demo_workspace(), "e1"), draws=FEW_DRAWS)
    record = decision_record(decision)
    ev = decision.standing.evidence
    seen = 0
    for part in record["kinds"].values():
        for explanation in (part["lead"], part["leaning_gap"], part["verdict"]["explanation"]):
            if explanation is None:
                continue
            a, b = ev.index(explanation["ahead"]["id"]), ev.index(explanation["behind"]["id"])
            assert explanation["gap"] == explanation["ahead"]["score"] - explanation["behind"]["score"]
            for named in explanation["dimensions"]:
                j = DIMENSION_KEYS.index(named["dimension"])
                both = not (np.isnan(ev.mean[a, j]) or np.isnan(ev.mean[b, j]))
                assert named["type"] == ("contribution" if both else "missing_evidence")
                assert named["label"] in explanation["sentence"]
                seen += 1
    assert seen > 5


def test_the_same_seed_gives_the_same_text_and_a_workspace_without_options_still_has_both_kinds():
    ws = demo_workspace()
    assert decision_json(decide(ws, seed=7, draws=FEW_DRAWS)) == decision_json(decide(ws, seed=7, draws=FEW_DRAWS))
    empty = json.loads(decision_json(decide(Workspace(), draws=FEW_DRAWS)))
    assert empty["focus"] is None
    assert empty["kinds"]["career"] == {"options": [], "leaning": None, "verdict": None, "lead": None,
                                        "leaning_gap": None, "ask_next": []}


def test_one_kind_with_a_single_scored_option_has_no_lead():
    ws = Workspace(
        options=[Option(id="a", kind="career", name="A", leaning=True), Option(id="b", kind="career", name="B")],
        interviews=[Interview(id="i", kind="self", date="2026-11-02",
                              ratings=[Rating(option="a", dimension="culture", score=4)])],
    )
    part = decision_record(decide(ws, draws=FEW_DRAWS))["kinds"]["career"]
    assert part["lead"] is None and part["leaning_gap"] is None
    assert [o["rank"] for o in part["options"]] == [1, None]


@pytest.mark.parametrize("kind", ["career", "employer"])
def test_the_verdict_sentence_is_the_pages_headline(kind):
    decision = decide(_with_employer_leaning(demo_workspace()), draws=FEW_DRAWS)
    verdict = decision_record(decision)["kinds"][kind]["verdict"]
    assert verdict["sentence"] == decision.kinds[kind].verdict.headline
