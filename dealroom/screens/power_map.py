"""The power map (权力地图): the customer's people grouped by decision role, support drawn
as a bar, and the gaps the team should worry about called out above them."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import asdict
from datetime import date
from functools import partial
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import Static

from dealroom.domain.powermap import (
    DECISION_ROLES,
    INFLUENCE_LABELS,
    SUPPORT_LABELS,
    SUPPORT_MAX,
    SUPPORT_MIN,
    Contact,
    DecisionRole,
    GapKind,
    format_support,
    parse_support,
    support_bar,
)
from dealroom.i18n import N_, _, pgettext
from dealroom.screens.form import FormField, FormScreen
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.screens.methods import MethodsScreen
from dealroom.store.inputs import ContactUpdate
from dealroom.store.method_views import ContactView, DealMethodsView
from dealroom.store.views import PersonView
from dealroom.textutil import fit, one_line
from dealroom.widgets.vlist import Section

KEY_MARK = "★"
SERIOUS = {GapKind.KEY_DECIDER_NOT_FOR_US, GapKind.NO_KEY_DECIDER, GapKind.NO_COACH}


def support_style(value: int) -> str:
    if value > 0:
        return "bold green" if value >= 2 else "green"
    if value < 0:
        return "bold red" if value <= -2 else "red"
    return "yellow"


def support_text(value: int) -> Text:
    """The bar, coloured on its filled side, then the signed number: ``  █│    −1``."""
    bar = support_bar(value)
    text = Text(bar, style=support_style(value))
    text.append(f" {format_support(value):>2}", style=support_style(value))
    return text


def sorted_contacts(
    contacts: Sequence[ContactView],
) -> list[tuple[DecisionRole, list[ContactView]]]:
    """By decision role in map order; key deciders first, then by influence and name."""
    groups: dict[DecisionRole, list[ContactView]] = {}
    for c in contacts:
        groups.setdefault(c.role, []).append(c)
    return [
        (role, sorted(groups[role], key=lambda c: (not c.key_decider, -c.influence, c.name)))
        for role in DECISION_ROLES
        if role in groups
    ]


def contact_fields(
    c: ContactView | None, people: Sequence[PersonView], competitors: Sequence[str]
) -> list[FormField]:
    leans = list(competitors)
    if c is not None and c.leaning_to and c.leaning_to not in leans:
        leans.append(c.leaning_to)
    return [
        FormField("name", pgettext("a person's name", "Name"), c.name if c else "", required=True),
        FormField(
            "title",
            pgettext("a person's job title", "Title"),
            c.title if c else "",
            placeholder=_("CTO, head of procurement…"),
        ),
        FormField(
            "role",
            _("Decision role"),
            (c.role if c else DecisionRole.USER).value,
            kind="choice",
            required=True,
            choices=[(f"{_(r.label)} · {_(r.meaning)}", r.value) for r in DECISION_ROLES],
        ),
        FormField(
            "influence",
            _("Influence 1-5"),
            str(c.influence if c else 3),
            kind="choice",
            required=True,
            choices=[(f"{n} {_(INFLUENCE_LABELS[n])}", str(n)) for n in sorted(INFLUENCE_LABELS)],
        ),
        FormField(
            "key_decider",
            _("Key decider?"),
            "yes" if c and c.key_decider else "no",
            kind="choice",
            required=True,
            choices=[(_("yes"), "yes"), (_("no"), "no")],
        ),
        FormField(
            "support",
            _("Support −3…+3"),
            str(c.support if c else 0),
            kind="choice",
            required=True,
            choices=[
                (f"{format_support(n)} {_(SUPPORT_LABELS[n])}", str(n))
                for n in range(SUPPORT_MAX, SUPPORT_MIN - 1, -1)
            ],
            parse=parse_support,
        ),
        FormField(
            "owner",
            _("Owner on our side"),
            (c.owner if c else None) or "",
            kind="choice",
            choices=[(p.name, p.handle) for p in people],
        ),
        FormField(
            "leaning_to",
            _("Leans to (competitor)"),
            (c.leaning_to if c else None) or "",
            kind="choice",
            choices=[(name, name) for name in leans],
            hint=_("competitors come from the competitors screen (C in the deal room)"),
        ),
        FormField(
            "last_contact",
            _("Last contact"),
            c.last_contact.isoformat() if c and c.last_contact else "",
            kind="date",
        ),
        FormField("note", _("Note"), c.note if c else ""),
    ]


def contact_from(v: FormValues) -> Contact:
    """The form's values as the store takes them."""
    return Contact(
        name=v.text("name"),
        title=v.text("title"),
        role=DecisionRole(v.text("role")),
        influence=int(v.text("influence")),
        key_decider=v.choice("key_decider") == "yes",
        support=v.int("support") or 0,
        owner=v.choice("owner"),
        leaning_to=v.choice("leaning_to"),
        last_contact=v.date("last_contact"),
    )


