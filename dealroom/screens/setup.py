"""Setting the team up from the app: a new deal, a new person, the customers' accounts.

The pipeline binds the keys (``n`` new deal, ``N`` new person, ``A`` accounts); the forms
and the accounts list are here. An empty database opens on a welcome that offers them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from dealroom.domain import TRIANGLE, Level, Role, RuleError, Stage, Tier, rules
from dealroom.i18n import N_, _, pgettext
from dealroom.screens.deal_forms import people_choices
from dealroom.screens.form import FormField, FormScreen
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.screens.host import Administered, RoomApp
from dealroom.screens.live import LiveScreen
from dealroom.store.views import AccountView, DealView, PersonView
from dealroom.textutil import one_line
from dealroom.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from dealroom.store import Store

#: What the pipeline shows on a database without deals.
WELCOME = N_(
    "Welcome to dealroom: this database has no deals yet.\n\n"
    "  n   new deal: code, name, account (picked or new), amount, leads\n"
    "  N   new person: a member of the team (login name, full name)\n"
    "  A   accounts: the customers, their names and tiers\n"
    "  I   import: your pipeline from a CSV or Excel file (Salesforce, HubSpot,\n"
    "      Odoo, your own sheet), previewed before anything is written\n\n"
    "Only looking? Demo data goes in a separate file, never in this one:\n"
    "quit (q) and run `dealroom --demo`."
)

#: What each customer tier means (A produces, B is being grown, C is potential).
TIER_WORDS = {
    Tier.S: N_("strategic"),
    Tier.A: N_("produces"),
    Tier.B: N_("being grown"),
    Tier.C: N_("potential"),
}


def tiers() -> list[tuple[str, str]]:
    """The tiers as a form offers them: ``A · produces``."""
    return [(f"{t.value} · {_(TIER_WORDS[t])}", t.value) for t in Tier]


def new_deal_form(
    people: Sequence[PersonView], accounts: Sequence[AccountView], actor: str, today: date
) -> FormScreen[DealView]:
    """A new deal: its account picked from the known ones, or a new one with its tier."""
    me = actor if any(p.handle == actor for p in people) else ""
    fields = [
        FormField(
            "code",
            _("Code"),
            required=True,
            placeholder="ACME-5G",
            hint=_("letters, digits, - _ . (the command line's name for it)"),
        ),
        FormField("name", _("Name"), required=True, placeholder=_("5G core refresh")),
        FormField(
            "account",
            _("Account"),
            kind="choice",
            choices=[(f"{a.name} ({a.tier.value})", a.name) for a in accounts],
            hint=_("a known customer, or leave empty and name a new one below"),
        ),
        FormField("new_account", _("or a new account"), placeholder=_("customer's name")),
        FormField(
            "tier",
            _("Tier of the new account"),
            Tier.C.value,
            kind="choice",
            choices=tiers(),
            required=True,
        ),
        FormField(
            "amount",
            _("Amount"),
            "0",
            required=True,
            parse=rules.parse_amount,
            hint=_("whole units: 1200000, 1.2m, 300k"),
        ),
        FormField("currency", _("Currency"), "CNY", required=True, parse=rules.check_currency),
        FormField("close_date", _("Expected close"), kind="date"),
        FormField(
            "stage",
            _("Starts as"),
            Stage.LEAD.value,
            kind="choice",
            choices=[(_(s.label), s.value) for s in (Stage.LEAD, Stage.OPPORTUNITY)],
            required=True,
        ),
        FormField(
            "level",
            _("Project level"),
            Level.III.value,
            kind="choice",
            choices=[(lv.value, lv.value) for lv in Level],
            required=True,
        ),
    ]
    for role in TRIANGLE:
        fields.append(
            FormField(
                role.value,
                f"{role.value} · {role.long_name}",
                me if role is Role.AR else "",
                kind="choice",
                choices=people_choices(people),
            )
        )

    def submit(v: FormValues) -> Job[DealView]:
        picked, typed = v.choice("account"), v.text("new_account").strip()
        if picked and typed:
            raise RuleError(_("pick an account or name a new one, not both"), field="new_account")
        if not picked and not typed:
            raise RuleError(_("pick an account, or name a new one"), field="account")
        if typed and any(a.name == typed for a in accounts):
            said = _("{name} is already an account: pick it above").format(name=repr(typed))
            raise RuleError(said, field="new_account")
        leads = {role: h for role in TRIANGLE if (h := v.choice(role.value))}
        code, name = v.text("code"), v.text("name")
        amount = v.int("amount") or 0
        return lambda store: store.deals.create_deal(
            code,
            name,
            picked or typed,
            amount=amount,
            currency=v.text("currency"),
            close_date=v.date("close_date"),
            stage=Stage(v.text("stage")),
            level=Level(v.text("level")),
            tier=Tier(v.text("tier")),
            leads=leads,
        )

    return FormScreen(_("New deal"), fields, submit, today)


def person_form(actor: str, known: Sequence[PersonView], today: date) -> FormScreen[PersonView]:
    """A new member of the team; the first one offered is whoever is at the keyboard."""
    mine = "" if any(p.handle == actor for p in known) else actor
    fields = [
        FormField(
            "handle",
            _("Login name (handle)"),
            mine,
            required=True,
            hint=_("who they are on this host: `--as` and DEALROOM_USER name them by it"),
        ),
        FormField(
            "name",
            _("Full name"),
            required=True,
            placeholder=pgettext("an example of a person's full name", "Ana Lima"),
        ),
        FormField("email", _("E-mail")),
    ]

    def submit(v: FormValues) -> Job[PersonView]:
        handle, name, email = v.text("handle"), v.text("name"), v.text("email")
        return lambda store: store.people.add_person(handle, name, email)

    return FormScreen(_("New person"), fields, submit, today)


def account_fields(account: AccountView | None) -> list[FormField]:
    return [
        FormField("name", _("Name"), account.name if account else "", required=True),
        FormField(
            "tier",
            _("Tier"),
            account.tier.value if account else Tier.C.value,
            kind="choice",
            choices=tiers(),
            required=True,
            hint=_("S strategic · A produces · B being grown · C potential"),
        ),
    ]


def account_form(account: AccountView | None, today: date) -> FormScreen[AccountView]:
    """A new account, or one account's name and tier (its deals follow a rename)."""
    if account is None:

        def add(v: FormValues) -> Job[AccountView]:
            name, tier = v.text("name"), Tier(v.text("tier"))
            return lambda store: store.people.add_account(name, tier)

        return FormScreen(_("New account"), account_fields(None), add, today)

    def edit(v: FormValues) -> Job[AccountView]:
        name, tier = v.text("name"), Tier(v.text("tier"))
        return lambda store: store.people.edit_account(
            account.name, new_name=name, tier=tier, version=v.version
        )

    title = _("Account {name}").format(name=account.name)
    return FormScreen.edit(title, account, account_fields, edit, today)


