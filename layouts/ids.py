"""Every component id of the dashboard, written once (docs/ids.md).

Renaming an id is a breaking change for tests, automation and bookmarks: note it in CHANGELOG.md.
"""

FILES = ("influencers", "posts", "tracking", "payouts")

# Data tab
UPLOAD = {f: f"upload-{f}" for f in FILES}
STATUS = {f: f"status-{f}" for f in FILES}
TEMPLATE = {f: f"template-{f}" for f in FILES}
# "Reading <file name>…" under an upload area while its file is sent and parsed; the name is its own span.
UPLOAD_PROGRESS = {f: f"upload-progress-{f}" for f in FILES}
UPLOAD_PROGRESS_NAME = {f: f"upload-progress-name-{f}" for f in FILES}
LOAD_DEMO = "load-demo"
CLEAR_DATA = "clear-data"
UPLOAD_MESSAGE = "upload-message"
UPLOAD_MESSAGE_LOADING = "upload-message-loading"  # its spinner: hidden while an upload card shows progress
QUALITY_TABLE = "quality-table"
QUALITY_SUMMARY = "quality-summary"
DATA_DIR_SELECT = "data-dir-select"
DATA_DIR_ROW = "data-dir-row"

# Saved datasets (LIBRARY_DIR) and the DATA_DIR folders, in one list on the Data tab
LIBRARY_LIST = "library-list"  # the list: name, period, rows, saved by, saved at, actions
LIBRARY_NAME = "library-name"  # "Save as…" name field
LIBRARY_SAVE = "library-save"  # "Save as…" button
LIBRARY_MESSAGE = "library-message"  # what the last save, open, rename or delete did
LIBRARY_VERSION = "library-version"  # memory store bumped after each change: the list re-renders
LIBRARY_PENDING = "library-pending"  # memory store: the action waiting for confirmation
LIBRARY_DIALOG = "library-dialog"  # the confirmation dialog (replace, rename, delete)
LIBRARY_DIALOG_TITLE = "library-dialog-title"
LIBRARY_DIALOG_BODY = "library-dialog-body"
LIBRARY_DIALOG_INPUT = "library-dialog-input"  # the new name, when renaming
LIBRARY_DIALOG_ERROR = "library-dialog-error"
LIBRARY_DIALOG_CONFIRM = "library-dialog-confirm"
LIBRARY_DIALOG_CANCEL = "library-dialog-cancel"
# Pattern-matching types of the list's buttons: {"type": ..., "index": <saved id or DATA_DIR folder>}
LIBRARY_OPEN = "library-open"
LIBRARY_RENAME = "library-rename"
LIBRARY_DELETE = "library-delete"
LIBRARY_OPEN_FOLDER = "library-open-folder"

# Session and URL
SESSION_STORE = "session-store"  # dataset key + filter state only, never rows
DATASET_STORE = "dataset-store"  # this page's dataset key and summary (memory), written by data actions
URL = "url"
URL_QUERY = "url-query"  # the query string mirroring the view, applied to the address bar in the browser
HISTORY_POP = "history-pop"  # {search, time} of the entry Back or Forward reached (assets/history.js)

# Tabs (tab_id values; the visible labels are in layouts/tabs.py)
TABS = "tabs"
TAB_OVERVIEW = "tab-overview"
TAB_CAMPAIGNS = "tab-campaigns"
TAB_ROI = "tab-roi"
TAB_INFLUENCERS = "tab-influencers"
TAB_PAYOUTS = "tab-payouts"
TAB_DATA = "tab-data"
TAB_IDS = (TAB_OVERVIEW, TAB_CAMPAIGNS, TAB_ROI, TAB_INFLUENCERS, TAB_PAYOUTS, TAB_DATA)
TAB_CONTENT = "tab-content"
# A tab's first screen is answered before its other panels are asked for: this store is an output of the
# first screen's callback (never written) and an input of the others (callbacks.common.after_first_screen).
CAMPAIGNS_FIRST_SCREEN = "campaigns-first-screen"
ROI_FIRST_SCREEN = "roi-first-screen"
INFLUENCERS_FIRST_SCREEN = "influencers-first-screen"
PAYOUTS_FIRST_SCREEN = "payouts-first-screen"
FIRST_SCREEN = {
    TAB_CAMPAIGNS: CAMPAIGNS_FIRST_SCREEN,
    TAB_ROI: ROI_FIRST_SCREEN,
    TAB_INFLUENCERS: INFLUENCERS_FIRST_SCREEN,
    TAB_PAYOUTS: PAYOUTS_FIRST_SCREEN,
}

