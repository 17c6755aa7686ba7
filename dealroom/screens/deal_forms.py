"""The forms of the deal room: what each asks for and which store command it runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from dealroom.domain import (
    STAGES,
    TRIANGLE,
    RiskStatus,
    Role,
    TaskStatus,
    rules,
)
from dealroom.i18n import _, pgettext
from dealroom.screens.form import FormField, FormScreen, Submit
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.store.inputs import HandoffUpdate, RiskUpdate, TaskUpdate
from dealroom.store.views import HandoffView, PersonView, RiskView, TaskView
from dealroom.widgets.rows import ITEM_STATES


def people_choices(people: Sequence[PersonView]) -> list[tuple[str, str]]:
    return [(p.name, p.handle) for p in people]


def day_text(d: date | None) -> str:
    return d.isoformat() if d else ""


def task_fields(
    task: TaskView | None, people: Sequence[PersonView], owner: str | None = None
) -> list[FormField]:
    return [
        FormField(
            "title",
            _("Title"),
            task.title if task else "",
            required=True,
            placeholder=_("what, with its check point"),
        ),
        FormField(
            "owner",
            _("Owner"),
            (task.owner if task else owner) or "",
            kind="choice",
            choices=people_choices(people),
        ),
        FormField("due", _("Due"), day_text(task.due) if task else "", kind="date"),
        FormField(
            "status",
            _("Status"),
            task.status.value if task else "todo",
            kind="choice",
            choices=[(_(ITEM_STATES[s.value]), s.value) for s in TaskStatus],
            required=True,
        ),
        FormField(
            "stage",
            _("Serves stage"),
            task.stage.value if task and task.stage else "",
            kind="choice",
            choices=[(_(s.label), s.value) for s in STAGES],
        ),
        FormField("note", _("Note"), task.note if task else ""),
    ]


def task_form(
    code: str,
    role: Role,
    people: Sequence[PersonView],
    today: date,
    task: TaskView | None = None,
    owner: str | None = None,
) -> FormScreen[TaskView]:
    if task is None:

        def submit(v: FormValues) -> Job[TaskView]:
            stage = v.choice("stage")
            return lambda store: store.items.add_task(
                code,
                role,
                v.text("title"),
                owner=v.choice("owner"),
                due=v.date("due"),
                status=TaskStatus(v.text("status")),
                stage=rules.parse_stage(stage) if stage else None,
                note=v.text("note"),
            )

        return FormScreen(
            _("New {role} task on {code}").format(role=role.value, code=code),
            task_fields(None, people, owner),
            submit,
            today,
        )

    def update(v: FormValues) -> Job[TaskView]:
        return lambda store: store.items.update_task(
            task.id,
            TaskUpdate(
                title=v.text("title"),
                owner=v.choice("owner"),
                due=v.date("due"),
                status=TaskStatus(v.text("status")),
                stage=rules.parse_stage(v.text("stage")) if v.text("stage") else None,
                note=v.text("note"),
            ),
            version=v.version,
        )

    return FormScreen.edit(
        _("Task #{id}").format(id=task.id),
        task,
        lambda now: task_fields(now, people),
        update,
        today,
    )


def _scale(name: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            said = _("{field} must be a whole number from 1 to 5").format(
                field=rules.field_label(name)
            )
            raise RuleError(said, field=name) from None
        return rules.check_scale(value, field=name)

    return parse


RuleError = rules.RuleError


def required_int(v: FormValues, name: str) -> int:
    value = v.int(name)
    if value is None:
        raise RuleError(_("{field} is required").format(field=rules.field_label(name)), field=name)
    return value


def risk_fields(
    risk: RiskView | None, people: Sequence[PersonView], owner: str | None = None
) -> list[FormField]:
    return [
        FormField("title", _("Risk"), risk.title if risk else "", required=True),
        FormField(
            "likelihood",
            _("Likelihood 1-5"),
            str(risk.likelihood) if risk else "3",
            required=True,
            parse=_scale("likelihood"),
        ),
        FormField(
            "impact",
            _("Impact 1-5"),
            str(risk.impact) if risk else "3",
            required=True,
            parse=_scale("impact"),
            hint=_("exposure = likelihood × impact; 15+ is high"),
        ),
        FormField("mitigation", _("Mitigation"), risk.mitigation if risk else ""),
        FormField(
            "owner",
            _("Owner"),
            (risk.owner if risk else owner) or "",
            kind="choice",
            choices=people_choices(people),
        ),
        FormField(
            "status",
            _("Status"),
            risk.status.value if risk else "open",
            kind="choice",
            choices=[(_(ITEM_STATES[s.value]), s.value) for s in RiskStatus],
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
    if risk is None:

        def submit(v: FormValues) -> Job[RiskView]:
            likelihood, impact = required_int(v, "likelihood"), required_int(v, "impact")
            return lambda store: store.items.add_risk(
                code,
                role,
                v.text("title"),
                likelihood=likelihood,
                impact=impact,
                mitigation=v.text("mitigation"),
                owner=v.choice("owner"),
                status=RiskStatus(v.text("status")),
            )

        return FormScreen(
            _("New {role} risk on {code}").format(role=role.value, code=code),
            risk_fields(None, people, owner),
            submit,
            today,
        )

    def update(v: FormValues) -> Job[RiskView]:
        return lambda store: store.items.update_risk(
            risk.id,
            RiskUpdate(
                title=v.text("title"),
                likelihood=required_int(v, "likelihood"),
                impact=required_int(v, "impact"),
                mitigation=v.text("mitigation"),
                owner=v.choice("owner"),
                status=RiskStatus(v.text("status")),
            ),
            version=v.version,
        )

    return FormScreen.edit(
        _("Risk #{id}").format(id=risk.id),
        risk,
        lambda now: risk_fields(now, people),
        update,
        today,
    )


def handoff_fields(handoff: HandoffView | None, role: Role) -> list[FormField]:
    others = [r for r in TRIANGLE if r is not role]
    return [
        FormField(
            "title", _("What is handed over"), handoff.title if handoff else "", required=True
        ),
        FormField(
            "to_role",
            pgettext("a handoff's receiving role", "To"),
            handoff.to_role.value if handoff else others[0].value,
            kind="choice",
            choices=[(r.value, r.value) for r in TRIANGLE],
            required=True,
        ),
        FormField("due", _("Due"), day_text(handoff.due) if handoff else "", kind="date"),
        FormField("note", _("Note"), handoff.note if handoff else ""),
    ]


def handoff_form(
    code: str, role: Role, today: date, handoff: HandoffView | None = None
) -> FormScreen[HandoffView]:
    if handoff is None:
        fields = handoff_fields(None, role)
        fields.append(
            FormField(
                "send",
                _("Send now?"),
                "yes",
                kind="choice",
                choices=[(_("yes, send it"), "yes"), (_("no, keep a draft"), "no")],
                required=True,
            )
        )

        def submit(v: FormValues) -> Job[HandoffView]:
            return lambda store: store.items.add_handoff(
                code,
                role,
                Role(v.text("to_role")),
                v.text("title"),
                note=v.text("note"),
                due=v.date("due"),
                send=v.choice("send") == "yes",
            )

        title = _("New handoff from {role} on {code}").format(role=role.value, code=code)
        return FormScreen(title, fields, submit, today)

    def update(v: FormValues) -> Job[HandoffView]:
        return lambda store: store.items.update_handoff(
            handoff.id,
            HandoffUpdate(
                title=v.text("title"),
                to_role=Role(v.text("to_role")),
                due=v.date("due"),
                note=v.text("note"),
            ),
            version=v.version,
        )

    return FormScreen.edit(
        _("Handoff #{id}").format(id=handoff.id),
        handoff,
        lambda now: handoff_fields(now, role),
        update,
        today,
    )


def reason_form(
    title: str, label: str, today: date, submit: Submit[HandoffView]
) -> FormScreen[HandoffView]:
    return FormScreen(title, [FormField("reason", label, required=True)], submit, today)