class AccountsScreen(Administered):
    """The customers: enter edits one (name, tier), ``a`` adds one."""

    ADMINISTERED: ClassVar[dict[str, str]] = {
        "add": "a new account is added",
        "edit": "accounts are changed",
    }

    app = getters.app(RoomApp)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back"), id="accounts.back"),
        Binding("a", "add", N_("Add"), tooltip=N_("A new account"), id="accounts.add"),
        Binding(
            "e",
            "edit",
            N_("Edit"),
            tooltip=N_("Rename the account or change its tier"),
            id="accounts.edit",
        ),
        Binding("j", "cursor(1)", N_("Down"), show=False, id="accounts.down"),
        Binding("k", "cursor(-1)", N_("Up"), show=False, id="accounts.up"),
    ]
    DEFAULT_CSS = "AccountsScreen #accounts { height: 1fr; }"

    def __init__(self) -> None:
        super().__init__()
        self.accounts: list[AccountView] = []

    def compose(self) -> ComposeResult:
        yield Static(_("Accounts · enter edits, a adds"), classes="title-bar")
        yield OptionList(id="accounts")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        def job(store: Store) -> list[AccountView]:
            return store.reads.accounts()

        self.app.gateway.run(self, job, self._loaded, group="accounts", latest=True)

    def _loaded(self, accounts: list[AccountView]) -> None:
        listing = self.query_one("#accounts", OptionList)
        at = listing.highlighted or 0
        self.accounts = accounts
        listing.clear_options()
        listing.add_options(
            Option(Content(f"{a.tier.value}  {one_line(a.name)}"), id=str(a.id)) for a in accounts
        )
        if not accounts:
            listing.add_option(Option(Content(_("No accounts yet: a adds one.")), disabled=True))
        else:
            listing.highlighted = min(at, len(accounts) - 1)
        listing.focus()

    def _saved(self, what: str) -> Callable[[AccountView | None], None]:
        """``what``: "Added {name} (tier {tier})" or "Saved …", marked, said once saved."""

        def after(result: AccountView | None) -> None:
            if result is not None:
                said = _(what).format(name=result.name, tier=result.tier.value)
                self.notify(said, timeout=3, markup=False)
                self.reload()

        return after

    def action_add(self) -> None:
        self.app.push_screen(
            account_form(None, self.app.today()), self._saved(N_("Added {name} (tier {tier})"))
        )

    def action_cursor(self, step: int) -> None:
        listing = self.query_one("#accounts", OptionList)
        listing.action_cursor_down() if step > 0 else listing.action_cursor_up()

    @on(OptionList.OptionSelected)
    def action_edit(self) -> None:
        listing = self.query_one("#accounts", OptionList)
        at = listing.highlighted
        if at is None or at >= len(self.accounts):
            return
        form = account_form(self.accounts[at], self.app.today())
        self.app.push_screen(form, self._saved(N_("Saved {name} (tier {tier})")))