# Page frame
TOPBAR_DATASET = "topbar-dataset"
TOPBAR_MODEL = "topbar-model"
TOPBAR_USER = "topbar-user"  # the signed-in user's name (empty when sign-in is off)
QUALITY_BADGE = "quality-badge"
COPY_LINK = "copy-link"  # copies the address of the current view (dataset, filters, model, tab)
THEME_SWITCH = "theme-switch"  # the top bar's light/dark switch (checked: dark)
THEME_TEMPLATES = "theme-templates"  # the light and dark plotly templates the switch gives the charts
SIDEBAR_TOGGLE = "sidebar-toggle"  # the top bar's "Filters" button, below the lg breakpoint
SIDEBAR_OFFCANVAS = "sidebar-offcanvas"  # the sidebar: inline from lg, an offcanvas panel below it
SIDEBAR_CLOSE = "sidebar-close"  # the offcanvas panel's close button
KPI_ROW = "kpi-row"
KPI_MAIN = "kpi-main"  # the five money cards (or the no-data / expired message)
KPI_IROAS_SLOT = "kpi-iroas-slot"  # the iROAS card, filled when the incrementality estimate arrives
ERROR_TOAST = "error-toast"  # what failed when a callback raised (server/errors.py, callback_error)
# Pattern-matching types for buttons that can appear in several panels at once (index: where they sit)
GO_TO_DATA = "go-to-data"
LOAD_DEMO_LINK = "load-demo-link"
RESET_LINK = "reset-link"

# Tab bodies
OVERVIEW_TREND = "overview-trend"
OVERVIEW_CAMPAIGNS = "overview-campaigns"
OVERVIEW_INFLUENCERS = "overview-influencers"
INSIGHTS_PANEL = "insights-panel"  # the Overview's insights card (sentences, links, export button)
INSIGHTS_BODY = "insights-body"  # the list of sentences inside it, filled by callbacks/overview.py
# Pattern-matching type of an insight's link: {"type": INSIGHT_LINK, "index": position, "tab": tab_id}
INSIGHT_LINK = "insight-link"
CAMPAIGN_BODY = "campaign-body"
ROI_BODY = "roi-body"
INFLUENCER_BODY = "influencer-body"
PAYOUT_BODY = "payout-body"
CAMPAIGN_TABLE = "campaign-table"
ROI_TABLE = "roi-table"
INFLUENCER_TABLE = "influencer-table"
PAYOUT_TABLE = "payout-table"

# Sidebar filters
FILTER_DATES = "filter-dates"
FILTER_CAMPAIGN = "filter-campaign"
FILTER_PRODUCT = "filter-product"
FILTER_PLATFORM = "filter-platform"
FILTER_CATEGORY = "filter-category"
FILTER_GENDER = "filter-gender"
FILTER_TIER = "filter-tier"
FILTER_SOURCE = "filter-source"
FILTER_MODEL = "filter-model"
RESET_FILTERS = "reset-filters"

# KPI cards (text shown, exact number in data-value)
KPI_REVENUE = "kpi-revenue"
KPI_ORDERS = "kpi-orders"
KPI_SPEND = "kpi-spend"
KPI_ROAS = "kpi-roas"
KPI_ROI = "kpi-roi"
KPI_IROAS = "kpi-iroas"
KPI_IDS = (KPI_REVENUE, KPI_ORDERS, KPI_SPEND, KPI_ROAS, KPI_ROI, KPI_IROAS)

# Export buttons, one per export-contract file (docs/export-contract.md), plus reports
EXPORT_FILES = (
    "kpis",
    "campaigns",
    "influencers",
    "attribution",
    "attribution_markov",
    "payouts",
    "personas",
    "budget",
    "budget_fit",
    "trends",
    "insights",
    "data_quality",
)
EXPORT = {f: f"export-{f}" for f in EXPORT_FILES}
DOWNLOAD = "download"
EXPORT_REPORT_PDF = "export-report-pdf"
EXPORT_REPORT_XLSX = "export-report-xlsx"

# Campaigns tab: trends per campaign, and the side-by-side comparison of picked campaigns
CAMPAIGN_TABLE_WRAP = "campaign-table-wrap"
CAMPAIGN_TREND_BODY = "campaign-trend-body"
CAMPAIGN_COMPARE = "campaign-compare"
CAMPAIGN_COMPARE_BODY = "campaign-compare-body"
# The graphs and tables declared in the tabs' layouts; the *_BODY / panel ids above are then the slot for
# the caption or the note saying why there is nothing to show (the graph or grid is hidden meanwhile).
CAMPAIGN_TREND_GRAPH = "campaign-trend-graph"
CAMPAIGN_COMPARE_TABLE = "campaign-compare-table"  # the picked campaigns' KPIs side by side
CAMPAIGN_COMPARE_GRAPH = "campaign-compare-graph"
OVERVIEW_TREND_GRAPH = "overview-trend-graph"
OVERVIEW_CAMPAIGNS_GRAPH = "overview-campaigns-graph"
OVERVIEW_INFLUENCERS_GRAPH = "overview-influencers-graph"

