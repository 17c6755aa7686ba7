"""The database, always off the UI thread.

A screen hands the gateway a job, ``job(store)``, and what to do with its answer. The job
runs in a thread worker; its answer comes back to the UI thread once, as a message that
the worker posts without waiting, and reaches the screen only while it is still wanted:

* not after the worker was cancelled (the app is closing);
* not after the screen that asked was closed;
* with ``latest=True``, not when the same requester has since started another job of the
  same group: the pipeline's ``u`` then ``c``, or the deal room's ``]`` pressed twice,
  shows only the last read, whichever finishes first.

A job that committed changes of ours says so first (``wrote``), so the app can refresh
the other screens: the database's own echo of our changes is left out (see
``DealroomApp._watch``).

A job that waits longer than the app's slow-notice time says that the database is busy; a
refusal (a rule, a conflict, a locked or read-only database) goes to ``failed`` if given,
else it is shown as a notification: nothing reaches the user as a traceback.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import get_current_worker

from dealroom.i18n import _

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    from dealroom.store import Store

R = TypeVar("R")

#: A database job: what a screen asks of the store, run in a worker thread.
Job = Callable[["Store"], R]

#: What becomes of a refusal: shown next to a form's field, say.
Failed = Callable[[Exception], object]


@dataclass(frozen=True)
class Ticket:
    """Which job an answer belongs to: ``generation`` is None unless only the latest
    job of its requester and group may deliver."""

    requester: object
    group: str
    generation: int | None


class JobAnswered(Message):
    """A job's outcome, on its way from the worker to the UI thread. ``deliver`` hands it
    to the screen (None: nothing to hand over, the job was dropped); ``wrote`` says the
    job committed changes of ours."""

    def __init__(
        self, ticket: Ticket, deliver: Callable[[], object] | None, wrote: bool, slow: Timer
    ) -> None:
        super().__init__()
        self.ticket = ticket
        self.deliver = deliver
        self.wrote = wrote
        self.slow = slow


class Gateway:
    """Runs one app's database jobs. The app posts :class:`JobAnswered` messages back to
    :meth:`answered` (see ``RoomApp.on_job_answered``)."""

    def __init__(
        self,
        app: App[Any],
        *,
        slow_notice: float,
        wrote: Callable[[object], object],
    ) -> None:
        """``wrote(requester)`` is called on the UI thread when a job of ``requester``
        changed the database, before its answer is delivered."""
        self._app = app
        self._slow_notice = slow_notice
        self._wrote = wrote
        self._ready = threading.Event()
        self._latest: dict[tuple[int, str], int] = {}
        self.store: Store | None = None

    def opened(self, store: Store | None) -> None:
        """The store is open (None: it could not be); jobs waiting for it may start."""
        self.store = store
        self._ready.set()

    # --- on the UI thread ---------------------------------------------------------------

    def run(
        self,
        requester: object,
        job: Job[R],
        done: Callable[[R], object] | None = None,
        *,
        failed: Failed | None = None,
        group: str = "db",
        latest: bool = False,
        patient: bool = False,
    ) -> None:
        """Run ``job(store)`` in a worker; hand its result to ``done`` on the UI thread.
        ``patient``: a job known to take long, which says nothing while it works."""
        generation = None
        if latest:
            key = (id(requester), group)
            generation = self._latest[key] = self._latest.get(key, 0) + 1
        ticket = Ticket(requester, group, generation)
        slow = self._app.set_timer(self._slow_notice, self._slow, pause=patient)
        self._app.run_worker(
            lambda: self._work(ticket, slow, job, done, failed),
            thread=True,
            group=group,
            exit_on_error=False,
        )

    async def read(self, job: Job[R]) -> R:
        """``job(store)``'s result, awaited: for a caller that can wait (the palette).
        Raises StoreError while the store is not open (yet)."""
        worker = self._app.run_worker(
            lambda: self._call(job), thread=True, group="read", exit_on_error=False
        )
        return await worker.wait()

    def answered(self, answer: JobAnswered) -> None:
        answer.slow.stop()
        if answer.wrote:
            self._wrote(answer.ticket.requester)
        if answer.deliver is None or not self.wanted(answer.ticket):
            return
        try:
            answer.deliver()
        except Exception as exc:  # a bug in a screen: say so, keep the app running
            self._app.log.error("handling a database answer failed", exc)
            self._refused(RuntimeError(_("unexpected error: {error}").format(error=exc)))

    def current(self, ticket: Ticket) -> bool:
        """Whether no newer job of the ticket's requester and group has started."""
        if ticket.generation is None:
            return True
        return self._latest.get((id(ticket.requester), ticket.group)) == ticket.generation

    def wanted(self, ticket: Ticket) -> bool:
        """Whether the answer may still be shown: it is the newest asked for, and the
        screen that asked has not been closed meanwhile (a kept screen, off the stack
        for now, still takes it)."""
        requester = ticket.requester
        if isinstance(requester, MessagePump) and not requester.is_attached:
            return False
        return self.current(ticket)

    def _slow(self) -> None:
        self._app.notify(_("Waiting for the database (another user may be writing)…"), timeout=3)

    def _refused(self, exc: Exception) -> None:
        self._app.notify(str(exc), title=_("Not done"), severity="error", timeout=8, markup=False)

    # --- in the worker ------------------------------------------------------------------

    def _work(
        self,
        ticket: Ticket,
        slow: Timer,
        job: Job[R],
        done: Callable[[R], object] | None,
        failed: Failed | None,
    ) -> None:
        from dealroom.domain import RuleError
        from dealroom.store import StoreError

        self._ready.wait()
        store = self.store
        worker = get_current_worker()
        deliver: Callable[[], object] | None = None
        wrote = False
        if store is not None and not worker.is_cancelled and self.current(ticket):
            before = len(store.own_event_ids())
            try:
                result = job(store)
            except (RuleError, StoreError) as exc:
                deliver = self._handler(failed or self._refused, exc)
            except Exception as exc:  # a bug: say so plainly, keep the app running
                self._app.log.error("database job failed", exc)
                error = RuntimeError(_("unexpected error: {error}").format(error=exc))
                deliver = self._handler(self._refused, error)
            else:
                if done is not None:
                    deliver = self._handler(done, result)
            wrote = len(store.own_event_ids()) > before
        if worker.is_cancelled:
            deliver = None
        self._app.post_message(JobAnswered(ticket, deliver, wrote, slow))

    @staticmethod
    def _handler(callback: Callable[[R], object], value: R) -> Callable[[], object]:
        return lambda: callback(value)

    def _call(self, job: Job[R]) -> R:
        from dealroom.store import StoreError

        store = self.store
        if store is None:
            raise StoreError(_("the database is not open"))
        return job(store)
