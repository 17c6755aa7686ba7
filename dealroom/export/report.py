"""The status report: what ``dealroom export`` writes and what ``m`` saves in the app, made
by one function, so the two never differ. It is made piece by piece as the deals are read
a page at a time, so ``export --all`` writes as it goes and holds one page in memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from dealroom.domain.chain import witnessed_pieces
from dealroom.export.cash import cash_forecast_section
from dealroom.export.markdown import deal_report, portfolio
from dealroom.export.methods import forecast_section

if TYPE_CHECKING:
    from dealroom.store.store import Store


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def status_report(
    store: Store,
    codes: Sequence[str] | None,
    *,
    today: date,
    since: date | None = None,
    summary: bool = False,
) -> str:
    """The whole report as one text (see :func:`status_report_pieces`)."""
    return "".join(status_report_pieces(store, codes, today=today, since=since, summary=summary))


def status_report_pieces(
    store: Store,
    codes: Sequence[str] | None,
    *,
    today: date,
    since: date | None = None,
    summary: bool = False,
) -> Iterator[str]:
    """Per deal (``codes``, or every active deal for None) its report with its methods and
    the changes since ``since``; with ``summary`` the funnel and the weighted pipeline
    first, and for every active deal the forecast too. The pieces joined are the report;
    the log's head, read last, witnesses it."""
    return witnessed_pieces(
        _joined(_parts(store, codes, today=today, since=since, summary=summary)),
        store.chain.head,
    )


def _joined(parts: Iterable[str]) -> Iterator[str]:
    """``"\\n".join(parts)``, a part at a time."""
    first = True
    for part in parts:
        yield part if first else "\n" + part
        first = False


def _parts(
    store: Store,
    codes: Sequence[str] | None,
    *,
    today: date,
    since: date | None,
    summary: bool,
) -> Iterator[str]:
    names = {p.handle: p.name for p in store.reads.people()}
    if summary:
        yield portfolio(store.pages.summed(codes), today=today, rates=store.money.rates())
    if summary and codes is None:
        yield "\n".join(forecast_section(store.methods.forecast(today=today), names))
        yield "\n".join(cash_forecast_section(store.cash.forecast(today=today), names))
    pages = store.pages.deals(
        None if codes is None else list(codes),
        today=today,
        since=midnight(since) if since is not None else None,
        with_methods=True,
    )
    for page in pages:
        for deal in page:
            yield deal_report(
                deal.room,
                today=today,
                events=deal.events,
                since=since,
                names=names,
                methods=deal.methods,
                cash=deal.cash,
            )
