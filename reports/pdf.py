"""The PDF report (ReportLab platypus): one A4 document per view (docs/reports.md).

A title page with the filters, model and periods, then one section per page group: key metrics,
campaigns, top and bottom influencers, ROI and incremental ROAS, attribution model comparison, payout
ledger, budget recommendation and data quality. Tables that run over a page continue on the next with
their header repeated; every page says "Page N of M"; each section is a bookmark in the PDF outline.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    LongTable,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from figures.palette import REVENUE, SPEND
from metrics import formats, glossary
from metrics.filters import MODEL_LABELS, MODELS
from metrics.incrementality import INTERVAL_NOTE
from metrics.payouts import STATUSES
from reports import charts, columns, typeface
from reports.content import ReportData, format_date, format_period

TITLE = "Influencer campaign report"
PAGE_SIZE = A4
MARGIN = 15 * mm
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
TOP_N = 10
BUDGET_ROWS = 20
KEPT_ROWS = 2  # a table's rows that go to the next page with the notes closing its section

SECTIONS = (
    "Insights",
    "Key metrics",
    "Campaigns",
    "Top and bottom influencers",
    "ROI and incremental ROAS",
    "Attribution model comparison",
    "Payout ledger",
    "Budget recommendation",
    "Data quality",
)
NO_CHART = "No data to chart in this view."
NO_ROWS = "No rows in this view."

BODY_SIZE = 9
CELL_SIZE = 7.5
HEADER_FILL = colors.HexColor("#343A40")
ZEBRA = colors.HexColor("#F3F5F7")
MUTED = colors.HexColor("#6C757D")
CELL_PADDING = 3
CELL_PADDINGS = [
    ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
]


def _styles() -> dict[str, ParagraphStyle]:
    typeface.register()
    base = ParagraphStyle("body", fontName=typeface.REGULAR, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.35)
    head = ParagraphStyle(
        "head",
        base,
        fontName=typeface.BOLD,
        fontSize=CELL_SIZE,
        leading=CELL_SIZE * 1.2,
        textColor=colors.white,
    )
    return {
        "title": ParagraphStyle("title", base, fontName=typeface.BOLD, fontSize=24, leading=30, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=12, leading=16, textColor=MUTED, spaceAfter=14),
        "section": ParagraphStyle(
            "section", base, fontName=typeface.BOLD, fontSize=15, leading=19, spaceAfter=8, keepWithNext=True
        ),
        "subsection": ParagraphStyle(
            "subsection",
            base,
            fontName=typeface.BOLD,
            fontSize=10.5,
            leading=14,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=True,
        ),
        "body": base,
        "note": ParagraphStyle(
            "note", base, fontSize=8, leading=10.5, textColor=MUTED, spaceBefore=2, spaceAfter=4
        ),
        "item": ParagraphStyle(
            "item", base, leftIndent=14, bulletIndent=0, bulletFontName=typeface.REGULAR, spaceAfter=5
        ),
        "cell": ParagraphStyle("cell", base, fontSize=CELL_SIZE, leading=CELL_SIZE * 1.2),
        "head": head,
        "head_right": ParagraphStyle("head_right", head, alignment=TA_RIGHT),
    }


class _NumberedCanvas(canvas.Canvas):
    """A canvas that holds its pages until the end, so each footer can say "Page N of M"."""

    def __init__(self, *args, footer: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._saved_pages: list[dict] = []

    def showPage(self) -> None:
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        self.saveState()
        self.setFont(typeface.REGULAR, 7.5)
        self.setFillColor(MUTED)
        self.setStrokeColor(colors.HexColor("#DEE2E6"))
        self.line(MARGIN, MARGIN - 4 * mm, PAGE_SIZE[0] - MARGIN, MARGIN - 4 * mm)
        self.drawString(MARGIN, MARGIN - 8 * mm, self._footer)
        self.drawRightString(PAGE_SIZE[0] - MARGIN, MARGIN - 8 * mm, f"Page {self._pageNumber} of {total}")
        self.restoreState()


class _Document(BaseDocTemplate):
    """The report's page layout; every section heading becomes a bookmark of the PDF outline."""

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name == "section":
            key = f"section-{self.seq.nextf('section')}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0)


