"""views.images, chart images: PNG and SVG drawn on the server by vl-convert, sized for a document, offline."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import altair as alt
import pytest
from PIL import Image

from tests.conftest import ROOT
from views import images
from views.images import (
    EXPORT_WIDTH,
    MIN_TEXT_SIZE,
    PNG_PPI,
    PNG_SCALE,
    ChartImageError,
    chart_image,
    data_uri,
    export_spec,
    render,
)

SVG_NS = "{http://www.w3.org/2000/svg}"


def _bars(names=("Registered nurse", "Physiotherapist")) -> dict:
    data = alt.Data(values=[{"name": n, "score": 40 + 10 * i} for i, n in enumerate(names)])
    chart = alt.Chart(data).mark_bar().encode(y=alt.Y("name:N", title=None), x=alt.X("score:Q"))
    return chart.to_dict()


def _heatmap_like() -> dict:
    """Two layers as views.heatmap draws them: a colour scale, and literal text colours in a
    condition. Vega-Lite cannot compile the two on one shared colour scale."""
    values = [{"o": "A", "d": "x", "mean": 4.5, "has": True, "ink": "#FFFFFF"},
              {"o": "B", "d": "x", "mean": None, "has": False, "ink": "#000000"}]
    base = alt.Chart(alt.Data(values=values)).encode(x="d:N", y="o:N")
    rect = base.mark_rect().encode(color=alt.Color("mean:Q")).transform_filter("datum.has")
    text = base.mark_text(fontSize=9).encode(
        text="o:N", color=alt.condition("datum.has", alt.Color("ink:N", scale=None), alt.value("#777777"))
    )
    return alt.layer(rect, text).to_dict()


def test_png_is_twice_the_layout_width_and_says_its_density():
    png = chart_image(_bars(), "png", title="Ranking", subtitle="Registered nurse leads.")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.width == EXPORT_WIDTH * PNG_SCALE
    # The natural size in a document: EXPORT_WIDTH CSS pixels = EXPORT_WIDTH / 96 inches.
    assert image.info["dpi"][0] == pytest.approx(PNG_PPI, abs=0.1)
    assert image.width / image.info["dpi"][0] == pytest.approx(EXPORT_WIDTH / 96, abs=0.01)
    # A white background, not a transparent one (pasted on a dark slide it stays readable).
    assert image.convert("RGBA").getpixel((1, 1)) == (255, 255, 255, 255)


def test_svg_is_xml_with_the_title_and_text_kept_as_text():
    svg = chart_image(_bars(), "svg", title="Ranking", subtitle="Registered nurse leads.").decode("utf-8")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    assert float(root.get("width")) == EXPORT_WIDTH
    texts = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert "Ranking" in texts and "Registered nurse leads." in texts and "Physiotherapist" in texts


def test_names_with_markup_stay_text_in_the_svg():
    payloads = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<svg/onload=alert(1)>")
    svg = chart_image(_bars(payloads), "svg").decode("utf-8")
    root = ET.fromstring(svg)  # well-formed: nothing broke out of its text node
    tags = {element.tag.removeprefix(SVG_NS) for element in root.iter()}
    assert not tags & {"script", "img", "foreignObject", "iframe"}
    assert not [a for e in root.iter() for a in e.attrib if a.lower().startswith("on")]
    shown = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert all(any(p[:20] in (s or "") for s in shown) for p in payloads)
    assert "<script>" not in svg


def test_export_spec_lays_out_for_a_document_without_touching_the_original():
    spec = _bars()
    spec["layer"] = [{"mark": {"type": "text", "fontSize": 8}, "encoding": {"text": {"value": "x"}}}]
    before = repr(spec)
    out = export_spec(spec, title="T", subtitle="word " * 100)
    assert repr(spec) == before
    assert out["width"] == EXPORT_WIDTH and out["autosize"]["type"] == "fit-x"
    assert out["background"] == "#FFFFFF"
    assert out["layer"][0]["mark"]["fontSize"] == MIN_TEXT_SIZE
    assert out["config"]["axis"]["labelFontSize"] >= 13
    assert 1 < len(out["title"]["subtitle"]) <= images.SUBTITLE_MAX_LINES
    assert out["title"]["subtitle"][-1].endswith("…")


def test_layers_that_colour_text_literally_still_draw():
    spec = _heatmap_like()
    with pytest.raises(ChartImageError):  # as it is, Vega-Lite cannot compile it
        render(dict(spec), "svg")
    laid_out = export_spec(spec)
    assert laid_out["resolve"]["scale"]["color"] == "independent"
    assert render(laid_out, "svg").startswith(b"<svg")


def test_bars_on_a_scale_that_does_not_start_at_zero_start_at_the_scale():
    chart = alt.Chart(alt.Data(values=[{"d": "a", "m": 3.5}])).mark_bar().encode(
        y="d:N", x=alt.X("m:Q", scale=alt.Scale(domain=[1, 5], zero=False))
    )
    out = export_spec(chart.to_dict())
    assert out["encoding"]["x2"] == {"datum": 1}
    svg = render(out, "svg").decode()
    assert "<svg" in svg


def test_nothing_is_fetched_from_anywhere():
    spec = _bars()
    spec["data"] = {"url": "http://127.0.0.1:9/data.csv"}
    with pytest.raises(ChartImageError):
        render(export_spec(spec), "png")


@pytest.mark.skipif(not shutil.which("unshare") or os.geteuid() != 0, reason="needs root and unshare")
def test_it_draws_with_no_network_at_all():
    script = (
        "import altair as alt\n"
        "from views.images import chart_image\n"
        "c = alt.Chart(alt.Data(values=[{'a': 'x', 'b': 1}])).mark_bar().encode(y='a:N', x='b:Q')\n"
        "assert chart_image(c.to_dict(), 'png', title='T').startswith(b'\\x89PNG')\n"
        "assert chart_image(c.to_dict(), 'svg').startswith(b'<svg')\n"
    )
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("this machine does not allow a network namespace")
    result = subprocess.run(
        ["unshare", "-n", sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_unknown_format_and_data_uri():
    with pytest.raises(ValueError, match="unknown image format"):
        render(export_spec(_bars()), "gif")  # type: ignore[arg-type]
    assert data_uri(b"<svg/>", "svg") == "data:image/svg+xml;base64,PHN2Zy8+"
    assert data_uri(b"\x89PNG", "png").startswith("data:image/png;base64,")
