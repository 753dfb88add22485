"""Charts as image files (PNG and SVG) for documents and reports, rendered on the server.

The Compare and Decision pages draw Vega-Lite specs in the browser; here the same specs
(`views.common.chart_spec`) become files with vl-convert, which bundles the Vega and Vega-Lite
JavaScript and runs it in an embedded engine: no browser, no Node, and no network. Every
chart carries its data inline, and `allowed_base_urls=[]` forbids any fetch besides.

What an exported chart looks like, once:
- `EXPORT_WIDTH` CSS pixels wide in all (labels included), so it fits the text width of an
  A4 or Letter page (about 6.3 inches) without being scaled down;
- axis, legend and title text at `EXPORT_FONT_SIZE` px and never smaller than
  `MIN_TEXT_SIZE` px, i.e. 9.5–10 pt when the image sits at its natural size in a document;
- a title (what the chart is) and a subtitle (the chart's one-sentence reading), so a
  pasted image still says what it shows; a white background, not a transparent one;
- PNG at `PNG_SCALE`× the pixels, with the pixel density written into the file
  (`PNG_PPI`), so word processors place it at its natural size and it stays sharp in print.

Text in a PNG is drawn with the server's fonts (DejaVu or Liberation on Debian); SVG keeps
text as text, drawn with the reader's fonts.
"""

from __future__ import annotations

import base64
import copy
import textwrap
from collections.abc import Mapping
from typing import Any, Literal

import vl_convert as vlc

ImageFormat = Literal["png", "svg"]
FORMATS: tuple[ImageFormat, ...] = ("png", "svg")
MIME: dict[str, str] = {"png": "image/png", "svg": "image/svg+xml"}

# CSS pixels (1/96 inch): 6.5 inches, the text width of an A4 or Letter page with 2.5 cm margins.
EXPORT_WIDTH = 620
EXPORT_FONT_SIZE = 13
MIN_TEXT_SIZE = 12
TITLE_FONT_SIZE = 15
PNG_SCALE = 2  # pixels per CSS pixel
PNG_PPI = 96 * PNG_SCALE  # written into the file: the natural size is EXPORT_WIDTH / 96 inches
# The subtitle (the chart's reading) is wrapped to lines of about this many characters.
SUBTITLE_CHARS = 84
_VL_CONVERT_PPI = 72
SUBTITLE_MAX_LINES = 4
# Arial's metrics first (narrower, familiar in documents), then what a Debian server has.
FONT = "Liberation Sans, Arial, Helvetica, DejaVu Sans, sans-serif"
# Option names up to about 30 characters fit beside a bar before they are shortened with "…".
LABEL_LIMIT = 230
LEGEND_COLUMNS = 2
LEGEND_LABEL_LIMIT = 200


class ChartImageError(RuntimeError):
    """vl-convert could not draw a chart (a bug in the chart, never the participant's doing)."""


def _wrapped(text: str) -> list[str]:
    lines = textwrap.wrap(text, SUBTITLE_CHARS, break_long_words=True)
    if len(lines) > SUBTITLE_MAX_LINES:
        lines = [*lines[: SUBTITLE_MAX_LINES - 1], lines[SUBTITLE_MAX_LINES - 1].rstrip(" .,;") + " …"]
    return lines


