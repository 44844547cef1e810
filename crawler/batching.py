"""Item work done in batches, in a worker thread, so the crawl's reactor thread never waits on Redis or the
database and a round trip carries many items when many are waiting.

A pipeline hands each item to `BatchWorker.submit` and awaits that item's own outcome. Batching is group
commit: while the worker thread is idle an item goes at once, alone; while it works on a batch, the items that
arrive wait and go together as the next batch (at most ``size`` items, or items weighing ``max_weight``, per
batch). So a quiet crawl adds no delay, a busy one gets large batches, and nothing waits in memory longer than
one batch's work. Batches run one after another, in the order they were formed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor, threads
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure
from twisted.python.threadpool import ThreadPool

In = TypeVar("In")
Out = TypeVar("Out")


class BatchWorker(Generic[In, Out]):
    """Runs ``work(batch)`` in one worker thread. ``work`` returns one outcome per item, in order; an outcome
    that is an exception fails only its own item; an exception raised by ``work`` fails the whole batch."""

    def __init__(self, work: Callable[[list[In]], Sequence[Out | BaseException]], size: int, name: str,
                 weigh: Callable[[In], int] = lambda item: 1, max_weight: int = 0) -> None:
        self.work = work
        self.size = size
        self.weigh = weigh
        self.max_weight = max_weight
        self.pending: list[tuple[In, Deferred[Out]]] = []
        self.busy = False
        self.pool = ThreadPool(minthreads=1, maxthreads=1, name=name)
        self.pool.start()
        # Stopped with the reactor at the latest (a crawl that ends without closing its spiders).
        self._at_shutdown = reactor.addSystemEventTrigger(  # type: ignore[attr-defined]
            "during", "shutdown", self.pool.stop)

    async def submit(self, item: In) -> Out:
        """Add ``item`` to the next batch; the item's outcome once its batch has been worked."""
        done: Deferred[Out] = Deferred()
        self.pending.append((item, done))
        if not self.busy:
            self._next()
        return await maybe_deferred_to_future(done)

    def _next(self) -> None:
        """Send the next batch to the worker thread, if anything is waiting."""
        if not self.pending:
            self.busy = False
            return
        batch, weight = [], 0
        while self.pending and len(batch) < self.size:
            next_weight = self.weigh(self.pending[0][0])
            if batch and self.max_weight and weight + next_weight > self.max_weight:
                break
            batch.append(self.pending.pop(0))
            weight += next_weight
        self.busy = True
        worked = threads.deferToThreadPool(reactor, self.pool, self.work, [item for item, _ in batch])
        worked.addCallbacks(self._deliver, self._fail, callbackArgs=(batch,), errbackArgs=(batch,))
        worked.addBoth(lambda _: self._next())

    @staticmethod
    def _deliver(outcomes: Sequence[Any], batch: list[tuple[Any, Deferred[Any]]]) -> None:
        for (_, done), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                done.errback(Failure(outcome))
            else:
                done.callback(outcome)

    @staticmethod
    def _fail(failure: Failure, batch: list[tuple[Any, Deferred[Any]]]) -> None:
        for _, done in batch:
            done.errback(failure)

    def close(self) -> None:
        """Stop the thread. Called when the spider closes, when no item is left in the pipelines."""
        reactor.removeSystemEventTrigger(self._at_shutdown)  # type: ignore[attr-defined]
        self.pool.stop()
