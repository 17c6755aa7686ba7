"""The forms of the deal itself: its fields, its status, its members."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from dealroom.domain import (
    DealStatus,
    Level,
    Role,
    rules,
)
from dealroom.screens.form import FormField, FormScreen
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.store.inputs import DealUpdate
from dealroom.store.views import DealView, PersonView

if TYPE_CHECKING:
    from dealroom.store import Store


from dealroom.screens.deal_forms import day_text, people_choices, required_int


def deal_fields(deal: DealView) -> list[FormField]:
    return [
        FormField("name", "Name", deal.name, required=True),
        FormField("account", "Account", deal.account, required=True),
        FormField(
            "amount",
            "Amount",
            str(deal.amount),
            required=True,
            parse=rules.parse_amount,
            hint="whole units: 1200000, 1.2m, 300k",
        ),
        FormField("currency", "Currency", deal.currency, required=True, parse=rules.check_currency),
        FormField("close_date", "Expected close", day_text(deal.close_date), kind="date"),
        FormField(
            "level",
            "Project level",
            deal.level.value,
            kind="choice",
            required=True,
            choices=[(lv.value, lv.value) for lv in Level],
        ),
        FormField(
            "probability",
            "Probability % (empty: stage default)",
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

    return FormScreen.edit(f"Deal {deal.code}", deal, deal_fields, submit, today)


def status_form(deal: DealView, today: date) -> FormScreen[DealView]:
    choices = [(st.value, st.value) for st in DealStatus if st is not deal.status]
    fields = [
        FormField(
            "status", "Mark the deal", choices[0][1], kind="choice", choices=choices, required=True
        ),
        FormField("reason", "Reason (needed for lost and dropped)", ""),
    ]

    def submit(v: FormValues) -> Job[DealView]:
        return lambda store: store.deals.set_status(
            deal.code, DealStatus(v.text("status")), v.text("reason"), version=deal.version
        )

    return FormScreen(f"Status of {deal.code} (now {deal.status.value})", fields, submit, today)


def member_form(deal: DealView, people: Sequence[PersonView], today: date) -> FormScreen[Role]:
    fields = [
        FormField(
            "role",
            "Role",
            "AR",
            kind="choice",
            required=True,
            choices=[(f"{r.value} · {r.long_name}", r.value) for r in Role],
        ),
        FormField(
            "person", "Person", "", kind="choice", required=True, choices=people_choices(people)
        ),
    ]

    def submit(v: FormValues) -> Job[Role]:
        role, person = Role(v.text("role")), v.text("person")

        def job(store: Store) -> Role:
            store.deals.set_member(deal.code, role, person)
            return role  # the role given a person: the form closes with it

        return job

    return FormScreen(f"Members of {deal.code}", fields, submit, today)
