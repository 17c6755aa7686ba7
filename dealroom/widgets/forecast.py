"""The forecast panel of the pipeline: weighted amounts for the next three months and the
year, by close month, per tier and per person, in the base currency (deals whose currency
has no rate are named apart, never added)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from dealroom.domain.cashflow import CashForecast
from dealroom.domain.forecast import Bucket, Figures, Forecast, Horizon, Slice
from dealroom.domain.money import minor_places
from dealroom.i18n import N_, _, ngettext, pgettext
from dealroom.textutil import one_line, short_money
from dealroom.widgets.wrap import wrapped

#: The cash buckets (``domain.cashflow``) as the cash line names them; a month as it is.
CASH_BUCKETS = {"Overdue": N_("overdue"), "Later": N_("later"), "Undated": N_("undated")}


def bucket_label(b: Bucket) -> str:
    """A close-month bucket as the forecast names it: ``Overdue``, ``2026-11``, ``Rest of
    2026``, ``Later``, ``No close date``."""
    if b.horizon is Horizon.OVERDUE:
        return _("Overdue")
    if b.horizon is Horizon.REST_OF_YEAR and b.first is not None:
        return _("Rest of {year}").format(year=b.first.year)
    if b.horizon is Horizon.LATER:
        return _("Later")
    if b.horizon is Horizon.UNDATED:
        return _("No close date")
    return b.label


def figure(f: Figures, counts: bool = True) -> Text:
    """``1.2M (5)``: weighted, with the number of deals; ``—`` for none."""
    if not f.count:
        return Text("—", style="dim")
    text = Text(short_money(f.weighted))
    if counts:
        text.append(f" ({f.count})", style="dim")
    return text


def slice_table(title: str, rows: list[tuple[str, Slice]], counts: bool = True) -> Table:
    table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold")
    table.add_column(title, no_wrap=True, max_width=22 if counts else 18)
    names = (
        (_("3 months"), _("year"), _("all open"))
        if counts
        else (_("3 mo"), _("year"), pgettext("forecast column: all open deals", "open"))
    )
    for name in names:
        table.add_column(name, justify="right", no_wrap=True)
    for name, s in rows:
        table.add_row(
            Text(one_line(name)),
            figure(s.next_3_months, counts),
            figure(s.this_year, counts),
            figure(s.pipeline, counts),
        )
    return table


#: People shown per currency; the rest are summed up in one line.
PEOPLE_MAX = 10


def currency_block(
    f: Forecast,
    names: Mapping[str, str],
    others: str = "",
    *,
    wide: bool = True,
    width: int = 118,
    cash: CashForecast | None = None,
) -> RenderableType:
    """One currency: totals, by close month, then per tier beside per person (the tables
    leave out the deal counts when narrow, to stay side by side). The two lines above the
    tables wrap between phrases in ``width``, never inside one."""
    head = [
        Text(_("Forecast {currency}").format(currency=f.currency), style="bold"),
        Text(_("weighted (deals)")),
    ]
    for label, figures in (
        (_("next 3 months"), f.total.next_3_months),
        (_("this year"), f.total.this_year),
        (_("all open"), f.total.pipeline),
    ):
        phrase = Text(f"{label} ")
        phrase.append_text(figure(figures))
        head.append(phrase)
    if f.unrated:
        codes = ", ".join(one_line(d.code) for d in f.unrated[:3])
        more = f" +{len(f.unrated) - 3}" if len(f.unrated) > 3 else ""
        said = _("no rate, not counted: {codes}").format(codes=codes + more)
        head.append(Text(said, style="bold yellow"))
    if others:
        head.append(Text(f"F: {others}", style="dim"))
    months = [Text(_("by close"), style="dim")]
    for b in f.buckets:
        late = b.horizon is Horizon.OVERDUE and b.figures.count
        phrase = Text(f"{bucket_label(b)} ", style="bold red" if late else "")
        phrase.append_text(figure(b.figures))
        months.append(phrase)
    dot = Text(" · ", style="dim")
    tiers = slice_table(_("Tier"), [(t.value, s) for t, s in f.by_tier.items()], wide)
    ranked = sorted(
        f.by_person.items(),
        key=lambda p: (-p[1].next_3_months.weighted, -p[1].this_year.weighted, p[0]),
    )
    rows = [(names.get(h, h), s) for h, s in ranked[:PEOPLE_MAX]]
    if len(ranked) > PEOPLE_MAX:
        rest = Slice()
        for _handle, s in ranked[PEOPLE_MAX:]:
            rest = Slice(
                *(
                    Figures(a.count + b.count, a.amount + b.amount, a.weighted + b.weighted)
                    for a, b in zip(
                        (rest.next_3_months, rest.this_year, rest.pipeline),
                        (s.next_3_months, s.this_year, s.pipeline),
                        strict=True,
                    )
                )
            )
        left = len(ranked) - PEOPLE_MAX
        rows.append((ngettext("{n} more person", "{n} more people", left).format(n=left), rest))
    people = slice_table(_("Person (each lead counts)"), rows, wide)
    grid = Table.grid(padding=(0, 4 if wide else 2))
    grid.add_row(tiers, people)
    lines: list[RenderableType] = [wrapped(head, dot, width), wrapped(months, dot, width)]
    if cash is not None and cash.total:
        lines.append(cash_line(cash, width))
    return Group(*lines, grid)


def cash_line(cash: CashForecast, width: int) -> RenderableType:
    """``cash expected (CNY) · overdue 35.7M · 2026-12 8.9M · …``: when the money comes."""
    whole = 10 ** minor_places(cash.base)
    phrases = [Text(_("Cash expected {currency}").format(currency=cash.base), style="bold")]
    for b in cash.buckets:
        if b.amount:
            style = "bold red" if b.label == "Overdue" else ""
            named = CASH_BUCKETS.get(b.label)
            label = _(named) if named else b.label.lower() if b.label[0].isalpha() else b.label
            phrase = Text(f"{label} ", style=style)
            phrase.append(short_money(b.amount // whole))
            phrases.append(phrase)
    if cash.unrated:
        said = _("no rate, not counted: {n}").format(n=len(cash.unrated))
        phrases.append(Text(said, style="bold yellow"))
    return wrapped(phrases, Text(" · ", style="dim"), width)


class ForecastBody(Static):
    """The panel's text: laid out again when its width changes (a scrollbar that comes or
    goes narrows or widens it without resizing the panel)."""

    def on_resize(self) -> None:
        panel = self.parent
        if isinstance(panel, ForecastPanel) and self.size.width != panel.laid_width:
            panel.on_resize()


class ForecastPanel(VerticalScroll, can_focus=False):
    """Shown in place of the funnel while ``F`` is on."""

    #: The body's width the phrases were last laid out in (0: not yet).
    laid_width = 0
    DEFAULT_CSS = """
    ForecastPanel { height: auto; max-height: 45%; padding: 0 1; background: $panel; }
    ForecastPanel > Static { height: auto; }
    """

    def compose(self):  # type: ignore[no-untyped-def]
        yield ForecastBody(Text(_("Forecast · loading…"), style="dim"), id="forecast-body")

    def show(
        self, forecast: Forecast, names: Mapping[str, str], cash: CashForecast | None = None
    ) -> None:
        """The forecast, in the base currency; the deals with no rate named apart; and
        under it when the cash is expected."""
        self._shown = (forecast, names, cash)
        body = self.query_one("#forecast-body", Static)
        width = body.size.width or (self.size.width or 120) - 2
        self.laid_width = body.size.width
        if not forecast.total.pipeline.count and not forecast.unrated:
            block: RenderableType = Text(_("Forecast: no open deals."), style="dim")
            if cash is not None and cash.total:
                block = Group(block, cash_line(cash, width))
        else:
            block = currency_block(
                forecast, names, _("hide"), wide=width >= 98, width=width, cash=cash
            )
        body.update(block)

    def on_resize(self) -> None:
        """Lay the phrases out again in the width there is now (the first show may come
        before the panel has its size)."""
        shown = getattr(self, "_shown", None)
        if shown is not None:
            self.show(*shown)
