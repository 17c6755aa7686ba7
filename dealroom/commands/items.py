"""Scriptable writes for chat-ops and cron: tasks, risks, handoffs, stage moves and gates.

Every command goes through the store, as the app does: the same rules, the same event log,
the same version check (an item changed by someone else between our read and our write is
a conflict, exit status 3). Each prints one line saying what was done, or with ``--json``
one JSON object. Item ids are the ``#N`` that ``dealroom show CODE`` prints; an id must
belong to the deal given.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text

from dealroom.commands import COMMANDS
from dealroom.commands.common import Context, UsageError, console, parse_day, state_word
from dealroom.domain import Gate, GateDecision, HandoffState, RiskStatus, TaskStatus, rules
from dealroom.i18n import N_, _
from dealroom.store.errors import NotFoundError
from dealroom.store.inputs import RiskUpdate, TaskUpdate
from dealroom.store.views import HandoffView, RiskView, TaskView
from dealroom.textutil import json_text, one_line

if TYPE_CHECKING:
    from dealroom.store import Store

TASK_VERBS = {
    "done": TaskStatus.DONE,
    "start": TaskStatus.DOING,
    "block": TaskStatus.BLOCKED,
    "reopen": TaskStatus.TODO,
}
RISK_VERBS = {
    "close": RiskStatus.CLOSED,
    "mitigate": RiskStatus.MITIGATING,
    "reopen": RiskStatus.OPEN,
}
#: What a decision on a handoff says it did: without the handoff's reason, and with it.
HANDOFF_DONE = {
    "accept": (N_("accepted {item} on {code}"), N_("accepted {item} on {code}: {reason}")),
    "reject": (N_("rejected {item} on {code}"), N_("rejected {item} on {code}: {reason}")),
    "withdraw": (N_("withdrew {item} on {code}"), N_("withdrew {item} on {code}: {reason}")),
}
GATE_VERBS = {
    "approve": GateDecision.APPROVED,
    "reject": GateDecision.REJECTED,
    "defer": GateDecision.DEFERRED,
}
#: What a gate decision says was recorded: without a note, and with one.
GATE_DONE = {
    GateDecision.APPROVED: (
        N_("approved {gate} ({meaning}) for {code}"),
        N_("approved {gate} ({meaning}) for {code}: {note}"),
    ),
    GateDecision.REJECTED: (
        N_("rejected {gate} ({meaning}) for {code}"),
        N_("rejected {gate} ({meaning}) for {code}: {note}"),
    ),
    GateDecision.DEFERRED: (
        N_("deferred {gate} ({meaning}) for {code}"),
        N_("deferred {gate} ({meaning}) for {code}: {note}"),
    ),
}
#: Help of the id argument, and the refusal of an id on another deal, per kind of item.
ID_HELP = {
    "task": N_("the task's #id, as `dealroom show CODE` prints it"),
    "risk": N_("the risk's #id, as `dealroom show CODE` prints it"),
    "handoff": N_("the handoff's #id, as `dealroom show CODE` prints it"),
}
NOT_ON_DEAL = {
    "task": N_(
        "task #{id} is not on {code}: `dealroom show {code}` lists its items with their ids"
    ),
    "risk": N_(
        "risk #{id} is not on {code}: `dealroom show {code}` lists its items with their ids"
    ),
    "handoff": N_(
        "handoff #{id} is not on {code}: `dealroom show {code}` lists its items with their ids"
    ),
}
HANDOFF_VERB_HELP = {
    "accept": N_("accept a sent handoff"),
    "reject": N_("reject a sent handoff"),
    "withdraw": N_("withdraw a sent handoff"),
}


# --- the command line ---------------------------------------------------------------------


def register(sub: Any) -> None:
    _register_tasks(sub)
    _register_risks(sub)
    _register_handoffs(sub)
    p = sub.add_parser(
        "stage",
        help=_(COMMANDS["stage"].help),
        description=_(
            "Move a deal along the LTC timeline. A forward move needs the gates it "
            "passes approved (`dealroom gate`); a move back needs a --reason. Every move is kept "
            "in the deal's stage history; each stage keeps the first day the deal entered it."
        ),
    )
    _deal_arg(p)
    p.add_argument(
        "target", metavar="next|prev|STAGE", help=_("next, prev, or a stage (name, 0-7)")
    )
    p.add_argument(
        "--reason", default="", help=_("why the deal moves back (needed for a move back; kept)")
    )
    _json_arg(p)
    p.set_defaults(handler=cmd_stage)

    p = sub.add_parser("gate", help=_(COMMANDS["gate"].help))
    _deal_arg(p)
    p.add_argument("gate", help=_("ATI, ATB, ATC, ATAC or ATCC"))
    p.add_argument("decision", type=str.lower, choices=list(GATE_VERBS))
    p.add_argument("--note", default="", help=_("why; kept with the decision"))
    _json_arg(p)
    p.set_defaults(handler=cmd_gate)


def _actions(sub: Any, name: str, help_text: str) -> Any:
    parser = sub.add_parser(name, help=_(help_text))
    return parser.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)


def _deal_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("code", metavar="CODE", help=_("deal code, e.g. ACME-5G"))


def _id_arg(p: argparse.ArgumentParser, kind: str, **options: Any) -> None:
    p.add_argument(
        "item_id",
        metavar=f"{kind.upper()}_ID",
        type=int,
        help=_(ID_HELP[kind]),
        **options,
    )


def _json_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help=_("print one JSON object instead"))


def _new_item_args(p: argparse.ArgumentParser) -> None:
    """A new task or risk: its deal, role, title and owner."""
    _deal_arg(p)
    p.add_argument("--role", required=True, help=_("AR, SR or FR"))
    p.add_argument("--title", required=True, help=_("what it is, in a few words"))
    p.add_argument("--owner", metavar="HANDLE", help=_("who owns it (a known person)"))


def _item_action(
    actions: Any, verb: str, kind: str, help_text: str, **defaults: Any
) -> argparse.ArgumentParser:
    """``KIND VERB CODE ID [--json]``: an action on one existing item of a deal."""
    p: argparse.ArgumentParser = actions.add_parser(verb, help=help_text)
    _deal_arg(p)
    _id_arg(p, kind)
    _json_arg(p)
    p.set_defaults(kind=kind, verb=verb, **defaults)
    return p


def _register_tasks(sub: Any) -> None:
    tasks = _actions(sub, "task", COMMANDS["task"].help)
    p = tasks.add_parser("add", help=_("a new task for AR, SR or FR on a deal"))
    _new_item_args(p)
    p.add_argument("--due", help=_("2026-12-01, +3d, fri, dec 1"))
    p.add_argument("--stage", help=_("the LTC stage it serves (default: the deal's stage)"))
    p.add_argument("--note", default="")
    _json_arg(p)
    p.set_defaults(handler=cmd_task_add)
    for verb, status in TASK_VERBS.items():
        help_text = _("set a task's status to {status}").format(status=state_word(status))
        _item_action(tasks, verb, "task", help_text, handler=cmd_status, status=status)


def _register_risks(sub: Any) -> None:
    risks = _actions(sub, "risk", COMMANDS["risk"].help)
    p = risks.add_parser("add", help=_("a new risk for AR, SR or FR on a deal"))
    _new_item_args(p)
    p.add_argument(
        "--likelihood", "--probability", type=int, default=3, help=_("1 (low) to 5 (high); 3")
    )
    p.add_argument("--impact", type=int, default=3, help=_("1 (low) to 5 (high); 3"))
    p.add_argument("--mitigation", default="", help=_("what is done about it"))
    _json_arg(p)
    p.set_defaults(handler=cmd_risk_add)
    escalate = _("escalate a risk to the sponsor")
    _item_action(risks, "escalate", "risk", escalate, handler=cmd_escalate)
    for verb, status in RISK_VERBS.items():
        help_text = _("set a risk's status to {status}").format(status=state_word(status))
        _item_action(risks, verb, "risk", help_text, handler=cmd_status, status=status)


def _register_handoffs(sub: Any) -> None:
    handoffs = _actions(sub, "handoff", COMMANDS["handoff"].help)
    p = handoffs.add_parser(
        "send",
        help=_("send a new handoff (--from, --to, --title), or HANDOFF_ID again"),
        description=_(
            "With --from, --to and --title: create a handoff and send it. With "
            "HANDOFF_ID: send a drafted or rejected handoff (again)."
        ),
    )
    _deal_arg(p)
    _id_arg(p, "handoff", nargs="?")
    _handoff_fields(p, required=False)
    p.set_defaults(handler=cmd_handoff_send, draft=False)
    p = handoffs.add_parser("draft", help=_("a new handoff, kept as a draft until sent"))
    _deal_arg(p)
    _handoff_fields(p, required=True)
    p.set_defaults(handler=cmd_handoff_send, item_id=None, draft=True)
    for verb in ("accept", "reject", "withdraw"):
        help_text = _(HANDOFF_VERB_HELP[verb])
        p = _item_action(handoffs, verb, "handoff", help_text, handler=cmd_handoff_move)
        if verb == "reject":
            p.add_argument("--reason", required=True, help=_("why; the sender sees it"))


def _handoff_fields(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--from", dest="from_role", metavar="ROLE", required=required, help="AR/SR/FR")
    p.add_argument("--to", dest="to_role", metavar="ROLE", required=required, help="AR/SR/FR")
    p.add_argument("--title", required=required, help=_("what is handed over"))
    p.add_argument("--due", help=_("2026-12-01, +3d, fri, dec 1"))
    p.add_argument("--note", default="")
    _json_arg(p)


# --- what each command does ---------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a command did: ``action`` on ``entity`` ``item`` of deal ``deal``."""

    action: str
    entity: str
    deal: str
    item: Any
    message: str
    changed: bool = True


