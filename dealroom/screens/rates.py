"""The base currency and the exchange rates, in the app: every rate set, the ones in force
today marked; an administrator sets one with ``a`` (``dealroom rate`` on the command
line). Everyone else sees the key greyed out."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from dealroom.domain.money import Rate, Rates, check_currency, parse_rate, rate_text
from dealroom.i18n import N_, _, pgettext
from dealroom.screens.form import FormField, FormScreen
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.screens.host import Administered, RoomApp
from dealroom.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from dealroom.store import Store

CHANGED = "the base currency and the exchange rates are set"


class RatesScreen(Administered):
    ADMINISTERED: ClassVar[dict[str, str]] = {"add": CHANGED}

    app = getters.app(RoomApp)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back"), id="rates.back"),
        Binding(
            "a",
            "add",
            N_("Set a rate"),
            tooltip=N_("What one unit is worth in the base"),
            id="rates.add",
        ),
    ]
    DEFAULT_CSS = "RatesScreen #rates { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield Static(_("Exchange rates · loading…"), id="rates-title", classes="title-bar")
        yield OptionList(id="rates")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        def job(store: Store) -> Rates:
            return store.money.rates()

        self.app.gateway.run(self, job, self._loaded, group="rates", latest=True)

    def _loaded(self, rates: Rates) -> None:
        today = self.app.today()
        in_force = rates.in_force(today)
        self.query_one("#rates-title", Static).update(
            Content(
                _("Exchange rates · into {base}, the base currency · ● in force today").format(
                    base=rates.base
                )
            )
        )
        listing = self.query_one("#rates", OptionList)
        listing.clear_options()
        shown = [r for r in rates.rates if r.base == rates.base]
        for r in shown:
            mark = "●" if in_force.get(r.currency) == (r.valid_from, r.rate) else " "
            worth = f"1 {r.currency} = {rate_text(r.rate)} {r.base}"
            line = f"{mark} {worth}  " + _("from {day}").format(day=r.valid_from)
            listing.add_option(Option(Content(line)))
        if not shown:
            listing.add_option(
                Option(
                    Content(_("No rates: deals in other currencies count as 'no rate'.")),
                    disabled=True,
                )
            )
        listing.focus()

    def action_add(self) -> None:
        today = self.app.today()
        fields = [
            FormField(
                "currency", _("Currency"), required=True, parse=check_currency, placeholder="USD"
            ),
            FormField(
                "rate", _("Worth in the base currency"), required=True, parse=parse_rate,
                placeholder="7.10",
            ),
            FormField(
                "valid_from", pgettext("a rate is valid from", "From"), today.isoformat(),
                kind="date", toward="past",
            ),
        ]  # fmt: skip

        def submit(v: FormValues) -> Job[Rate]:
            currency, valid_from = v.text("currency"), v.date("valid_from") or today
            rate = v.decimal("rate")
            assert rate is not None  # (a required field)
            return lambda store: store.money.set_rate(currency, rate, valid_from)

        form = FormScreen(_("Set an exchange rate"), fields, submit, today)
        self.app.push_screen(form, self._saved)

    def _saved(self, result: object | None) -> None:
        if isinstance(result, Rate):
            rate = f"{rate_text(result.rate)} {result.base}"
            said = _("1 {currency} = {rate} from {day}").format(
                currency=result.currency, rate=rate, day=result.valid_from
            )
            self.notify(said, timeout=3, markup=False)
            self.reload()
