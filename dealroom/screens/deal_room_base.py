"""What a deal room holds, how it is read, and what its actions share: the item under the
cursor and the focused role's lead."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from textual.reactive import reactive

from dealroom.domain import Role
from dealroom.screens.gateway import Job
from dealroom.screens.live import LiveScreen
from dealroom.store.views import DealRoomView, HandoffView, PersonView, RiskView, TaskView
from dealroom.widgets.role_pane import RolePane

if TYPE_CHECKING:
    from dealroom.store import Store

#: What the cursor can be on in a role's pane.
Item = TaskView | RiskView | HandoffView


class RoomContents(NamedTuple):
    """What a deal room shows: the deal with its items, the people, today and now."""

    room: DealRoomView
    people: list[PersonView]
    today: date
    now: datetime


def read_room(code: str) -> Job[RoomContents]:
    """The database job that reads deal ``code``'s room (run in a worker)."""

    def read(store: Store) -> RoomContents:
        return RoomContents(
            store.reads.deal_room(code), store.reads.people(), store.today(), store.now()
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
