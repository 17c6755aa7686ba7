"""The status report: what ``dealroom export`` writes and what ``m`` saves in the app, made
by one function, so the two never differ."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from dealroom.domain.chain import witnessed
from dealroom.export.cash import cash_forecast_section
from dealroom.export.markdown import deal_report, portfolio
from dealroom.export.methods import forecast_section

if TYPE_CHECKING:
    from dealroom.store.store import Store
    from dealroom.store.views import EventView


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
    """Per deal (``codes``, or every active deal for None) its report with its methods and
    the changes since ``since``; with ``summary`` the funnel and the weighted pipeline
    first, and for every active deal the forecast too."""
    reports = store.methods.deal_reports(None if codes is None else list(codes), today=today)
    forecast = store.methods.forecast(today=today) if summary and codes is None else None
    events = store.reads.events(since=midnight(since)) if since is not None else []
    names = {p.handle: p.name for p in store.reads.people()}
    by_deal: dict[int | None, list[EventView]] = defaultdict(list)
    for e in events:
        by_deal[e.deal_id].append(e)
    parts = []
    if summary:
        rates = store.money.rates()
        parts.append(portfolio([room for room, _methods in reports], today=today, rates=rates))
    if forecast is not None:
        parts.append("\n".join(forecast_section(forecast, names)))
        cash_forecast = store.cash.forecast(today=today)
        parts.append("\n".join(cash_forecast_section(cash_forecast, names)))
    cashes = store.cash.of_deals([room.deal for room, _methods in reports], today=today)
    for room, methods in reports:
        parts.append(
            deal_report(
                room,
                today=today,
                events=by_deal.get(room.deal.id, []),
                since=since,
                names=names,
                methods=methods,
                cash=cashes.get(room.deal.id),
            )
        )
    return witnessed("\n".join(parts), store.chain.head())
