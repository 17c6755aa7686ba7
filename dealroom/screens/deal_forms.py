"""The forms of the deal room: what each asks for and which store command it runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

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
from dealroom.screens.form import FormField, FormScreen
from dealroom.store.inputs import DealUpdate, HandoffUpdate, RiskUpdate, TaskUpdate
from dealroom.store.views import DealView, HandoffView, PersonView, RiskView, TaskView


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
) -> FormScreen:
    fields = task_fields(task, people, owner)
    if task is None:

        def submit(v: dict[str, Any]) -> Any:
            return lambda s: s.items.add_task(
                code,
                role,
                v["title"],
                owner=v["owner"],
                due=v["due"],
                status=TaskStatus(v["status"]),
                stage=v["stage"] and rules.parse_stage(v["stage"]),
                note=v["note"] or "",
            )

        return FormScreen(f"New {role.value} task on {code}", fields, submit, today)

    def update(v: dict[str, Any]) -> Any:
        return lambda s: s.items.update_task(
            task.id,
            TaskUpdate(
                title=v["title"],
                owner=v["owner"],
                due=v["due"],
                status=v["status"],
                stage=v["stage"],
                note=v["note"] or "",
            ),
            version=v["version"],
        )

    return FormScreen(
        f"Task #{task.id}",
        fields,
        update,
        today,
        version=task.version,
        theirs=lambda now: task_fields(now, people),
    )


def _scale(name: str) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise RuleError(f"{name} must be a whole number from 1 to 5", field=name) from None
        return rules.check_scale(value, field=name)

    return parse


RuleError = rules.RuleError


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
) -> FormScreen:
    fields = risk_fields(risk, people, owner)
    if risk is None:

        def submit(v: dict[str, Any]) -> Any:
            return lambda s: s.items.add_risk(
                code,
                role,
                v["title"],
                likelihood=v["likelihood"],
                impact=v["impact"],
                mitigation=v["mitigation"] or "",
                owner=v["owner"],
                status=RiskStatus(v["status"]),
            )

        return FormScreen(f"New {role.value} risk on {code}", fields, submit, today)

    def update(v: dict[str, Any]) -> Any:
        return lambda s: s.items.update_risk(
            risk.id,
            RiskUpdate(
                title=v["title"],
                likelihood=v["likelihood"],
                impact=v["impact"],
                mitigation=v["mitigation"] or "",
                owner=v["owner"],
                status=v["status"],
            ),
            version=v["version"],
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
) -> FormScreen:
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

        def submit(v: dict[str, Any]) -> Any:
            return lambda s: s.items.add_handoff(
                code,
                role,
                Role(v["to_role"]),
                v["title"],
                note=v["note"] or "",
                due=v["due"],
                send=v["send"] == "yes",
            )

        return FormScreen(f"New handoff from {role.value} on {code}", fields, submit, today)

    def update(v: dict[str, Any]) -> Any:
        return lambda s: s.items.update_handoff(
            handoff.id,
            HandoffUpdate(
                title=v["title"], to_role=v["to_role"], due=v["due"], note=v["note"] or ""
            ),
            version=v["version"],
        )

    return FormScreen(
        f"Handoff #{handoff.id}",
        fields,
        update,
        today,
        version=handoff.version,
        theirs=lambda now: handoff_fields(now, role),
    )


def reason_form(title: str, label: str, today: date, submit: Any) -> FormScreen:
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


def deal_form(deal: DealView, today: date) -> FormScreen:
    def submit(v: dict[str, Any]) -> Any:
        values = dict(v)
        version = values.pop("version")
        return lambda s: s.deals.update_deal(deal.code, DealUpdate(**values), version=version)

    return FormScreen(
        f"Deal {deal.code}",
        deal_fields(deal),
        submit,
        today,
        version=deal.version,
        theirs=deal_fields,
    )


def status_form(deal: DealView, today: date) -> FormScreen:
    choices = [(st.value, st.value) for st in DealStatus if st is not deal.status]
    fields = [
        FormField(
            "status", "Mark the deal", choices[0][1], kind="choice", choices=choices, required=True
        ),
        FormField("reason", "Reason (needed for lost and dropped)", ""),
    ]

    def submit(v: dict[str, Any]) -> Any:
        return lambda s: s.deals.set_status(
            deal.code, DealStatus(v["status"]), v["reason"] or "", version=deal.version
        )

    return FormScreen(f"Status of {deal.code} (now {deal.status.value})", fields, submit, today)


def member_form(deal: DealView, people: Sequence[PersonView], today: date) -> FormScreen:
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

    def submit(v: dict[str, Any]) -> Any:
        return lambda s: s.deals.set_member(deal.code, Role(v["role"]), v["person"])

    return FormScreen(f"Members of {deal.code}", fields, submit, today)
