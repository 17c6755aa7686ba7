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
from dealroom.commands.common import Context, UsageError, console, parse_day
from dealroom.domain import Gate, GateDecision, HandoffState, RiskStatus, TaskStatus, rules
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
HANDOFF_PAST = {"send": "sent", "accept": "accepted", "reject": "rejected", "withdraw": "withdrew"}
GATE_VERBS = {
    "approve": GateDecision.APPROVED,
    "reject": GateDecision.REJECTED,
    "defer": GateDecision.DEFERRED,
}


# --- the command line ---------------------------------------------------------------------


def register(sub: Any) -> None:
    _register_tasks(sub)
    _register_risks(sub)
    _register_handoffs(sub)
    p = sub.add_parser(
        "stage",
        help=COMMANDS["stage"].help,
        description="Move a deal along the LTC timeline. A forward move needs the gates it "
        "passes approved (`dealroom gate`); a move back needs a --reason. Every move is kept "
        "in the deal's stage history; each stage keeps the first day the deal entered it.",
    )
    _deal_arg(p)
    p.add_argument("target", metavar="next|prev|STAGE", help="next, prev, or a stage (name, 0-7)")
    p.add_argument(
        "--reason", default="", help="why the deal moves back (needed for a move back; kept)"
    )
    _json_arg(p)
    p.set_defaults(handler=cmd_stage)

    p = sub.add_parser("gate", help=COMMANDS["gate"].help)
    _deal_arg(p)
    p.add_argument("gate", help="ATI, ATB, ATC, ATAC or ATCC")
    p.add_argument("decision", type=str.lower, choices=list(GATE_VERBS))
    p.add_argument("--note", default="", help="why; kept with the decision")
    _json_arg(p)
    p.set_defaults(handler=cmd_gate)


def _actions(sub: Any, name: str, help_text: str) -> Any:
    parser = sub.add_parser(name, help=help_text)
    return parser.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)


def _deal_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("code", metavar="CODE", help="deal code, e.g. ACME-5G")


def _id_arg(p: argparse.ArgumentParser, kind: str, **options: Any) -> None:
    p.add_argument(
        "item_id",
        metavar=f"{kind.upper()}_ID",
        type=int,
        help=f"the {kind}'s #id, as `dealroom show CODE` prints it",
        **options,
    )


def _json_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object instead")


def _new_item_args(p: argparse.ArgumentParser) -> None:
    """A new task or risk: its deal, role, title and owner."""
    _deal_arg(p)
    p.add_argument("--role", required=True, help="AR, SR or FR")
    p.add_argument("--title", required=True, help="what it is, in a few words")
    p.add_argument("--owner", metavar="HANDLE", help="who owns it (a known person)")


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
    p = tasks.add_parser("add", help="a new task for AR, SR or FR on a deal")
    _new_item_args(p)
    p.add_argument("--due", help="2026-12-01, +3d, fri, dec 1")
    p.add_argument("--stage", help="the LTC stage it serves (default: the deal's stage)")
    p.add_argument("--note", default="")
    _json_arg(p)
    p.set_defaults(handler=cmd_task_add)
    for verb, status in TASK_VERBS.items():
        help_text = f"set a task's status to {status.value}"
        _item_action(tasks, verb, "task", help_text, handler=cmd_status, status=status)


def _register_risks(sub: Any) -> None:
    risks = _actions(sub, "risk", COMMANDS["risk"].help)
    p = risks.add_parser("add", help="a new risk for AR, SR or FR on a deal")
    _new_item_args(p)
    p.add_argument(
        "--likelihood", "--probability", type=int, default=3, help="1 (low) to 5 (high); 3"
    )
    p.add_argument("--impact", type=int, default=3, help="1 (low) to 5 (high); 3")
    p.add_argument("--mitigation", default="", help="what is done about it")
    _json_arg(p)
    p.set_defaults(handler=cmd_risk_add)
    _item_action(risks, "escalate", "risk", "escalate a risk to the sponsor", handler=cmd_escalate)
    for verb, status in RISK_VERBS.items():
        help_text = f"set a risk's status to {status.value}"
        _item_action(risks, verb, "risk", help_text, handler=cmd_status, status=status)


def _register_handoffs(sub: Any) -> None:
    handoffs = _actions(sub, "handoff", COMMANDS["handoff"].help)
    p = handoffs.add_parser(
        "send",
        help="send a new handoff (--from, --to, --title), or HANDOFF_ID again",
        description="With --from, --to and --title: create a handoff and send it. With "
        "HANDOFF_ID: send a drafted or rejected handoff (again).",
    )
    _deal_arg(p)
    _id_arg(p, "handoff", nargs="?")
    _handoff_fields(p, required=False)
    p.set_defaults(handler=cmd_handoff_send, draft=False)
    p = handoffs.add_parser("draft", help="a new handoff, kept as a draft until sent")
    _deal_arg(p)
    _handoff_fields(p, required=True)
    p.set_defaults(handler=cmd_handoff_send, item_id=None, draft=True)
    for verb in ("accept", "reject", "withdraw"):
        help_text = f"{verb} a sent handoff"
        p = _item_action(handoffs, verb, "handoff", help_text, handler=cmd_handoff_move)
        if verb == "reject":
            p.add_argument("--reason", required=True, help="why; the sender sees it")


