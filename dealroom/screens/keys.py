"""Every screen's keys by binding id, to check a keymap file against (see
:func:`dealroom.config.keymap_problems`)."""

from __future__ import annotations

from textual.binding import Binding
from textual.dom import DOMNode

from dealroom.config import Scope


def bound(*classes: type[DOMNode]) -> dict[str, str]:
    """Binding id → its keys ("down,j") for the classes' bindings, their bases' included."""
    out: dict[str, list[str]] = {}
    for cls in classes:
        for base in reversed(cls.__mro__):
            for binding in Binding.make_bindings(base.__dict__.get("BINDINGS", [])):
                if binding.id:
                    keys = out.setdefault(binding.id, [])
                    if binding.key not in keys:
                        keys.append(binding.key)
    return {ident: ",".join(keys) for ident, keys in out.items()}


def scopes(app: type[DOMNode]) -> dict[str, Scope]:
    """Each screen's keys, with the app's and its lists' (they are active there too)."""
    from dealroom.screens.assessment import AssessmentScreen
    from dealroom.screens.checklist import ChecklistScreen
    from dealroom.screens.competitors import CompetitorsScreen
    from dealroom.screens.deal_room import DealRoomScreen
    from dealroom.screens.history import HistoryScreen
    from dealroom.screens.importing import ImportScreen
    from dealroom.screens.my_work import MyWorkScreen
    from dealroom.screens.pipeline import PipelineScreen
    from dealroom.screens.power_map import PowerMapScreen
    from dealroom.screens.reader import ReaderScreen
    from dealroom.screens.setup import AccountsScreen
    from dealroom.screens.standup import StandupScreen
    from dealroom.screens.standup_past import PastStandupsScreen
    from dealroom.screens.template import TemplateScreen
    from dealroom.widgets.vlist import VirtualList

    screens: dict[str, type[DOMNode]] = {
        "pipeline": PipelineScreen,
        "deal room": DealRoomScreen,
        "standup": StandupScreen,
        "past standups": PastStandupsScreen,
        "my work": MyWorkScreen,
        "history": HistoryScreen,
        "reader": ReaderScreen,
        "accounts": AccountsScreen,
        "checklist": ChecklistScreen,
        "template": TemplateScreen,
        "power map": PowerMapScreen,
        "competitors": CompetitorsScreen,
        "assessment": AssessmentScreen,
        "import": ImportScreen,
    }
    return {name: bound(app, VirtualList, screen) for name, screen in screens.items()}
