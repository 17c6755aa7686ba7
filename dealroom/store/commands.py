"""The store: the one API that screens and commands use (see ``dealroom.store.open_store``)."""

from __future__ import annotations

from dealroom.store.deals import DealCommands
from dealroom.store.methods import MethodCommands
from dealroom.store.standups import StandupCommands


class Store(DealCommands, StandupCommands, MethodCommands):
    """Reads (:class:`~dealroom.store.queries.Queries`) and writes of deals and items."""