def _handoff_fields(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--from", dest="from_role", metavar="ROLE", required=required, help="AR/SR/FR")
    p.add_argument("--to", dest="to_role", metavar="ROLE", required=required, help="AR/SR/FR")
    p.add_argument("--title", required=required, help="what is handed over")
    p.add_argument("--due", help="2026-12-01, +3d, fri, dec 1")
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
    owner = f", owner {one_line(task.owner_name)}" if task.owner_name else ""
    when = f", due {task.due}" if task.due else ""
    return report(
        args, Outcome("add", "task", code, task, f"added {_label(task)} to {code}{owner}{when}")
    )


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
    what = f"exposure {risk.exposure} (likelihood {risk.likelihood} × impact {risk.impact})"
    return report(
        args, Outcome("add", "risk", code, risk, f"opened {_label(risk)} on {code}, {what}")
    )


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
    return report(
        args,
        Outcome(args.verb, args.kind, code, after, f"marked {_label(after)} on {code} {status}"),
    )


def cmd_escalate(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open() as store:
        before, code = item_on_deal(store, "risk", args.item_id, args.code)
        if before.escalated:
            return report(args, _already("escalate", "risk", code, before, "escalated"))
        after = store.items.escalate_risk(before.id, version=before.version)
    message = f"escalated {_label(after)} on {code} to the sponsor"
    return report(args, Outcome("escalate", "risk", code, after, message))


def cmd_handoff_send(ctx: Context, args: argparse.Namespace) -> int:
    fields = (args.from_role, args.to_role, args.title)
    if args.item_id is not None and any(f is not None for f in fields):
        raise UsageError("give either HANDOFF_ID or --from, --to and --title, not both")
    if args.item_id is None and any(f is None for f in fields):
        raise UsageError("a new handoff needs --from, --to and --title (or give HANDOFF_ID)")
    with ctx.open() as store:
        if args.item_id is None:
            handoff, code = _new_handoff(store, args), _code(args.code)
        else:
            before, code = item_on_deal(store, "handoff", args.item_id, args.code)
            handoff = store.items.send_handoff(before.id, version=before.version)
    verb, action = ("drafted", "draft") if args.draft else ("sent", "send")
    return report(
        args, Outcome(action, "handoff", code, handoff, f"{verb} {_label(handoff)} on {code}")
    )


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
    because = f": {one_line(after.reason)}" if after.reason else ""
    message = f"{HANDOFF_PAST[args.verb]} {_label(after)} on {code}{because}"
    return report(args, Outcome(args.verb, "handoff", code, after, message))


def cmd_stage(ctx: Context, args: argparse.Namespace) -> int:
    target = args.target.strip().lower()
    goal = target if target in ("next", "prev") else rules.parse_stage(target)
    with ctx.open() as store:
        before = store.reads.deal(args.code)
        after = store.deals.move_stage(
            before.code, goal, reason=args.reason, version=before.version
        )
    way = "moved" if after.stage.order > before.stage.order else "moved back"
    message = (
        f"{way} {after.code} from {before.stage.label} to {after.stage.label} "
        f"({after.probability}%)"
    )
    return report(args, Outcome("stage", "deal", after.code, after, message))


def cmd_gate(ctx: Context, args: argparse.Namespace) -> int:
    gate = rules.parse_choice(Gate, args.gate, field="gate")
    decision = GATE_VERBS[args.decision]
    with ctx.open() as store:
        view = store.deals.record_gate(args.code, gate, decision, args.note)
    code = _code(args.code)
    note = f": {one_line(view.note)}" if view.note else ""
    message = f"{decision} {gate} ({gate.meaning}) for {code}{note}"
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
        raise NotFoundError(
            f"{kind} #{item_id} is not on {deal.code}: `dealroom show {deal.code}` "
            "lists its items with their ids"
        )
    return item, deal.code


def _code(text: str) -> str:
    """A deal code as the store keeps it (the store found it, so it exists)."""
    return text.strip().upper()


def _label(item: Any) -> str:
    """``SR task #412 "BoQ v2"``, ``handoff #9 "BoQ" SR → FR``: user text on one line."""
    title = f'"{one_line(item.title)}"'
    if hasattr(item, "from_role"):
        return f"handoff #{item.id} {title} {item.from_role} → {item.to_role}"
    kind = "risk" if hasattr(item, "likelihood") else "task"
    return f"{item.role} {kind} #{item.id} {title}"


def _already(action: str, entity: str, code: str, item: Any, state: str) -> Outcome:
    """Setting what is already set changes nothing and is not an error (cron may repeat)."""
    message = f"{_label(item)} on {code} is already {state}: nothing changed"
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