class SetupActions(Administered, LiveScreen):
    """The pipeline's keys for setting up: a new deal, a new person, the accounts."""

    ADMINISTERED: ClassVar[dict[str, str]] = {
        "new_person": "people are added",
        "import_file": "deals are imported",  # store.imports.IMPORTED (not imported here:
        # the store's module would bring SQLAlchemy in before the first frame)
    }

    app = getters.app(RoomApp)
    today: date

    def _with_team(self, then: Callable[[list[PersonView], list[AccountView]], object]) -> None:
        """Read the people and accounts a form offers, then open it."""

        def job(store: Store) -> tuple[list[PersonView], list[AccountView]]:
            return store.reads.people(), store.reads.accounts()

        self.app.gateway.run(self, job, lambda team: then(*team))

    def action_new_deal(self) -> None:
        def opened(people: list[PersonView], accounts: list[AccountView]) -> None:
            form = new_deal_form(people, accounts, self.app.actor, self.today)
            self.app.push_screen(form, self._deal_created)

        self._with_team(opened)

    def _deal_created(self, deal: DealView | None) -> None:
        if deal is None:
            return
        self.notify(_("Created {code}").format(code=deal.code), timeout=3, markup=False)
        self.reload()
        self.app.open_deal(deal.code)

    def action_new_person(self) -> None:
        def opened(people: list[PersonView], _accounts: list[AccountView]) -> None:
            form = person_form(self.app.actor, people, self.today)
            self.app.push_screen(form, self._person_added)

        self._with_team(opened)

    def _person_added(self, person: PersonView | None) -> None:
        if person is not None:
            said = _("Added {name} ({handle})").format(name=person.name, handle=person.handle)
            self.notify(said, timeout=3, markup=False)
            self.reload()

    def action_accounts(self) -> None:
        self.app.push_screen(AccountsScreen())

    def action_import_file(self) -> None:
        from dealroom.screens.importing import ImportScreen

        self.app.push_screen(ImportScreen())

    def action_rates(self) -> None:
        from dealroom.screens.rates import RatesScreen

        self.app.push_screen(RatesScreen())
