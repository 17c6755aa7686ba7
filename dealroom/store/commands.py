"""The store: the one API that screens and commands use (see ``dealroom.store.open_store``)."""

from __future__ import annotations

from dealroom.store.deals import DealCommands
from dealroom.store.items import ItemCommands


class Store(DealCommands, ItemCommands):
    """Reads (:class:`~dealroom.store.queries.Queries`) and writes of deals and items."""