def _raise_text_sizes(node: Any) -> None:
    """Every fixed text size in a spec at least MIN_TEXT_SIZE (marks, axes, legends)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"fontSize", "labelFontSize", "titleFontSize"} and isinstance(value, int | float):
                node[key] = max(value, MIN_TEXT_SIZE)
            else:
                _raise_text_sizes(value)
    elif isinstance(node, list):
        for item in node:
            _raise_text_sizes(item)


def export_spec(
    spec: Mapping[str, Any], *, title: str = "", subtitle: str = "", width: int = EXPORT_WIDTH
) -> dict[str, Any]:
    """A copy of a chart spec laid out for a document: fixed width, readable text, a title."""
    out = copy.deepcopy(dict(spec))
    out["width"] = width
    # "fit" makes `width` the whole image, axis labels and legend included.
    out["autosize"] = {"type": "fit-x", "contains": "padding"}
    out["background"] = "#FFFFFF"
    out["padding"] = 12
    if title or subtitle:
        out["title"] = {
            "text": title,
            "subtitle": _wrapped(subtitle) if subtitle else "",
            "anchor": "start",
            "fontSize": TITLE_FONT_SIZE,
            "subtitleFontSize": EXPORT_FONT_SIZE - 1,
            "subtitleColor": "#333333",
            "subtitlePadding": 6,
            "offset": 14,
        }
    if any(_unscaled_conditional_colour(layer) for layer in out.get("layer", [])):
        # Vega-Lite cannot merge a layer's colour scale with another layer's colours given
        # literally inside a condition (the heatmap's text colours): it fails to compile.
        # Resolving colour per layer draws the same chart.
        out.setdefault("resolve", {}).setdefault("scale", {})["color"] = "independent"
    config = out.setdefault("config", {})
    config["font"] = FONT
    for part in ("axis", "legend"):
        section = config.setdefault(part, {})
        section["labelFontSize"] = max(section.get("labelFontSize", 0), EXPORT_FONT_SIZE)
        section["titleFontSize"] = max(section.get("titleFontSize", 0), EXPORT_FONT_SIZE + 1)
    config["axis"]["labelLimit"] = max(config["axis"].get("labelLimit", 0), LABEL_LIMIT)
    # Two columns of legend entries fit beside a second legend (History's line styles).
    config["legend"].update(columns=LEGEND_COLUMNS, labelLimit=LEGEND_LABEL_LIMIT)
    for layer in [out, *out.get("layer", [])]:
        _raise_text_sizes(layer.get("mark", {}))
        _bars_from_scale_start(layer)
    return out


def _unscaled_conditional_colour(layer: Mapping[str, Any]) -> bool:
    condition = layer.get("encoding", {}).get("color", {}).get("condition")
    conditions = condition if isinstance(condition, list) else [condition]
    return any(isinstance(c, dict) and "field" in c and c.get("scale", ...) is None for c in conditions)


def _bars_from_scale_start(layer: dict[str, Any]) -> None:
    """A bar on a scale that does not start at 0 (ratings run 1–5) starts at the scale's start:
    Vega-Lite would draw it from 0, out over the axis labels."""
    mark = layer.get("mark")
    if (mark if isinstance(mark, str) else (mark or {}).get("type")) != "bar":
        return
    encoding = layer.get("encoding", {})
    for channel in ("x", "y"):
        field = encoding.get(channel)
        if not isinstance(field, dict) or f"{channel}2" in encoding:
            continue
        scale = field.get("scale") or {}
        domain = scale.get("domain")
        if scale.get("zero") is False and isinstance(domain, list) and domain and domain[0] != 0:
            encoding[f"{channel}2"] = {"datum": domain[0]}


def render(spec: Mapping[str, Any], fmt: ImageFormat) -> bytes:
    """The spec (already laid out, e.g. by `export_spec`) as PNG or SVG bytes (SVG is UTF-8)."""
    try:
        if fmt == "png":
            # vl-convert multiplies the pixels by scale × ppi / 72; this gives PNG_SCALE pixels per CSS pixel.
            scale = PNG_SCALE * _VL_CONVERT_PPI / PNG_PPI
            return bytes(vlc.vegalite_to_png(dict(spec), scale=scale, ppi=PNG_PPI, allowed_base_urls=[]))
        if fmt == "svg":
            return vlc.vegalite_to_svg(dict(spec), allowed_base_urls=[]).encode("utf-8")
    except ValueError as error:  # vl-convert reports every failure as ValueError
        first = str(error).strip().splitlines()[:2]
        raise ChartImageError(" ".join(first)) from None
    raise ValueError(f"unknown image format {fmt!r}; expected one of {', '.join(FORMATS)}")


def chart_image(
    spec: Mapping[str, Any], fmt: ImageFormat, *, title: str = "", subtitle: str = "", width: int = EXPORT_WIDTH
) -> bytes:
    """A chart spec as a document-ready image file."""
    return render(export_spec(spec, title=title, subtitle=subtitle, width=width), fmt)


def data_uri(image: bytes, fmt: ImageFormat) -> str:
    """An image as a `data:` URI, for an <img> in a self-contained HTML page.

    As an <img>, an SVG is a picture only: a browser runs no script and loads nothing from it.
    """
    return f"data:{MIME[fmt]};base64,{base64.b64encode(image).decode('ascii')}"
