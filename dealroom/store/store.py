"""The store: the one API that screens and commands use (see ``dealroom.store.open_store``).

It is composed of parts, each a small class over the same :class:`Database`:

- ``store.reads``: the pipeline, deal rooms, people, the event log and the live feed;
- ``store.people``: the team's people and the customers' accounts;
- ``store.deals``: deals, stages, status, members, gates, the timeline;
- ``store.items``: each role's tasks, risks and handoffs;
- ``store.checklists``: the stage checklists' template and each deal's answers;
- ``store.powermap``: the customer's people on a deal, and its competitors;
- ``store.methods``: the methods read together, the assessment, reviews, the forecast;
- ``store.pages``: every deal a page at a time, for the reports that walk them all;
- ``store.standups``: standups as records;
- ``store.chain``: the event log's hash chain, its head and its check.

Every write of every part goes through ``store.database``'s one write path.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Self, Unpack

from sqlalchemy import Engine

from dealroom.store.cash import Cash
from dealroom.store.chain import Chain
from dealroom.store.checklists import Checklists
from dealroom.store.database import Database, Options
from dealroom.store.deals import Deals
from dealroom.store.import_directory import Directory
from dealroom.store.imports import Imports
from dealroom.store.items import Items
from dealroom.store.methods import Methods
from dealroom.store.money import Money
from dealroom.store.pages import Pages
from dealroom.store.people import People
from dealroom.store.policy import Policy
from dealroom.store.powermap import PowerMap
from dealroom.store.reads import Reads
from dealroom.store.standups import Standups


class Store:
    def __init__(self, url: str, *, actor: str, **options: Unpack[Options]) -> None:
        self.database = Database(url, actor=actor, **options)
        self.reads = Reads(self.database)
        self.people = People(self.database)
        self.deals = Deals(self.database)
        self.items = Items(self.database)
        self.checklists = Checklists(self.database)
        self.powermap = PowerMap(self.database)
        self.methods = Methods(self.database)
        self.pages = Pages(self.database, self.methods)
        self.standups = Standups(self.database, self.items)
        self.chain = Chain(self.database)
        self.policy = Policy(self.database)
        self.money = Money(self.database)
        self.cash = Cash(self.database)
        self.imports = Imports(self.database)
        self.directory = Directory(self.database)

    # --- what every caller asks of the store as a whole ------------------------------------

    @property
    def actor(self) -> str:
        return self.database.actor

    @property
    def writable(self) -> bool:
        return self.database.writable

    @property
    def url(self) -> str:
        return self.database.url

    @property
    def engine(self) -> Engine:
        return self.database.engine

    def now(self) -> datetime:
        return self.database.now()

    def today(self) -> date:
        return self.database.today()

    def read_only_reason(self) -> str:
        return self.database.read_only_reason()

    def own_event_ids(self) -> frozenset[int]:
        """The ids of the events this store wrote and committed (a running app leaves them
        out of what others did)."""
        return self.database.own_event_ids()

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
