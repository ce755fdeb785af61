"""
The metrics library: pure pandas/numpy, no Dash, Flask or plotly (docs/metrics.md).

Importing ``metrics`` imports no submodule: import the one you need (``from metrics import ingest``).
The attribution code is layered, each module importing only those above it: ``journeys`` <- ``markov`` <-
``attribution`` <- ``view`` <- ``comparison``.

Input
    ``dataset``        ``Dataset`` (the four frames and the data-quality report, ``Dataset.derived`` for the
                       work derived from them), ``InputRejected``, ``FILES``
    ``schema``         the column table ingest reads (names, synonyms, types)
    ``ingest``         ``read_dir``, ``read_files``, ``parse_file``, ``build_dataset``, ``ParsedFile``,
                       ``template_csv`` (docs/data-contract.md)

Filters and the view
    ``filters``        ``Filters``, ``Options``, the model names
    ``journeys``       conversions and their journeys (``sort_touches``, ``journey_pairs``)
    ``spend``          spend allocation (``spend_parts``, ``allocate_rows``, ``payout_findings``)
    ``markov``         the data-driven model (``fit_markov``, ``markov_weights``)
    ``attribution``    every model's weights and credit (``heuristic_weights``, ``credit``)
    ``view``           ``View``: a dataset through filters and options, with its credit, spend and funnels
    ``comparison``     model comparison tables (``attribution_table``, ``markov_table``, ``model_comparison``)

Tables (each list of columns defined beside the function that builds it)
    ``kpis``           ``kpi_table``, ``money_table``, ``previous_period``
    ``tables``         ``campaign_table``, ``influencer_table``, ``trends``, ``group_returns``
    ``incrementality`` ``iroas_table``, ``add_iroas``, ``estimate_iroas`` (docs/incrementality.md)
    ``scoring``        ``score_influencers``, ``score_breakdown``
    ``personas``       ``persona_table``, ``rank_personas``
    ``payouts``        ``payout_ledger``
    ``budget``         ``recommend``, ``fit_exponent``, ``optimize``
    ``insights``       ``insights``, ``insight_table``
    ``export``         ``export``, ``build_tables``, ``COLUMNS`` (docs/export-contract.md); also
                       ``python -m metrics export``

Presentation helpers shared by the dashboard and the reports
    ``formats``        rupees, counts, ratios and percentages as text; which column holds what
    ``glossary``       each column's label and formula
    ``periods``        a trend's days or weeks (``period_sums``, ``period_unit``)

Small building blocks: ``lazy`` (per-instance lazy attributes), ``lookup`` (``isin``), ``ratios``
(``ratio_of_sums``), ``tiers`` (``follower_tier``). ``_bootstrap`` is private to ``incrementality``.
"""

__all__ = [
    "attribution",
    "budget",
    "comparison",
    "dataset",
    "export",
    "filters",
    "formats",
    "glossary",
    "incrementality",
    "ingest",
    "insights",
    "journeys",
    "kpis",
    "lazy",
    "lookup",
    "markov",
    "payouts",
    "periods",
    "personas",
    "ratios",
    "schema",
    "scoring",
    "spend",
    "tables",
    "tiers",
    "view",
]