def cmd_task_add(ctx: Context, args: argparse.Namespace) -> int:
    role = rules.parse_lead_role(args.role)
    stage = rules.parse_stage(args.stage) if args.stage else None
    with ctx.open() as store:
        due = parse_day(args.due, store.today(), "--due")
        task = store.items.add_task(
            args.code, role, args.title, owner=args.owner, due=due, stage=stage, note=args.note
        )
    code = _code(args.code)
    if task.owner_name and task.due:
        said = _("added {item} to {code}, owner {owner}, due {day}")
    elif task.owner_name:
        said = _("added {item} to {code}, owner {owner}")
    elif task.due:
        said = _("added {item} to {code}, due {day}")
    else:
        said = _("added {item} to {code}")
    message = said.format(
        item=_label(task), code=code, owner=one_line(task.owner_name or ""), day=task.due
    )
    return report(args, Outcome("add", "task", code, task, message))


def cmd_risk_add(ctx: Context, args: argparse.Namespace) -> int:
    role = rules.parse_lead_role(args.role)
    with ctx.open() as store:
        risk = store.items.add_risk(
            args.code,
            role,
            args.title,
            likelihood=args.likelihood,
            impact=args.impact,
            mitigation=args.mitigation,
            owner=args.owner,
        )
    code = _code(args.code)
    said = _(
        "opened {item} on {code}, exposure {exposure} (likelihood {likelihood} × impact {impact})"
    )
    message = said.format(
        item=_label(risk),
        code=code,
        exposure=risk.exposure,
        likelihood=risk.likelihood,
        impact=risk.impact,
    )
    return report(args, Outcome("add", "risk", code, risk, message))


