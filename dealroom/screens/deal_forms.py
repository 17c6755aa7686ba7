"""The forms of the deal room: what each asks for and which store command it runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from dealroom.domain import (
    STAGES,
    TRIANGLE,
    DealStatus,
    Level,
    RiskStatus,
    Role,
    TaskStatus,
    rules,
)
from dealroom.screens.form import FormField, FormScreen, Submit
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.store.views import DealView, HandoffView, PersonView, RiskView, TaskView

if TYPE_CHECKING:
    from dealroom.store import Store


def _people(people: Sequence[PersonView]) -> list[tuple[str, str]]:
    return [(p.name, p.handle) for p in people]


def _day(d: date | None) -> str:
    return d.isoformat() if d else ""


def task_fields(
    task: TaskView | None, people: Sequence[PersonView], owner: str | None = None
) -> list[FormField]:
    return [
        FormField(
            "title",
            "Title",
            task.title if task else "",
            required=True,
            placeholder="what, with its check point",
        ),
        FormField(
            "owner",
            "Owner",
            (task.owner if task else owner) or "",
            kind="choice",
            choices=_people(people),
        ),
        FormField("due", "Due", _day(task.due) if task else "", kind="date"),
        FormField(
            "status",
            "Status",
            task.status.value if task else "todo",
            kind="choice",
            choices=[(s.value, s.value) for s in TaskStatus],
            required=True,
        ),
        FormField(
            "stage",
            "Serves stage",
            task.stage.value if task and task.stage else "",
            kind="choice",
            choices=[(s.label, s.value) for s in STAGES],
        ),
        FormField("note", "Note", task.note if task else ""),
    ]


def task_form(
    code: str,
    role: Role,
    people: Sequence[PersonView],
    today: date,
    task: TaskView | None = None,
    owner: str | None = None,
) -> FormScreen[TaskView]:
    fields = task_fields(task, people, owner)
    if task is None:

        def submit(v: FormValues) -> Job[TaskView]:
            stage = v.choice("stage")
            return lambda store: store.add_task(
                code,
                role,
                v.text("title"),
                owner=v.choice("owner"),
                due=v.date("due"),
                status=TaskStatus(v.text("status")),
                stage=rules.parse_stage(stage) if stage else None,
                note=v.text("note"),
            )

        return FormScreen(f"New {role.value} task on {code}", fields, submit, today)

    def update(v: FormValues) -> Job[TaskView]:
        return lambda store: store.update_task(
            task.id,
            version=v.version,
            title=v.text("title"),
            owner=v.choice("owner"),
            due=v.date("due"),
            status=v.choice("status"),
            stage=v.choice("stage"),
            note=v.text("note"),
        )

    return FormScreen(
        f"Task #{task.id}",
        fields,
        update,
        today,
        version=task.version,
        theirs=lambda now: task_fields(now, people),
    )


def _scale(name: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise RuleError(f"{name} must be a whole number from 1 to 5", field=name) from None
        return rules.check_scale(value, field=name)

    return parse


RuleError = rules.RuleError


def _required_int(v: FormValues, name: str) -> int:
    value = v.int(name)
    if value is None:
        raise RuleError(f"{name} is required", field=name)
    return value


def risk_fields(
    risk: RiskView | None, people: Sequence[PersonView], owner: str | None = None
) -> list[FormField]:
    return [
        FormField("title", "Risk", risk.title if risk else "", required=True),
        FormField(
            "likelihood",
            "Likelihood 1-5",
            str(risk.likelihood) if risk else "3",
            required=True,
            parse=_scale("likelihood"),
        ),
        FormField(
            "impact",
            "Impact 1-5",
            str(risk.impact) if risk else "3",
            required=True,
            parse=_scale("impact"),
            hint="exposure = likelihood × impact; 15+ is high",
        ),
        FormField("mitigation", "Mitigation", risk.mitigation if risk else ""),
        FormField(
            "owner",
            "Owner",
            (risk.owner if risk else owner) or "",
            kind="choice",
            choices=_people(people),
        ),
        FormField(
            "status",
            "Status",
            risk.status.value if risk else "open",
            kind="choice",
            choices=[(s.value, s.value) for s in RiskStatus],
            required=True,
        ),
    ]


def risk_form(
    code: str,
    role: Role,
    people: Sequence[PersonView],
    today: date,
    risk: RiskView | None = None,
    owner: str | None = None,
) -> FormScreen[RiskView]:
    fields = risk_fields(risk, people, owner)
    if risk is None:

        def submit(v: FormValues) -> Job[RiskView]:
            likelihood, impact = _required_int(v, "likelihood"), _required_int(v, "impact")
            return lambda store: store.add_risk(
                code,
                role,
                v.text("title"),
                likelihood=likelihood,
                impact=impact,
                mitigation=v.text("mitigation"),
                owner=v.choice("owner"),
                status=RiskStatus(v.text("status")),
            )

        return FormScreen(f"New {role.value} risk on {code}", fields, submit, today)

    def update(v: FormValues) -> Job[RiskView]:
        return lambda store: store.update_risk(
            risk.id,
            version=v.version,
            title=v.text("title"),
            likelihood=v.int("likelihood"),
            impact=v.int("impact"),
            mitigation=v.text("mitigation"),
            owner=v.choice("owner"),
            status=v.choice("status"),
        )

    return FormScreen(
        f"Risk #{risk.id}",
        fields,
        update,
        today,
        version=risk.version,
        theirs=lambda now: risk_fields(now, people),
    )


def handoff_fields(handoff: HandoffView | None, role: Role) -> list[FormField]:
    others = [r for r in TRIANGLE if r is not role]
    return [
        FormField("title", "What is handed over", handoff.title if handoff else "", required=True),
        FormField(
            "to_role",
            "To",
            handoff.to_role.value if handoff else others[0].value,
            kind="choice",
            choices=[(r.value, r.value) for r in TRIANGLE],
            required=True,
        ),
        FormField("due", "Due", _day(handoff.due) if handoff else "", kind="date"),
        FormField("note", "Note", handoff.note if handoff else ""),
    ]


def handoff_form(
    code: str, role: Role, today: date, handoff: HandoffView | None = None
) -> FormScreen[HandoffView]:
    fields = handoff_fields(handoff, role)
    if handoff is None:
        fields.append(
            FormField(
                "send",
                "Send now?",
                "yes",
                kind="choice",
                choices=[("yes, send it", "yes"), ("no, keep a draft", "no")],
                required=True,
            )
        )

        def submit(v: FormValues) -> Job[HandoffView]:
            return lambda store: store.add_handoff(
                code,
                role,
                Role(v.text("to_role")),
                v.text("title"),
                note=v.text("note"),
                due=v.date("due"),
                send=v.choice("send") == "yes",
            )

        return FormScreen(f"New handoff from {role.value} on {code}", fields, submit, today)

    def update(v: FormValues) -> Job[HandoffView]:
        return lambda store: store.update_handoff(
            handoff.id,
            version=v.version,
            title=v.text("title"),
            to_role=v.choice("to_role"),
            due=v.date("due"),
            note=v.text("note"),
        )

    return FormScreen(
        f"Handoff #{handoff.id}",
        fields,
        update,
        today,
        version=handoff.version,
        theirs=lambda now: handoff_fields(now, role),
    )


def reason_form(
    title: str, label: str, today: date, submit: Submit[HandoffView]
) -> FormScreen[HandoffView]:
    return FormScreen(title, [FormField("reason", label, required=True)], submit, today)


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
        FormField("close_date", "Expected close", _day(deal.close_date), kind="date"),
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
        return lambda store: store.update_deal(
            deal.code,
            version=v.version,
            name=v.text("name"),
            account=v.text("account"),
            amount=v.int("amount"),
            currency=v.text("currency"),
            close_date=v.date("close_date"),
            level=v.text("level"),
            probability=v.int("probability"),
        )

    return FormScreen(
        f"Deal {deal.code}",
        deal_fields(deal),
        submit,
        today,
        version=deal.version,
        theirs=deal_fields,
    )


def status_form(deal: DealView, today: date) -> FormScreen[DealView]:
    choices = [(st.value, st.value) for st in DealStatus if st is not deal.status]
    fields = [
        FormField(
            "status", "Mark the deal", choices[0][1], kind="choice", choices=choices, required=True
        ),
        FormField("reason", "Reason (needed for lost and dropped)", ""),
    ]

    def submit(v: FormValues) -> Job[DealView]:
        return lambda store: store.set_status(
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
        FormField("person", "Person", "", kind="choice", required=True, choices=_people(people)),
    ]

    def submit(v: FormValues) -> Job[Role]:
        role, person = Role(v.text("role")), v.text("person")

        def job(store: Store) -> Role:
            store.set_member(deal.code, role, person)
            return role  # the role given a person: the form closes with it

        return job

    return FormScreen(f"Members of {deal.code}", fields, submit, today)
