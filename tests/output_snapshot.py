"""Record everything Tenfold draws and writes for a set of workspaces, as one digest per output.

A refactoring must leave every chart spec, table, reading, CSV and printable page byte-identical.
Run this before the change and after it, then compare the two manifests:

    python tests/output_snapshot.py record before.json
    python tests/output_snapshot.py record after.json
    python tests/output_snapshot.py compare before.json after.json

The workspaces are the demo and `--count` generated ones (seeded, so both runs see the same).
Not a test module: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.demo import demo_workspace  # noqa: E402
from core.dimensions import DIMENSION_KEYS  # noqa: E402
from core.models import Contact, Interview, Option, Rating, Workspace  # noqa: E402

TODAY = dt.date(2026, 11, 30)


def generated_workspace(seed: int) -> Workspace:
    """A varied workspace: 0-12 options, employers with and without a career, thin and rich evidence,
    zero weights, self-assessments, at most one leaning."""
    rng = np.random.default_rng(seed)
    n_careers = int(rng.integers(0, 6))
    n_employers = int(rng.integers(0, 7))
    options = [Option(id=f"c{i}", kind="career", name=f"Career {i} {seed}") for i in range(n_careers)]
    for i in range(n_employers):
        career = f"c{rng.integers(n_careers)}" if n_careers and rng.random() < 0.6 else None
        options.append(Option(id=f"e{i}", kind="employer", name=f"Employer {i} {seed}", career=career))
    if options and rng.random() < 0.8:
        chosen = int(rng.integers(len(options)))
        options[chosen] = options[chosen].model_copy(update={"leaning": True})
    interviews = []
    density = float(rng.uniform(0.1, 0.9))
    for i in range(int(rng.integers(0, 9)) if options else 0):
        informed = list(rng.choice(len(options), size=int(rng.integers(1, min(3, len(options)) + 1)), replace=False))
        ratings = [
            Rating(option=options[o].id, dimension=key, score=int(rng.integers(1, 6)), note=f"n{i}{o}{key[:2]}")
            for o in informed
            for key in DIMENSION_KEYS
            if rng.random() < density
        ]
        self_assessment = rng.random() < 0.2
        interviews.append(
            Interview(
                id=f"i{i}",
                kind="self" if self_assessment else "interview",
                date=dt.date(2026, 9, 1) + dt.timedelta(days=int(rng.integers(0, 80))),
                contact=None if self_assessment else Contact(name=f"Person {i}", role="Role", organisation="Org"),
                options=[options[o].id for o in informed],
                ratings=ratings,
            )
        )
    weights = {key: int(rng.integers(0, 6)) for key in DIMENSION_KEYS}
    if not any(weights.values()):
        weights["culture"] = 3
    return Workspace(name=f"Generated {seed}", weights=weights, options=options, interviews=interviews)


def workspaces(count: int) -> Iterator[tuple[str, Workspace]]:
    yield "demo", demo_workspace()
    made, seed = 0, 0
    while made < count:
        seed += 1
        try:
            ws = generated_workspace(seed)
        except ValidationError:
            continue
        made += 1
        yield f"gen{seed}", ws


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.hex()
    if hasattr(value, "to_csv"):
        return value.to_csv(index=False)
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def outputs(name: str, ws: Workspace, *, full: bool) -> Iterator[tuple[str, Callable[[], Any]]]:
    """(key, thunk) for every output of one workspace. Imports are here so one place names the API."""
    from core import summary  # noqa: F401
    from core.decision import ask_next, decide, sensitivity
    from core.scoring import standing
    from core.summary import summary_bytes
    from views import acceptability, common, compare, profile, ranking, report
    from views.ask_next import ask_next_reading, ask_next_table
    from views.questions_sheet import questions_sheet_html
    from views.tornado import tornado_view

    now = standing(ws)
    d = decide(ws)
    yield f"{name}/summary.csv", lambda: summary_bytes(decide(ws))
    yield f"{name}/verdict", lambda: (d.kind, d.verdict.code, d.verdict.headline, d.verdict.detail,
                                      d.verdict.deciding_labels, d.verdict.rival_name, d.leaning_verdict)
    yield f"{name}/thresholds", lambda: __import__("core.decision", fromlist=["x"]).thresholds_in_words()
    for scope in common.scope_choices(ws):
        if common.empty_state(now, scope) is not None:
            yield f"{name}/{scope}/empty", lambda scope=scope: common.empty_state(now, scope).message
            continue
        rows = common.scope_rows(now, scope)
        chosen = profile.default_profile_choice(now, rows)
        for view in compare.VIEWS:
            for large in (False, True) if full else (False,):
                def built(view=view, scope=scope, large=large, chosen=chosen):
                    b = compare.build_view(view, ws, now, scope, chosen=chosen, large=large)
                    return (b.reading, b.note, common.chart_spec(b.chart), b.table.to_csv(index=False))
                yield f"{name}/{scope}/{view}/{int(large)}", built
        yield f"{name}/{scope}/intervals", lambda rows=rows: (lambda b: (
            b.reading, b.note, common.chart_spec(b.chart), b.table.to_csv(index=False)))(
            ranking.ranking_intervals_view(d.standing, d.robustness, rows, large=False, reading="ranking"))
    for kind in ("career", "employer"):
        if int((now.evidence.kinds == kind).sum()) == 0:
            continue
        def acc(kind=kind):
            b = acceptability.acceptability_view(d.robustness, kind)
            return (b.reading, b.note, common.chart_spec(b.chart), b.table.to_csv(index=False))
        def rank(kind=kind):
            b = ranking.ranking_kind_view(d.standing, d.robustness, kind)
            return (b.reading, b.note, common.chart_spec(b.chart), b.table.to_csv(index=False))
        yield f"{name}/{kind}/acceptability", acc
        yield f"{name}/{kind}/ranking_kind", rank
        sens = sensitivity(now.evidence, kind)
        if sens is not None:
            def tornado(sens=sens):
                b = tornado_view(sens)
                return (b.reading, b.note, common.chart_spec(b.chart), b.table.to_csv(index=False))
            yield f"{name}/{kind}/tornado", tornado
        gaps = ask_next(now, d.robustness, kind=kind)
        yield f"{name}/{kind}/ask_next", lambda gaps=gaps, kind=kind: (
            ask_next_reading(gaps, kind), ask_next_table(gaps).to_csv(index=False),
            [(g.option_name, g.label, g.reason, g.questions) for g in gaps])
        yield f"{name}/{kind}/sheet", lambda gaps=gaps: questions_sheet_html(
            gaps, workspace_name=ws.name, headline=d.verdict.headline, today=TODAY)
    if full:
        yield f"{name}/report", lambda: report.decision_report(ws, made_on=TODAY, decision=d)
        for key in report.chart_choices(ws, decision=d):
            yield f"{name}/export/{key}.svg", lambda key=key: report.chart_file(ws, key, "svg")


def cohort_outputs(spaces: list[tuple[str, Workspace]]) -> Iterator[tuple[str, Callable[[], Any]]]:
    from core import cohort, summary
    from views import cohort as cohort_views

    people = [cohort.participant_summary(f"P{i}", ws) for i, (_, ws) in enumerate(spaces)]
    needs = cohort.cohort_needs(people)
    yield "cohort/csv", lambda: summary.cohort_csv([p.row for p in people])
    yield "cohort/needs", lambda: cohort_views.needs_table(needs).to_csv(index=False)
    yield "cohort/weights_chart", lambda: cohort_views.weights_chart(needs).to_dict()
    yield "cohort/needs_chart", lambda: cohort_views.needs_chart(needs).to_dict()


def record(path: Path, count: int, full_every: int) -> None:
    manifest: dict[str, str] = {}
    errors = 0
    spaces = list(workspaces(count))
    for i, (name, ws) in enumerate(spaces):
        for key, thunk in outputs(name, ws, full=name == "demo" or i % full_every == 0):
            try:
                value = _text(thunk())
            except Exception as error:  # an error is an output too: it must stay the same
                value = f"ERROR {type(error).__name__}: {error}"
                errors += 1
            manifest[key] = hashlib.sha256(value.encode("utf-8")).hexdigest()
        if i % 50 == 0:
            print(f"{i}/{len(spaces)} workspaces, {len(manifest)} outputs", file=sys.stderr)
    for start in range(0, len(spaces), 25):
        group = spaces[start : start + 25]
        for key, thunk in cohort_outputs(group):
            manifest[f"{start}/{key}"] = hashlib.sha256(_text(thunk()).encode("utf-8")).hexdigest()
    path.write_text(json.dumps(manifest, indent=0, sort_keys=True))
    print(f"{len(manifest)} outputs of {len(spaces)} workspaces ({errors} raised) -> {path}", file=sys.stderr)


def compare(before: Path, after: Path) -> int:
    a, b = json.loads(before.read_text()), json.loads(after.read_text())
    missing = sorted(set(a) - set(b))
    added = sorted(set(b) - set(a))
    changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    for label, keys in (("missing", missing), ("added", added), ("changed", changed)):
        for key in keys[:40]:
            print(f"{label}: {key}")
    print(f"{len(a)} before, {len(b)} after: {len(changed)} changed, {len(missing)} missing, {len(added)} added")
    return 1 if missing or added or changed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("manifest", type=Path)
    rec.add_argument("--count", type=int, default=300)
    rec.add_argument("--full-every", type=int, default=30, help="presentation size, report and images every Nth")
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "record":
        record(args.manifest, args.count, args.full_every)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
