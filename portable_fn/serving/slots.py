"""A server worker's guest slots: a fixed set of threads that run guests, and a bounded wait for one.

Wasm calls release the GIL, so guests in these threads overlap while the event loop keeps reading
and writing other connections. A request that finds every slot busy waits at most ``wait_seconds``,
then is refused (ServerBusy, answered 503 with Retry-After) instead of joining an unbounded queue.

The threads take work from a plain queue and hand results back with one ``call_soon_threadsafe``:
``loop.run_in_executor`` costs several times more Python per call (a concurrent Future, its chaining
to an asyncio one, the executor's locks), which a profile of the hello guest showed.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from portable_fn.errors import ServerBusy

Argument = TypeVar("Argument")
Result = TypeVar("Result")
Work = tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]", Callable[[Any], Any], Any]


class GuestSlots:
    """``count`` threads for guest calls; callers beyond them wait up to ``wait_seconds`` for one."""

    def __init__(self, count: int, wait_seconds: float) -> None:
        self.count = count
        self.wait_seconds = wait_seconds
        self._free = asyncio.Semaphore(count)
        self._work: queue.SimpleQueue[Work | None] = queue.SimpleQueue()
        # Daemons: an app mounted in someone else's server must not keep its process alive at exit.
        self._threads = [threading.Thread(target=self._serve, name=f"guest-{n}", daemon=True) for n in range(count)]
        for thread in self._threads:
            thread.start()

    async def run(self, call: Callable[[Argument], Result], argument: Argument) -> Result:
        """``call(argument)`` in a guest thread, once a slot is free.

        Raises ServerBusy when none frees up within ``wait_seconds``; whatever ``call`` raises.
        """
        if self._free.locked():
            await self._wait_for_slot()
        else:
            await self._free.acquire()  # free: returns at once, without the cost of a timed wait
        try:
            loop = asyncio.get_running_loop()
            done: asyncio.Future[Result] = loop.create_future()
            self._work.put((loop, done, call, argument))
            return await done
        finally:
            self._free.release()

    async def _wait_for_slot(self) -> None:
        try:
            await asyncio.wait_for(self._free.acquire(), self.wait_seconds)
        except TimeoutError:
            raise ServerBusy(
                f"all {self.count} guest slots stayed busy for {self.wait_seconds:g} s; try again shortly"
            ) from None

    def _serve(self) -> None:
        while (work := self._work.get()) is not None:
            loop, done, call, argument = work
            try:
                result = call(argument)
            except BaseException as error:  # handed to the awaiting request, which answers 500
                loop.call_soon_threadsafe(_fail, done, error)
            else:
                loop.call_soon_threadsafe(_succeed, done, result)

    def close(self) -> None:
        """Let running and queued guests finish, then stop the threads."""
        for _ in self._threads:
            self._work.put(None)
        for thread in self._threads:
            thread.join()

    def __enter__(self) -> GuestSlots:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _succeed(done: asyncio.Future[Any], result: Any) -> None:
    if not done.done():  # a request cancelled at the end of a drain no longer waits
        done.set_result(result)


def _fail(done: asyncio.Future[Any], error: BaseException) -> None:
    if not done.done():
        done.set_exception(error)
