"""What a deal room holds, how it is read, and what its actions share: the item under the
cursor and the focused role's lead."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from textual.reactive import reactive

from dealroom.domain import Role, permissions
from dealroom.domain.permissions import Standing
from dealroom.screens.gateway import Job
from dealroom.screens.live import LiveScreen
from dealroom.store.views import DealRoomView, HandoffView, PersonView, RiskView, TaskView
from dealroom.widgets.role_pane import RolePane

if TYPE_CHECKING:
    from dealroom.store import Store

#: What the cursor can be on in a role's pane.
Item = TaskView | RiskView | HandoffView


class RoomContents(NamedTuple):
    """What a deal room shows: the deal with its items, the people, today and now, and
    how the rules see whoever is at the keyboard."""

    room: DealRoomView
    people: list[PersonView]
    today: date
    now: datetime
    standing: Standing


def read_room(code: str) -> Job[RoomContents]:
    """The database job that reads deal ``code``'s room (run in a worker)."""

    def read(store: Store) -> RoomContents:
        return RoomContents(
            store.reads.deal_room(code),
            store.reads.people(),
            store.today(),
            store.now(),
            store.reads.standing(),
        )

    return read


class DealRoomBase(LiveScreen):
    """The deal room's state; :class:`dealroom.screens.deal_room.DealRoomScreen` shows
    it, its action mixins change it."""

    role: reactive[Role] = reactive(Role.AR, init=False)

    def __init__(self, code: str, order: Sequence[str] = ()) -> None:
        """``order``: the deal codes ``[`` and ``]`` step through."""
        super().__init__()
        self.code = code
        self.order = list(order)
        #: The item to put the cursor on once the deal is shown (opened from my work).
        self.focus_on: Item | None = None
        self.room: DealRoomView | None = None
        self.standing: Standing | None = None
        self.people: list[PersonView] = []
        self.today = date.today()
        self.now = datetime.now().astimezone()
        #: Items someone else changed, to mark once the reload is in.
        self._changed: set[Hashable] = set()

    def _pane(self, role: Role | None = None) -> RolePane:
        return self.query_one(f"#pane-{(role or self.role).value.lower()}", RolePane)

    def current(self) -> Item | None:
        return self._pane().list.current

    def _lead(self) -> str | None:
        lead = self.room.leads.get(self.role) if self.room else None
        return lead.handle if lead else None

    # --- what the rules let whoever is at the keyboard do here ------------------------------

    def refusal(self, action: str) -> str | None:
        """Why the person at the keyboard may not do ``action`` (a binding's action name)
        on this deal, in the rules' own line; None when they may (or it is not yet known:
        the store has the last word anyway)."""
        room, standing = self.room, self.standing
        if room is None or standing is None or action not in GUARDED:
            return None
        deal = room.deal
        members = ((m.role, m.handle, m.name) for m in room.members)
        seats = permissions.seats_of(deal.code, deal.level, members)
        actor, item = standing.actor, self.current()
        kind = _KIND.get(action) or (
            type(item).__name__.removesuffix("View").lower() if item else "task"
        )
        if action == "stage":
            rule = permissions.move(seats, actor, "moved between stages")
        elif action == "status":
            rule = permissions.move(seats, actor, "marked won, lost or dropped")
        elif action == "gate":
            rule = permissions.any_gate(seats, actor, standing.approvers)
        elif action in ("accept", "reject") and isinstance(item, HandoffView):
            verb = "accepted" if action == "accept" else "rejected"
            rule = permissions.handoff(seats, actor, item.to_role, verb)
        elif action == "delete" and item is not None:
            role = item.from_role if isinstance(item, HandoffView) else item.role
            rule = permissions.delete_item(seats, actor, kind, role)
        else:
            rule = permissions.edit_item(seats, actor, kind)
        return standing.check(rule)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """What the rules refuse on this deal is shown greyed out (the help says why). An
        action on the item under the cursor stays live: pressed on an item that is not
        yours, it says whose it is."""
        if action in GREYED and self.refusal(action) is not None:
            return None
        return True


#: The deal room's actions the rules decide (the rest only read, or are the deal's own).
GUARDED = frozenset(
    {
        "stage", "status", "gate", "add_task", "add_risk", "add_handoff", "edit",
        "toggle_done", "delete", "accept", "reject", "send", "withdraw", "escalate",
    }
)  # fmt: skip
#: Those greyed out when refused: the deal's own, and adding to it.
GREYED = frozenset({"stage", "status", "gate", "add_task", "add_risk", "add_handoff"})
_KIND = {"add_task": "task", "add_risk": "risk", "add_handoff": "handoff"}
