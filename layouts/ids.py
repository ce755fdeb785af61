"""Every component id of the dashboard, written once (docs/ids.md).

Renaming an id is a breaking change for tests, automation and bookmarks: note it in CHANGELOG.md.
"""

FILES = ("influencers", "posts", "tracking", "payouts")

# Data tab
UPLOAD = {f: f"upload-{f}" for f in FILES}
STATUS = {f: f"status-{f}" for f in FILES}
TEMPLATE = {f: f"template-{f}" for f in FILES}
LOAD_DEMO = "load-demo"
CLEAR_DATA = "clear-data"
UPLOAD_MESSAGE = "upload-message"
QUALITY_TABLE = "quality-table"

# Session and URL
SESSION_STORE = "session-store"  # dataset key + filter state only, never rows
URL = "url"

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
    "trends",
    "data_quality",
)
EXPORT = {f: f"export-{f}" for f in EXPORT_FILES}
DOWNLOAD = "download"
EXPORT_REPORT_PDF = "export-report-pdf"
EXPORT_REPORT_XLSX = "export-report-xlsx"
