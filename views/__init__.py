"""What Tenfold draws and prints: Altair charts with their tables and readings, chart images, the
decision report and the questions sheet. Pure: no Streamlit; `core` never imports it.

- `common`: colours, labels, filters (scopes), empty states, `ChartView`, `chart_spec` and the look
  every chart shares (`row_axis`, `row_step`, `text_size`, `layered_chart`, `colour_in_order`).
- The Compare page: `compare` (`VIEWS`, `build_view`, the one entry point), one module per view:
  `ranking`, `heatmap`, `profile`, `why`, `history`.
- The Decision page: `decision` (`SECTIONS`), `acceptability`, `ranking` (with score intervals),
  `tornado` (sensitivity of the top option to each weight), `ask_next`, `questions_sheet`.
- The counsellor's cohort: `cohort`.
- Export: `images` (PNG and SVG files), `report` (the one-page decision report).

A module uses only another's public names.
"""