# ROI tab: returns by a grouping, spend vs revenue, iROAS vs ROAS, and the attribution view
ROI_BY = "roi-by"
ROI_SCATTER_LEVEL = "roi-scatter-level"
ROI_SCATTER_BODY = "roi-scatter-body"
IROAS_BODY = "iroas-body"
ATTRIBUTION_BY = "attribution-by"
ATTRIBUTION_SHIFT_MODEL = "attribution-shift-model"
ATTRIBUTION_BODY = "attribution-body"
ATTRIBUTION_TABLE = "attribution-table"
MARKOV_BY = "markov-by"
MARKOV_BODY = "markov-body"
MARKOV_TABLE = "markov-table"
# The ROI tab's graphs and grids declared in its layout; the *_BODY ids above hold the caption or the note
# (no data, no rows, a warning), and a *_WRAP hides a grid with its caption while there is nothing to show.
ROI_GRAPH = "roi-graph"
ROI_TABLE_WRAP = "roi-table-wrap"
ROI_SCATTER_GRAPH = "roi-scatter-graph"
IROAS_WRAP = "iroas-wrap"
IROAS_CAMPAIGN_GRAPH = "iroas-campaign-graph"
IROAS_CAMPAIGN_NOTE = "iroas-campaign-note"
IROAS_PLATFORM_GRAPH = "iroas-platform-graph"
IROAS_PLATFORM_NOTE = "iroas-platform-note"
ATTRIBUTION_GRAPH = "attribution-graph"
ATTRIBUTION_GRAPH_NOTE = "attribution-graph-note"
ATTRIBUTION_TABLE_WRAP = "attribution-table-wrap"
ATTRIBUTION_TABLE_NOTE = "attribution-table-note"
MARKOV_GRAPH = "markov-graph"
MARKOV_GRAPH_NOTE = "markov-graph-note"
MARKOV_TABLE_WRAP = "markov-table-wrap"

# Influencers tab: score weights (percent per component, kept for the session), matrix, table, detail, personas
SCORE_COMPONENTS = ("roas", "engagement_rate", "conversion_rate", "revenue", "cpe")
SCORE_WEIGHTS_STORE = "score-weights-store"  # the weights in use, read by the table and its export
SCORE_WEIGHT = {c: f"score-weight-{c.replace('_', '-')}" for c in SCORE_COMPONENTS}
SCORE_WEIGHTS_SUM = "score-weights-sum"
SCORE_WEIGHTS_MESSAGE = "score-weights-message"
SCORE_WEIGHTS_RESET = "score-weights-reset"
SCORE_WEIGHTS_NORMALISE = "score-weights-normalise"
INFLUENCER_MATRIX = "influencer-matrix"
INFLUENCER_TABLE_WRAP = "influencer-table-wrap"
INFLUENCER_DETAIL = "influencer-detail"
PERSONA_BODY = "persona-body"
PERSONA_TABLE = "persona-table"
INFLUENCER_MATRIX_EMPTY = "influencer-matrix-empty"  # the note instead of the matrix (no data, no rows)
INFLUENCER_MATRIX_WRAP = "influencer-matrix-wrap"  # the matrix and its caption, hidden while empty
INFLUENCER_MATRIX_GRAPH = "influencer-matrix-graph"
INFLUENCER_MATRIX_CAPTION = "influencer-matrix-caption"
INFLUENCER_DETAIL_CARD = "influencer-detail-card"  # the card inside the detail panel, once a row is clicked
PERSONA_EMPTY = "persona-empty"
PERSONA_WRAP = "persona-wrap"  # note, title, chart and grid, hidden while empty
PERSONA_NOTE = "persona-note"
PERSONA_TITLE = "persona-title"
PERSONA_CHART = "persona-chart"
PERSONA_CHART_NOTE = "persona-chart-note"  # says why there is no chart (no persona ranked)

# Payouts tab: ledger, spend chart, budget optimizer
PAYOUT_SPEND_CHART = "payout-spend-chart"
BUDGET_TOTAL = "budget-total"
BUDGET_LOWER = "budget-lower"
BUDGET_UPPER = "budget-upper"
BUDGET_LOCKED = "budget-locked"
BUDGET_BODY = "budget-body"
BUDGET_TABLE = "budget-table"
BUDGET_FIT = "budget-fit"  # the plain-words line on the response curve's exponent (fitted or the prior)
BUDGET_MESSAGE = "budget-message"  # the warning when the bounds clip the budget asked for
BUDGET_TOTAL_FEEDBACK = "budget-total-feedback"  # why the total budget typed cannot be used, under the field
PAYOUT_EMPTY = "payout-empty"
PAYOUT_WRAP = "payout-wrap"  # summary, caption and ledger grid, hidden while empty
PAYOUT_SUMMARY = "payout-summary"
PAYOUT_SPEND_EMPTY = "payout-spend-empty"
PAYOUT_SPEND_WRAP = "payout-spend-wrap"
PAYOUT_SPEND_GRAPH = "payout-spend-graph"
BUDGET_EMPTY = "budget-empty"  # what to fix in the inputs, or why there is no plan
BUDGET_WRAP = "budget-wrap"  # the plan: summary, biggest shifts and grid, hidden while empty
BUDGET_SUMMARY = "budget-summary"  # totals, b, notes and the clipping message
BUDGET_SHIFTS_NOTE = "budget-shifts-note"  # says the plan moves nobody (instead of the chart)
BUDGET_SHIFTS = "budget-shifts"  # the chart's heading and graph, hidden when nobody moves
BUDGET_SHIFTS_GRAPH = "budget-shifts-graph"
