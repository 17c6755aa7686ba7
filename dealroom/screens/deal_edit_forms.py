"""The forms of the deal itself: its fields, its status, its members."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dealroom.domain import (
    DealStatus,
    Level,
    Role,
    RuleError,
    rules,
)
from dealroom.i18n import _, pgettext
from dealroom.screens.deal_forms import day_text, people_choices, required_int
from dealroom.screens.form import FormField, FormScreen
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.store.inputs import DealUpdate
from dealroom.store.views import DealRoomView, DealView, PersonView
from dealroom.widgets.rows import STATUS_WORDS


def deal_fields(deal: DealView) -> list[FormField]:
    return [
        FormField("name", _("Name"), deal.name, required=True),
        FormField("account", _("Account"), deal.account, required=True),
        FormField(
            "amount",
            _("Amount"),
            str(deal.amount),
            required=True,
            parse=rules.parse_amount,
            hint=_("whole units: 1200000, 1.2m, 300k"),
        ),
        FormField(
            "currency", _("Currency"), deal.currency, required=True, parse=rules.check_currency
        ),
        FormField("close_date", _("Expected close"), day_text(deal.close_date), kind="date"),
        FormField(
            "level",
            _("Project level"),
            deal.level.value,
            kind="choice",
            required=True,
            choices=[(lv.value, lv.value) for lv in Level],
        ),
        FormField(
            "probability",
            _("Probability % (empty: stage default)"),
            "" if deal.probability_override is None else str(deal.probability_override),
            parse=rules.parse_probability,
        ),
    ]


def deal_form(deal: DealView, today: date) -> FormScreen[DealView]:
    def submit(v: FormValues) -> Job[DealView]:
        return lambda store: store.deals.update_deal(
            deal.code,
            DealUpdate(
                name=v.text("name"),
                account=v.text("account"),
                amount=required_int(v, "amount"),
                currency=v.text("currency"),
                close_date=v.date("close_date"),
                level=Level(v.text("level")),
                probability=v.int("probability"),
            ),
            version=v.version,
        )

    return FormScreen.edit(
        _("Deal {code}").format(code=deal.code), deal, deal_fields, submit, today
    )


def status_form(deal: DealView, today: date) -> FormScreen[DealView]:
    choices = [(_(STATUS_WORDS[st]), st.value) for st in DealStatus if st is not deal.status]
    fields = [
        FormField(
            "status",
            _("Mark the deal"),
            choices[0][1],
            kind="choice",
            choices=choices,
            required=True,
        ),
        FormField("reason", _("Reason (needed for lost and dropped)"), ""),
    ]

    def submit(v: FormValues) -> Job[DealView]:
        return lambda store: store.deals.set_status(
            deal.code, DealStatus(v.text("status")), v.text("reason"), version=deal.version
        )

    title = _("Status of {code} (now {status})").format(
        code=deal.code, status=_(STATUS_WORDS[deal.status])
    )
    return FormScreen(title, fields, submit, today)


def member_form(room: DealRoomView, people: Sequence[PersonView], today: date) -> FormScreen[int]:
    """The deal's members as they are: one person per AR, SR, FR and sponsor (clear a
    field to take them off), and the experts as a list of handles."""
    deal = room.deal
    held = {m.role: m.handle for m in room.members if m.role.single}
    experts = [m.handle for m in room.members if m.role is Role.EXPERT]
    hints = {
        Role.SPONSOR: _("approves the gates and receives escalations"),
    }
    fields = [
        FormField(
            role.value,
            f"{role.value} · {role.long_name}"
            if role.is_lead
            else pgettext("the sponsor's field in the members form", "sponsor · Sponsor"),
            held.get(role, ""),
            kind="choice",
            choices=people_choices(people),
            hint=hints.get(role, _("empty: nobody")),
        )
        for role in Role
        if role.single
    ]
    known = {p.handle for p in people}

    def handles(text: str) -> list[str]:
        found = [h for h in (part.strip() for part in text.replace(",", " ").split()) if h]
        unknown = [h for h in found if h not in known]
        if unknown:
            said = _("nobody has the handle {handles}").format(handles=", ".join(unknown))
            raise RuleError(said, field="experts")
        return found

    fields.append(
        FormField(
            "experts",
            _("Experts"),
            ", ".join(experts),
            hint=_("handles, separated by commas: {handles}").format(
                handles=", ".join(sorted(known)[:6])
            ),
        )
    )

    def submit(v: FormValues) -> Job[int]:
        holders = {role: v.choice(role.value) for role in Role if role.single}
        wanted = handles(v.text("experts"))
        return lambda store: store.deals.set_members(deal.code, holders, wanted)

    return FormScreen(_("Members of {code}").format(code=deal.code), fields, submit, today)