class _KeepTail(Flowable):
    """
    A section's last table or chart, the headings just above it and the notes closing the section.

    The notes never start a page alone: when they do not fit under the table, the table's last
    ``KEPT_ROWS`` rows go to the next page with them (its header repeated); a chart goes there whole, with
    its headings.
    """

    def __init__(self, lead: list[Flowable], head: Flowable, tail: list[Flowable]):
        super().__init__()
        self.lead, self.head, self.tail = lead, head, tail
        self._sizes: list[tuple[float, float]] = []

    def _parts(self) -> list[Flowable]:
        return [*self.lead, self.head, *self.tail]

    def _gap(self, index: int) -> float:
        """Return the space above part ``index`` (none above the first: the frame adds it)."""
        parts = self._parts()
        return parts[index - 1].getSpaceAfter() + parts[index].getSpaceBefore() if index else 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        parts = self._parts()
        self._sizes = [part.wrap(availWidth, availHeight) for part in parts]
        self.width = max(width for width, _ in self._sizes)
        self.height = sum(height for _, height in self._sizes) + sum(map(self._gap, range(len(parts))))
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return self._parts()[0].getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.tail[-1].getSpaceAfter()

    def draw(self) -> None:
        y = self.height
        for index, (part, (_, height)) in enumerate(zip(self._parts(), self._sizes, strict=True)):
            y -= self._gap(index) + height
            part.drawOn(self.canv, 0, y)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        if not isinstance(self.head, Table):
            return []  # nothing to leave behind: the chart moves on with its headings and notes
        above = len(self.lead)
        lead_height = sum(height for _, height in self._sizes[:above]) + sum(map(self._gap, range(above + 1)))
        kept = sum(self.head._rowHeights[-KEPT_ROWS:])
        # One point to spare, so the headings and the first part never miss the page by a rounding.
        room = min(availHeight - lead_height - 1, self._sizes[above][1] - kept)
        pieces = self.head.split(availWidth, room) if room > 0 else []
        if len(pieces) < 2:
            return []  # too short to leave rows behind: the table moves on whole with its notes
        for heading in self.lead:
            heading.__dict__["keepWithNext"] = 0  # it fits with the first part: no KeepTogether around them
        return [*self.lead, pieces[0], _KeepTail([], pieces[1], self.tail)]


def keep_tails(story: list[Flowable]) -> list[Flowable]:
    """
    Return the story with each section's closing notes kept with the table or chart before them.

    A section ends at a page break, at the next section's heading or at the end; its closing notes are
    the paragraphs between its last table or chart and that end (spacers before the end stay outside).
    """
    result: list[Flowable] = []
    start = 0
    ends = [
        i
        for i, item in enumerate(story)
        if isinstance(item, PageBreak) or (isinstance(item, Paragraph) and item.style.name == "section")
    ]
    for end in [*ends, len(story)]:
        last = end
        while last > start and isinstance(story[last - 1], Spacer):
            last -= 1
        first = last
        while first > start and isinstance(story[first - 1], Paragraph | Spacer):
            first -= 1
        head = first - 1
        tail = story[first:last]
        lead = head
        while lead > start and story[lead - 1].getKeepWithNext():
            lead -= 1  # the headings kept with the table (a Paragraph reads its style's keepWithNext)
        if (
            head >= start
            and isinstance(story[head], Table | Drawing)
            and any(isinstance(item, Paragraph) for item in tail)
        ):
            kept = _KeepTail(story[lead:head], story[head], tail)
            result += [*story[start:lead], kept, *story[last:end]]
        else:
            result += story[start:end]
        if end < len(story):
            result.append(story[end])
        start = end + 1
    return result


