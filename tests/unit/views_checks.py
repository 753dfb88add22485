"""Checks the views tests share: a chart spec is valid Vega-Lite and carries its rows once."""

from __future__ import annotations

from views import common


def validated(view: common.ChartView) -> dict:
    view.chart.to_dict(validate=True)  # against Altair's Vega-Lite schema
    spec = common.chart_spec(view.chart)
    assert "empty" not in spec.get("datasets", {})
    for layer in spec.get("layer", []):
        assert "data" not in layer  # every layer reads the chart's own rows
    return spec


def rows_of(spec: dict, part: str | None = None) -> list[dict]:
    rows = spec["data"]["values"]
    return [r for r in rows if part is None or r.get("part") == part]