def cmd_status(ctx: Context, args: argparse.Namespace) -> int:
    """``task done|start|block|reopen`` and ``risk close|mitigate|reopen``."""
    status = args.status
    with ctx.open() as store:
        before, code = item_on_deal(store, args.kind, args.item_id, args.code)
        if before.status is status:
            return report(args, _already(args.verb, args.kind, code, before, status))
        if args.kind == "task":
            after: TaskView | RiskView = store.items.update_task(
                before.id, TaskUpdate(status=status), version=before.version
            )
        else:
            after = store.items.update_risk(
                before.id, RiskUpdate(status=status), version=before.version
            )
    said = _("marked {item} on {code} {status}")
    message = said.format(item=_label(after), code=code, status=state_word(status))
    return report(args, Outcome(args.verb, args.kind, code, after, message))


def cmd_escalate(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open() as store:
        before, code = item_on_deal(store, "risk", args.item_id, args.code)
        if before.escalated:
            return report(args, _already("escalate", "risk", code, before, "escalated"))
        after = store.items.escalate_risk(before.id, version=before.version)
    message = _("escalated {item} on {code} to the sponsor").format(item=_label(after), code=code)
    return report(args, Outcome("escalate", "risk", code, after, message))


def cmd_handoff_send(ctx: Context, args: argparse.Namespace) -> int:
    fields = (args.from_role, args.to_role, args.title)
    if args.item_id is not None and any(f is not None for f in fields):
        raise UsageError(_("give either HANDOFF_ID or --from, --to and --title, not both"))
    if args.item_id is None and any(f is None for f in fields):
        raise UsageError(_("a new handoff needs --from, --to and --title (or give HANDOFF_ID)"))
    with ctx.open() as store:
        if args.item_id is None:
            handoff, code = _new_handoff(store, args), _code(args.code)
        else:
            before, code = item_on_deal(store, "handoff", args.item_id, args.code)
            handoff = store.items.send_handoff(before.id, version=before.version)
    said, action = (
        (_("drafted {item} on {code}"), "draft")
        if args.draft
        else (_("sent {item} on {code}"), "send")
    )
    message = said.format(item=_label(handoff), code=code)
    return report(args, Outcome(action, "handoff", code, handoff, message))


def _new_handoff(store: Any, args: argparse.Namespace) -> Any:
    sender, receiver = rules.parse_lead_role(args.from_role), rules.parse_lead_role(args.to_role)
    due = parse_day(args.due, store.today(), "--due")
    return store.items.add_handoff(
        args.code, sender, receiver, args.title, note=args.note, due=due, send=not args.draft
    )


#: The state each decision leaves a handoff in: asked again, it is already so.
SETTLED = {
    "accept": HandoffState.ACCEPTED,
    "reject": HandoffState.REJECTED,
    "withdraw": HandoffState.DRAFTED,
}


def cmd_handoff_move(ctx: Context, args: argparse.Namespace) -> int:
    """``handoff accept|reject|withdraw``."""
    with ctx.open() as store:
        before, code = item_on_deal(store, "handoff", args.item_id, args.code)
        items, version = store.items, before.version
        if before.state is SETTLED[args.verb]:  # a repeat changes nothing (cron may repeat)
            return report(args, _already(args.verb, "handoff", code, before, before.state.value))
        if args.verb == "reject":
            after = items.reject_handoff(before.id, args.reason, version=version)
        elif args.verb == "accept":
            after = items.accept_handoff(before.id, version=version)
        else:
            after = items.withdraw_handoff(before.id, version=version)
    plain, with_reason = HANDOFF_DONE[args.verb]
    said = _(with_reason) if after.reason else _(plain)
    message = said.format(item=_label(after), code=code, reason=one_line(after.reason or ""))
    return report(args, Outcome(args.verb, "handoff", code, after, message))


def cmd_stage(ctx: Context, args: argparse.Namespace) -> int:
    target = args.target.strip().lower()
    goal = target if target in ("next", "prev") else rules.parse_stage(target)
    with ctx.open() as store:
        before = store.reads.deal(args.code)
        after = store.deals.move_stage(
            before.code, goal, reason=args.reason, version=before.version
        )
    said = (
        _("moved {code} from {old} to {new} ({n}%)")
        if after.stage.order > before.stage.order
        else _("moved back {code} from {old} to {new} ({n}%)")
    )
    message = said.format(
        code=after.code,
        old=_(before.stage.label),
        new=_(after.stage.label),
        n=after.probability,
    )
    return report(args, Outcome("stage", "deal", after.code, after, message))


def cmd_gate(ctx: Context, args: argparse.Namespace) -> int:
    gate = rules.parse_choice(Gate, args.gate, field="gate")
    decision = GATE_VERBS[args.decision]
    with ctx.open() as store:
        view = store.deals.record_gate(args.code, gate, decision, args.note)
    code = _code(args.code)
    plain, with_note = GATE_DONE[decision]
    said = _(with_note) if view.note else _(plain)
    message = said.format(
        gate=gate.value, meaning=_(gate.meaning), code=code, note=one_line(view.note or "")
    )
    return report(args, Outcome(args.decision, "gate", code, view, message))


# --- helpers ------------------------------------------------------------------------------


def item_on_deal(store: Store, kind: str, item_id: int, code: str) -> tuple[Any, str]:
    """The task, risk or handoff ``item_id``, which must be on deal ``code``; and the code."""
    deal = store.reads.deal(code)
    reads = store.reads
    item: TaskView | RiskView | HandoffView = (
        reads.task(item_id)
        if kind == "task"
        else reads.risk(item_id)
        if kind == "risk"
        else reads.handoff(item_id)
    )
    if item.deal_id != deal.id:
        raise NotFoundError(_(NOT_ON_DEAL[kind]).format(id=item_id, code=deal.code))
    return item, deal.code


def _code(text: str) -> str:
    """A deal code as the store keeps it (the store found it, so it exists)."""
    return text.strip().upper()


def _label(item: Any) -> str:
    """``SR task #412 "BoQ v2"``, ``handoff #9 "BoQ" SR → FR``: user text on one line."""
    title = one_line(item.title)
    if hasattr(item, "from_role"):
        said = _('handoff #{id} "{title}" {sender} → {receiver}')
        return said.format(id=item.id, title=title, sender=item.from_role, receiver=item.to_role)
    if hasattr(item, "likelihood"):
        return _('{role} risk #{id} "{title}"').format(role=item.role, id=item.id, title=title)
    return _('{role} task #{id} "{title}"').format(role=item.role, id=item.id, title=title)


def _already(action: str, entity: str, code: str, item: Any, state: str) -> Outcome:
    """Setting what is already set changes nothing and is not an error (cron may repeat)."""
    said = _("{item} on {code} is already {state}: nothing changed")
    message = said.format(item=_label(item), code=code, state=state_word(state))
    return Outcome(action, entity, code, item, message, changed=False)


def report(args: argparse.Namespace, outcome: Outcome) -> int:
    """One line for people, or one JSON object with ``--json``; exit status 0."""
    if not args.json:
        console().print(Text(outcome.message), soft_wrap=True)  # one line, however long
        return 0
    fields = asdict(outcome.item)
    for computed in ("exposure", "probability", "weighted"):
        if hasattr(outcome.item, computed):
            fields[computed] = getattr(outcome.item, computed)
    body = {
        "ok": True,
        "action": outcome.action,
        "entity": outcome.entity,
        "deal": outcome.deal,
        "id": outcome.item.id,
        "changed": outcome.changed,
        "message": outcome.message,
        "item": fields,
    }
    print(json_text(body))
    return 0