#: Seconds without a ``+`` or ``-`` after which the support steps pressed are saved.
SUPPORT_PAUSE = 1.0


class PowerMapScreen(MethodsScreen):
    TITLE = N_("Power map")
    ENTITIES = ("contact",)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "back", N_("Back"), tooltip=N_("Back to the deal room"), id="powermap.back"
        ),
        Binding("a", "add", N_("Add"), tooltip=N_("Add a person to the map"), id="powermap.add"),
        Binding("enter,e", "edit", N_("Edit"), tooltip=N_("Edit the person"), id="powermap.edit"),
        Binding(
            "plus,equals_sign",
            "support(1)",
            N_("Support+"),
            key_display="+",
            tooltip=N_("Their support rose by one"),
            id="powermap.support_up",
        ),
        Binding(
            "minus",
            "support(-1)",
            N_("Support−"),
            key_display="-",
            tooltip=N_("Their support fell by one"),
            id="powermap.support_down",
        ),
        Binding(
            "t",
            "contacted",
            N_("Met today"),
            tooltip=N_("Set the last contact to today"),
            id="powermap.contacted",
        ),
        Binding(
            "d,delete",
            "delete",
            N_("Delete"),
            tooltip=N_("Remove the person (asks first)"),
            id="powermap.delete",
        ),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="powermap.reload"),
    ]

    def __init__(self, code: str) -> None:
        super().__init__(code)
        #: Support steps not saved yet: contact id -> (the contact as read, the value wanted).
        self._support: dict[int, tuple[ContactView, int]] = {}
        self._support_timer: Timer | None = None

    def compose_panel(self) -> ComposeResult:
        yield Static(id="gaps", classes="panel")

    def rows(self, m: DealMethodsView) -> list[ContactView | Section]:
        out: list[ContactView | Section] = []
        for role, people in sorted_contacts(m.contacts):
            heading = _("{role} ({n}) · {meaning}").format(
                role=_(role.label), n=len(people), meaning=_(role.meaning)
            )
            out.append(Section(heading, role))
            out += people
        return out

    def key(self, c: ContactView) -> Hashable:
        return ("contact", c.id)

    def empty_text(self) -> str:
        return _("Nobody mapped yet: a adds the first person of the decision chain.")

    def show_panel(self) -> None:
        assert self.m is not None
        gaps = self.m.gaps
        text = Text()
        if not gaps:
            text.append(
                "✓ " + _("No gaps: key deciders for us, a coach, every person owned and met."),
                style="green",
            )
        else:
            text.append(_("Gaps ({n})").format(n=len(gaps)), style="bold")
            for gap in gaps[:6]:
                serious = gap.kind in SERIOUS
                text.append("\n")
                text.append("▲ " if serious else "△ ", style="bold red" if serious else "yellow")
                text.append(one_line(gap.message))
            if len(gaps) > 6:
                text.append("\n" + _("… and {n} more").format(n=len(gaps) - 6), style="dim")
        self.query_one("#gaps", Static).update(text)

    def render_row(self, c: ContactView, width: int) -> Text:
        text = Text(" ")
        text.append(KEY_MARK if c.key_decider else " ", style="bold yellow")
        text.append(" ")
        text.append_text(support_text(self._support.get(c.id, (c, c.support))[1]))
        text.append(f"  {c.influence}", style="bold" if c.influence >= 4 else "")
        text.append(" ")
        owner = one_line(c.owner_name or c.owner or _("no owner"))
        leans = f"→{one_line(c.leaning_to)}" if c.leaning_to else ""
        met = self._met(c)
        tail_width = 14 + 1 + 12 + 1 + 9
        who_width = max(10, width - cell_len(text.plain) - tail_width - 1)
        text.append(fit(one_line(c.who), who_width))
        text.append(" ")
        text.append(fit(owner, 14), style="dim" if c.owner else "bold red")
        text.append(" ")
        text.append(fit(leans, 12), style="magenta")
        text.append(" ")
        stale = c.last_contact is None or (self.today - c.last_contact).days > 30
        text.append(fit(met, 9, right=True), style="yellow" if stale else "dim")
        return text

    def _met(self, c: ContactView) -> str:
        if c.last_contact is None:
            return _("never met")
        days = (self.today - c.last_contact).days
        return _("today") if days == 0 else _("{n}d ago").format(n=days)

    def detail(self, c: ContactView) -> Text | None:
        text = Text()
        text.append(one_line(c.who), style="bold")
        text.append(f" · {_(c.role.label)}")
        if c.key_decider:
            text.append(f" · {KEY_MARK} " + _("key decider"), style="bold yellow")
        influence = _(INFLUENCE_LABELS[c.influence])
        text.append(" · " + _("influence {n} {label}").format(n=c.influence, label=influence))
        text.append(" · " + _("support") + " ")
        text.append(
            f"{format_support(c.support)} {_(SUPPORT_LABELS[c.support])}",
            style=support_style(c.support),
        )
        text.append("\n" + _("owner {name}").format(name=c.owner_name or c.owner or "—"))
        text.append(" · " + _("leans to {name}").format(name=c.leaning_to or "—"))
        met = str(c.last_contact) if c.last_contact else _("never")
        text.append(" · " + _("last contact {day}").format(day=met))
        if c.note:
            text.append("\n")
            text.append(c.note, style="italic")
        return text

    # --- actions ---------------------------------------------------------------------

    def _contact(self) -> ContactView | None:
        row = self.rows_list.current
        return row if isinstance(row, ContactView) else None

    def _competitors(self) -> list[str]:
        return [c.name for c in self.m.competitors] if self.m else []

    def action_add(self) -> None:
        code = self.code

        def submit(v: FormValues) -> Job[ContactView]:
            contact = contact_from(v)
            return lambda store: store.powermap.add_contact(code, contact, note=v.text("note"))

        form = FormScreen(
            _("New person on the power map of {code}").format(code=code),
            contact_fields(None, self.people, self._competitors()),
            submit,
            self.today,
        )
        self.app.push_screen(form, self.after_form(_("Added to the power map")))

    def action_edit(self) -> None:
        c = self._contact()
        if c is None:
            return
        people, competitors = self.people, self._competitors()

        def submit(v: FormValues) -> Job[ContactView]:
            fields = asdict(contact_from(v))
            return lambda store: store.powermap.update_contact(
                c.id, ContactUpdate(note=v.text("note"), **fields), version=v.version
            )

        form = FormScreen.edit(
            one_line(c.who),
            c,
            lambda now: contact_fields(now, people, competitors),
            submit,
            self.today,
        )
        self.app.push_screen(form, self.after_form(_("Saved")))

    def action_support(self, step: int) -> None:
        """One step of support, shown at once and saved when the keys pause: ``+`` ``+``
        ``-`` in a row is one change, and one line in the log, the agenda and the standup
        ("support of X rose from −1 to 0"), not three."""
        c = self._contact()
        if c is None:
            return
        read, wanted = self._support.get(c.id, (c, c.support))
        new = wanted + step
        if not SUPPORT_MIN <= new <= SUPPORT_MAX:
            self.notify(
                _("Support is already {value}.").format(value=format_support(wanted)),
                timeout=3,
                markup=False,
            )
            return
        self._support[c.id] = (read, new)
        self.rows_list.refresh()
        if self._support_timer is not None:
            self._support_timer.stop()
        self._support_timer = self.set_timer(SUPPORT_PAUSE, self.save_support)

    def save_support(self) -> None:
        """Save the support steps pressed so far, one change per person."""
        pending, self._support = self._support, {}
        if self._support_timer is not None:
            self._support_timer.stop()
            self._support_timer = None
        for read, new in pending.values():
            if new == read.support:
                continue

            def job(version: int, cid: int = read.id, new: int = new) -> Job[ContactView]:
                return lambda store: store.powermap.update_contact(
                    cid, ContactUpdate(support=new), version=version
                )

            said = (
                _("Support of {who} rose from {old} to {new}")
                if new > read.support
                else _("Support of {who} fell from {old} to {new}")
            )
            who, shown = one_line(read.who), format_support(new)
            self.write(
                job(read.version),
                said.format(who=who, old=format_support(read.support), new=shown),
                what=_("Support of {who}").format(who=who),
                yours=partial(str, shown),
                theirs=lambda now: format_support(now.support),
                retry=job,
            )

    def action_back(self) -> None:
        self.save_support()
        super().action_back()

    def action_contacted(self) -> None:
        c = self._contact()
        if c is None:
            return
        today: date = self.today

        def job(version: int) -> Job[ContactView]:
            return lambda store: store.powermap.update_contact(
                c.id, ContactUpdate(last_contact=today), version=version
            )

        self.write(
            job(c.version),
            _("Met {who} today").format(who=one_line(c.who)),
            what=_("Last contact with {who}").format(who=one_line(c.who)),
            yours=lambda: today.isoformat(),
            theirs=lambda now: str(now.last_contact or _("never")),
            retry=job,
        )

    def action_delete(self) -> None:
        c = self._contact()
        if c is None:
            return

        self.remove_after_asking(
            _("Remove “{who}” from the power map?").format(who=one_line(c.who)),
            lambda store: store.powermap.delete_contact(c.id, version=c.version),
            _("Removed {who}").format(who=one_line(c.who)),
        )