class _Builder:
    """Lay out the flowables of one report."""

    def __init__(self, data: ReportData):
        self.data = data
        self.styles = _styles()
        self.story: list[Flowable] = []

    # ---- building blocks -------------------------------------------------------------------------------

    def paragraph(self, text: str, style: str = "body") -> None:
        self.story.append(Paragraph(text, self.styles[style]))

    def text(self, text: str, style: str = "body") -> None:
        """Add plain text (escaped, so names such as "<b>" or "&" are printed as they are)."""
        self.paragraph(escape(text), style)

    def section(self, title: str, *, new_page: bool = True) -> None:
        if self.story:
            self.story.append(PageBreak() if new_page else Spacer(1, 8 * mm))
        self.text(title, "section")

    def chart(self, drawing: Drawing | None) -> None:
        if drawing is None:
            self.text(NO_CHART, "note")
        else:
            self.story.append(drawing)
            self.story.append(Spacer(1, 6))

    def table(
        self,
        frame: pd.DataFrame,
        shown: Sequence[str],
        *,
        headings: dict[str, str] | None = None,
        empty: str = NO_ROWS,
    ) -> None:
        """Add ``frame[shown]`` as a table whose header repeats on every page it runs over."""
        shown = [c for c in shown if c in frame.columns]
        if frame.empty or not shown:
            self.text(empty, "note")
            return
        self.story.append(self._long_table(frame, shown, headings or {}))
        self.story.append(Spacer(1, 6))

    def _long_table(self, frame: pd.DataFrame, shown: list[str], headings: dict[str, str]) -> LongTable:
        numeric = [columns.kind(c) not in (columns.TEXT, columns.DATE) for c in shown]
        texts = {c: [columns.display(c, v) for v in frame[c].tolist()] for c in shown}
        header = [
            Paragraph(
                escape(headings.get(c) or columns.label(c)), self.styles["head_right" if is_num else "head"]
            )
            for c, is_num in zip(shown, numeric, strict=True)
        ]
        body = [
            [
                texts[c][i] if is_num else Paragraph(escape(texts[c][i]), self.styles["cell"])
                for c, is_num in zip(shown, numeric, strict=True)
            ]
            for i in range(len(frame))
        ]
        widths = _column_widths(
            [texts[c] for c in shown], [headings.get(c) or columns.label(c) for c in shown], numeric
        )
        table = LongTable([header, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
        style = [
            ("FONT", (0, 0), (-1, -1), typeface.REGULAR, CELL_SIZE),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
            ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.HexColor("#DEE2E6")),
            *CELL_PADDINGS,
        ]
        style += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, is_num in enumerate(numeric) if is_num]
        table.setStyle(TableStyle(style))
        return table

    def facts(self, rows: Sequence[tuple[str, str]]) -> None:
        """Add a two-column table of labels and values (no header)."""
        label_style = ParagraphStyle("fact_label", self.styles["body"], fontName=typeface.BOLD)
        data = [
            [Paragraph(escape(k), label_style), Paragraph(escape(v), self.styles["body"])] for k, v in rows
        ]
        table = LongTable(data, colWidths=[45 * mm, FRAME_WIDTH - 45 * mm], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#DEE2E6")),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        self.story.append(table)

    # ---- sections ----------------------------------------------------------------------------------------

    def title_page(self) -> None:
        data = self.data
        self.story.append(Spacer(1, 30 * mm))
        self.text(TITLE, "title")
        self.text(f"{format_period(data.report_period)} · {data.model_label}", "subtitle")
        rows = data.rows
        facts = [
            ("Data period", format_period(data.data_period)),
            (
                "Report period",
                format_period(data.report_period) + ("" if data.filters.has_dates else " (the whole data)"),
            ),
            (
                "Input rows",
                f"{formats.number(rows['influencers'])} influencers · {formats.number(rows['posts'])} posts · "
                f"{formats.number(rows['tracking'])} tracking rows · {formats.number(rows['payouts'])} payout rows",
            ),
            *data.filter_lines(),
            *data.option_lines(),
            ("Budget", f"{formats.inr(data.budget.requested_total)} to split (recommendation section)"),
            ("Generated", f"{format_date(data.generated.date())} {data.generated:%H:%M} UTC"),
        ]
        self.facts(facts)
        self.story.append(Spacer(1, 10 * mm))
        self.text("Contents", "subsection")
        for number, title in enumerate(SECTIONS, start=1):
            self.text(f"{number}. {title}")
        self.text(
            "Amounts are in rupees with Indian digit grouping; revenue and orders are credited under the "
            "attribution model above; ratios are ratios of sums. “—” marks a value that is undefined "
            "(e.g. ROAS without spend). The Excel report and the CSV exports hold the exact numbers.",
            "note",
        )

    def insights(self) -> None:
        """Add the Overview's insight sentences, as insights.csv holds them (they fit above the KPIs)."""
        self.section("Insights")
        sentences = self.data.tables["insights"]["sentence"].tolist()
        if not sentences:
            self.text(
                "Nothing stands out in this view: no campaign or influencer has the numbers to compare.",
                "note",
            )
            return
        for number, sentence in enumerate(sentences, start=1):
            self.story.append(Paragraph(escape(sentence), self.styles["item"], bulletText=f"{number}."))
        self.text(
            "The dashboard's Overview shows the same sentences; insights.csv and the Excel report's insights "
            "sheet hold each one's kind, subject and exact value.",
            "note",
        )

    def key_metrics(self) -> None:
        self.section("Key metrics", new_page=False)
        kpis = self.data.tables["kpis"]
        if kpis.empty:
            self.text(NO_ROWS, "note")
            return
        values = kpis.iloc[0]
        rows = pd.DataFrame(
            {
                "kpi": [columns.label(c) for c in kpis.columns],
                "value": [formats.format_kpi(c, _number(values[c])) for c in kpis.columns],
                "full": [_in_full(c, values[c]) for c in kpis.columns],
                "definition": [glossary.formula(c) or "" for c in kpis.columns],
            }
        )
        self._text_table(
            rows, {"kpi": "KPI", "value": "Value", "full": "In full", "definition": "Definition"}
        )
        self.chart(charts.trend_chart(self.data.tables["trends"], FRAME_WIDTH))

    def _text_table(
        self, rows: pd.DataFrame, headings: dict[str, str], right: Sequence[str] = ("value", "full")
    ) -> None:
        """Add a table of already formatted text (``right`` columns aligned right)."""
        header = [
            Paragraph(escape(headings[c]), self.styles["head_right" if c in right else "head"]) for c in rows
        ]
        body = [
            [v if c in right else Paragraph(escape(v), self.styles["cell"]) for c, v in row.items()]
            for _, row in rows.iterrows()
        ]
        numeric = [c in right for c in rows]
        widths = _column_widths([rows[c].tolist() for c in rows], [headings[c] for c in rows], numeric)
        table = LongTable([header, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
        style = [
            ("FONT", (0, 0), (-1, -1), typeface.REGULAR, CELL_SIZE),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
            *CELL_PADDINGS,
        ]
        style += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, is_num in enumerate(numeric) if is_num]
        table.setStyle(TableStyle(style))
        self.story.append(table)
        self.story.append(Spacer(1, 8))

    def campaigns(self) -> None:
        self.section("Campaigns")
        table = self.data.tables["campaigns"].sort_values(
            ["revenue", "spend"], ascending=False, kind="stable"
        )
        self.chart(
            charts.revenue_spend_bars(
                table, "campaign", title="Revenue and spend by campaign", width=FRAME_WIDTH
            )
        )
        self.text(f"{formats.number(len(table))} campaigns, largest revenue first.", "note")
        self.table(
            table,
            [
                "campaign",
                "revenue",
                "orders",
                "spend",
                "roas",
                "roi",
                "cpa",
                "aov",
                "touched_users",
                "conversion_rate",
            ],
            headings={"touched_users": "Touched users"},
        )

    def influencers(self) -> None:
        self.section("Top and bottom influencers")
        table = self.data.tables["influencers"]
        top, bottom, basis = rank_influencers(table)
        self.text(basis, "note")
        shown = [
            "name",
            "platform",
            "tier",
            "posts",
            "revenue",
            "spend",
            "roas",
            "roi",
            "engagement_rate",
            "conversion_rate",
            "score",
        ]
        self.text(f"Top {len(top)}", "subsection")
        self.table(top, shown, empty="No influencer can be ranked in this view.")
        self.text(f"Bottom {len(bottom)}", "subsection")
        self.table(bottom, shown, empty="Too few ranked influencers for a separate bottom list.")

    def roi(self) -> None:
        self.section("ROI and incremental ROAS")
        data = self.data
        kpis = data.tables["kpis"]
        table = data.tables["campaigns"].sort_values(["spend", "revenue"], ascending=False, kind="stable")
        has_iroas = "iroas" in table.columns
        if not kpis.empty:
            first = kpis.iloc[0]
            line = (
                f"Overall ROAS {columns.display('roas', first['roas'])}, ROI {columns.display('roi', first['roi'])} "
                f"on {formats.inr(_number(first['spend']))} of spend."
            )
            if "iroas" in kpis.columns:
                line += (
                    f" Incremental revenue {formats.inr(_number(first['incremental_revenue']))}, iROAS "
                    f"{columns.display('iroas', first['iroas'])} ({INTERVAL_NOTE}: "
                    f"{columns.display('iroas_low', first.get('iroas_low'))} – "
                    f"{columns.display('iroas_high', first.get('iroas_high'))})."
                )
            self.text(line)
        ratios = [("roas", "ROAS"), ("iroas", "iROAS")] if has_iroas else [("roas", "ROAS")]
        self.chart(
            charts.ratio_bars(
                table.head(TOP_N * 2), "campaign", ratios, title="ROAS by campaign", width=FRAME_WIDTH
            )
        )
        if has_iroas:
            self.table(
                table,
                [
                    "campaign",
                    "spend",
                    "revenue",
                    "roas",
                    "roi",
                    "incremental_revenue",
                    "iroas",
                    "iroas_low",
                    "iroas_high",
                ],
                headings={"iroas_low": "iROAS low", "iroas_high": "iROAS high"},
            )
            self.text(
                "iROAS compares exposed users' revenue change around their first exposure with the change of "
                "users never touched by an influencer; “—” means fewer than 30 eligible exposures "
                "(insufficient data) or no spend.",
                "note",
            )
        else:
            self.table(table, ["campaign", "spend", "revenue", "roas", "roi", "cpa"])
            self.text("Incremental ROAS is not part of the exports of this version.", "note")

    def attribution(self) -> None:
        self.section("Attribution model comparison")
        data = self.data
        comparison = data.comparison
        models = [(m, MODEL_LABELS[m]) for m in MODELS if m in comparison.columns]
        if not comparison.empty:
            total = float(comparison["last_touch"].sum())
            self.text(
                f"Every model splits the same credited revenue ({formats.inr(total)}); they differ in which "
                f"touch of a journey gets it. The report's tables use {data.model_label}."
            )
        self.chart(charts.model_bars(comparison, "campaign", models, width=FRAME_WIDTH))
        self.table(
            comparison,
            ["campaign", *[m for m, _ in models]],
            headings={m: _short_model(m) for m, _ in models},
        )
        if "markov_unavailable" in comparison.attrs:
            self.text(f"Data-driven model: {comparison.attrs['markov_unavailable']}", "note")
        markov = data.tables.get("attribution_markov")
        if markov is not None:
            self.text(f"Data-driven (Markov) model by {data.options.markov_by}", "subsection")
            self.table(
                markov,
                ["group", "removal_effect", "attributed_orders", "attributed_revenue"],
                headings={"group": data.options.markov_by.capitalize()},
            )
            self.text(
                "Removal effect: the share of conversions lost when the group is removed from every journey.",
                "note",
            )

    def payouts(self) -> None:
        self.section("Payout ledger")
        ledger = self.data.tables["payouts"]
        if ledger.empty:
            self.text(NO_ROWS, "note")
            return
        summary = payout_summary(ledger)
        self.table(summary, ["status", "influencers", "total_payout", "computed_payout"])
        self.text(
            "ok: total payout within 1% of rate × units; mismatch: it differs by more; no_rate: no rate in "
            "payouts.csv, so the payout cannot be checked (rate shown = total ÷ units); no_units: no posts "
            "(post basis) or coded orders (order basis) to pay for; missing: no payout row.",
            "note",
        )
        attention = payout_exceptions(ledger, self.data.tables["influencers"])
        self.text(f"Rows needing attention ({formats.number(len(attention))})", "subsection")
        self.table(
            attention,
            [
                "influencer_id",
                "name",
                "basis",
                "rate",
                "units",
                "total_payout",
                "computed_payout",
                "difference",
                "status",
            ],
            empty="Every payout matches rate × units.",
        )

    def budget(self) -> None:
        self.section("Budget recommendation")
        result = self.data.budget
        plan = self.data.tables["budget"]
        change = result.predicted_change
        relative = (
            change / result.predicted_revenue_current if result.predicted_revenue_current else float("nan")
        )
        self.facts(
            [
                ("Budget", formats.inr(result.requested_total)),
                ("Current spend", formats.inr(result.current_spend)),
                ("Recommended spend", formats.inr(result.recommended_spend)),
                (
                    "Predicted revenue",
                    f"{formats.inr(result.predicted_revenue_current)} at current spend → "
                    f"{formats.inr(result.predicted_revenue_recommended)} recommended "
                    f"({'+' if change > 0 else ''}{formats.inr(change)}, {formats.percent(relative, signed=True)})",
                ),
                ("Response curves", result.fit.summary if result.fit is not None else f"b = {result.b:g}"),
            ]
        )
        if result.message:
            self.text(result.message, "note")
        self.text(
            "Revenue of influencer i at spend s is modelled as a_i × s^b (last-touch revenue); the split "
            "equalises marginal ROAS within 0.5× to 2× of each influencer's current spend.",
            "note",
        )
        names = (
            self.data.tables["influencers"].set_index("influencer_id")["name"]
            if "name" in self.data.tables["influencers"]
            else None
        )
        changes = budget_changes(plan, names)
        shown = changes.head(TOP_N)
        self.chart(
            charts.bar_chart(
                shown["label"].tolist(),
                [
                    ("Current", shown["current_spend"].tolist(), SPEND),
                    ("Recommended", shown["recommended_spend"].tolist(), REVENUE),
                ],
                title="Largest spend changes",
                width=FRAME_WIDTH,
            )
            if not shown.empty
            else None
        )
        self.text(
            f"Largest changes ({min(BUDGET_ROWS, len(changes))} of {formats.number(len(changes))})",
            "subsection",
        )
        self.table(
            changes.head(BUDGET_ROWS),
            [
                "influencer_id",
                "name",
                "current_spend",
                "recommended_spend",
                "change",
                "predicted_revenue_recommended",
                "marginal_roas",
            ],
            headings={"predicted_revenue_recommended": "Predicted revenue"},
            empty="No influencer with spend in this view.",
        )
        if len(changes) > BUDGET_ROWS:
            self.text("The full plan is in the Excel report (sheet budget).", "note")

    def data_quality(self) -> None:
        self.section("Data quality")
        quality = self.data.tables["data_quality"]
        if quality.empty:
            self.text("The input files passed every check.")
        else:
            self.text(
                f"{formats.number(len(quality))} findings; each is a row of data_quality.csv and of the "
                "Excel report's data_quality sheet.",
            )
        # The rows loaded per file are listed in every case: the last page is never a lone sentence.
        findings = quality["file"].value_counts()
        names = list(self.data.rows)
        self._text_table(
            pd.DataFrame(
                {
                    "file": [f"{name}.csv" for name in names],
                    "rows": [formats.number(self.data.rows[name]) for name in names],
                    "findings": [formats.number(findings.get(name, 0)) for name in names],
                }
            ),
            {"file": "File", "rows": "Rows loaded", "findings": "Findings"},
            right=("rows", "findings"),
        )
        if quality.empty:
            return
        counts = (
            quality.fillna({"problem": "", "action": ""})
            .groupby(["file", "problem", "action"], sort=False, dropna=False)
            .size()
            .rename("rows")
            .reset_index()
            .sort_values("rows", ascending=False, kind="stable")
        )
        self.table(counts, ["file", "problem", "action", "rows"], headings={"rows": "Rows"})

    def build(self) -> list[Flowable]:
        self.title_page()
        self.insights()
        self.key_metrics()
        self.campaigns()
        self.influencers()
        self.roi()
        self.attribution()
        self.payouts()
        self.budget()
        self.data_quality()
        return self.story


# ---- table helpers -------------------------------------------------------------------------------------


def _number(value: object) -> float | None:
    """Return a cell as a float for ``metrics.formats`` (None when missing)."""
    if value is None or value is pd.NA:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _in_full(column: str, value: object) -> str:
    """Return a KPI without the short forms of the cards (lakh, crore): rupees and counts in full."""
    if columns.kind(column) in (columns.MONEY, columns.MONEY_PRECISE, columns.COUNT, columns.AMOUNT):
        return columns.display(column, value)
    return formats.format_kpi(column, _number(value))


def _short_model(model: str) -> str:
    return {"position_based": "Position-based", "markov": "Data-driven"}.get(model, MODEL_LABELS[model])


def _column_widths(
    values: Sequence[Sequence[str]], headings: Sequence[str], numeric: Sequence[bool]
) -> list[float]:
    """
    Return column widths filling the frame: numbers at their widest value, text sharing what is left.

    Headings may wrap (at word boundaries), so a number column is only as wide as its longest word.
    """
    padding = 2 * CELL_PADDING + 1
    widths = []
    for cells, heading, is_num in zip(values, headings, numeric, strict=True):
        widest_cell = max((stringWidth(str(v), typeface.REGULAR, CELL_SIZE) for v in cells), default=0.0)
        widest_word = max(stringWidth(w, typeface.BOLD, CELL_SIZE) for w in heading.split() or [""])
        natural = max(widest_cell, widest_word) + padding
        widths.append(natural if is_num else min(natural, 170.0))
    widths = np.array(widths)
    text = ~np.array(numeric)
    room = FRAME_WIDTH - widths[~text].sum()
    if text.any():
        wanted = widths[text].sum()
        if wanted > room:
            # Shrink text columns (they wrap) in proportion, but never below a readable width.
            widths[text] = np.maximum(widths[text] * room / wanted, 45.0)
        else:
            widths[text] += (room - wanted) / text.sum() if wanted < room * 0.6 else 0.0
    if widths.sum() > FRAME_WIDTH:
        widths *= FRAME_WIDTH / widths.sum()
    return widths.tolist()


def rank_influencers(table: pd.DataFrame, n: int = TOP_N) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """
    Return the top and bottom influencers of the influencer table and a sentence saying how they are ranked.

    Ranked by score when the table has one (influencers with a score), otherwise by ROAS among influencers
    with spend (ties by revenue). The bottom list never repeats a top influencer and shows the worst first.
    """
    if "score" in table.columns and table["score"].notna().any():
        ranked = table[table["score"].notna()].sort_values(
            ["score", "revenue"], ascending=False, kind="stable"
        )
        basis = "Ranked by influencer score (0–100) among influencers with spend and posts in this view."
    else:
        ranked = table[(table["spend"] > 0) & table["roas"].notna()]
        ranked = ranked.sort_values(["roas", "revenue"], ascending=False, kind="stable")
        basis = "Ranked by ROAS among influencers with spend in this view (ties by revenue)."
    top = ranked.head(min(n, (len(ranked) + 1) // 2))
    bottom = ranked.iloc[len(top) :].tail(n).iloc[::-1]
    return top, bottom, basis


def payout_summary(ledger: pd.DataFrame) -> pd.DataFrame:
    """Return influencers, total payout and computed payout per payout status, in status order."""
    order = [s for s in reversed(STATUSES) if s in set(ledger["status"])]
    grouped = ledger.groupby("status", sort=False)
    summary = pd.DataFrame(
        {
            "influencers": grouped.size(),
            "total_payout": grouped["total_payout"].sum(min_count=1),
            "computed_payout": grouped["computed_payout"].sum(min_count=1),
        }
    )
    return summary.reindex(order).rename_axis("status").reset_index()


def payout_exceptions(ledger: pd.DataFrame, influencers: pd.DataFrame) -> pd.DataFrame:
    """Return the ledger rows whose status is not ok, with names and the payout difference, most urgent first."""
    rows = ledger[ledger["status"] != "ok"].copy()
    rows["difference"] = rows["total_payout"] - rows["computed_payout"]
    if "name" in influencers.columns:
        rows["name"] = rows["influencer_id"].map(influencers.set_index("influencer_id")["name"])
    rank = {status: i for i, status in enumerate(STATUSES)}
    rows["_rank"] = rows["status"].map(rank)
    rows["_size"] = rows["difference"].abs()
    return rows.sort_values(["_rank", "_size"], ascending=[True, False], kind="stable").drop(
        columns=["_rank", "_size"]
    )


def budget_changes(plan: pd.DataFrame, names: pd.Series | None) -> pd.DataFrame:
    """Return the budget plan with change = recommended - current, largest absolute change first."""
    changes = plan.copy()
    changes["change"] = changes["recommended_spend"] - changes["current_spend"]
    changes["name"] = changes["influencer_id"].map(names) if names is not None else pd.NA
    changes["label"] = changes["name"].fillna(changes["influencer_id"]).astype("string")
    order = changes["change"].abs().sort_values(ascending=False, kind="stable").index
    return changes.loc[order].reset_index(drop=True)


def build_pdf(data: ReportData) -> bytes:
    """
    Lay out a report as PDF bytes.

    Parameters
    ----------
    data : ReportData
        The content (``reports.content.collect``).

    Returns
    -------
    bytes
        An A4 PDF with page numbers, an outline of the sections, and embedded fonts.
    """
    buffer = io.BytesIO()
    footer = f"{TITLE} · {format_period(data.report_period)} · {data.model_label}"
    document = _Document(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=TITLE,
        subject=f"{format_period(data.report_period)}, {data.model_label}",
        creator="Influencer Campaign Dashboard",
        # Start every page in the report font, so no page declares ReportLab's default Helvetica.
        initialFontName=typeface.REGULAR,
        initialFontSize=BODY_SIZE,
    )
    frame = Frame(
        MARGIN, MARGIN, FRAME_WIDTH, PAGE_SIZE[1] - 2 * MARGIN, id="body", leftPadding=0, rightPadding=0
    )
    document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    story = keep_tails(_Builder(data).build())
    document.build(story, canvasmaker=lambda *args, **kwargs: _NumberedCanvas(*args, footer=footer, **kwargs))
    return buffer.getvalue()
