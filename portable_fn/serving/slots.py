"""A server worker's guest slots: a fixed set of threads that run guests, and a bounded wait for one.

Wasm calls release the GIL, so guests in these threads overlap while the event loop keeps reading
and writing other connections. A request that finds every slot busy waits at most ``wait_seconds``,
then is refused (ServerBusy, answered 503 with Retry-After) instead of joining an unbounded queue.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from portable_fn.errors import ServerBusy

Argument = TypeVar("Argument")
Result = TypeVar("Result")


class GuestSlots:
    """``count`` threads for guest calls; callers beyond them wait up to ``wait_seconds`` for one."""

    def __init__(self, count: int, wait_seconds: float) -> None:
        self.count = count
        self.wait_seconds = wait_seconds
        self._threads = ThreadPoolExecutor(count, thread_name_prefix="guest")
        self._free = asyncio.Semaphore(count)

    async def run(self, call: Callable[[Argument], Result], argument: Argument) -> Result:
        """``call(argument)`` in a guest thread, once a slot is free.

        Raises ServerBusy when none frees up within ``wait_seconds``; whatever ``call`` raises.
        """
        if self._free.locked():
            await self._wait_for_slot()
        else:
            await self._free.acquire()  # free: returns at once, without the cost of a timed wait
        try:
            return await asyncio.get_running_loop().run_in_executor(self._threads, call, argument)
        finally:
            self._free.release()

    async def _wait_for_slot(self) -> None:
        try:
            await asyncio.wait_for(self._free.acquire(), self.wait_seconds)
        except TimeoutError:
            raise ServerBusy(
                f"all {self.count} guest slots stayed busy for {self.wait_seconds:g} s; try again shortly"
            ) from None

    def close(self) -> None:
        """Wait for running guests to finish and stop the threads."""
        self._threads.shutdown(wait=True)

    def __enter__(self) -> GuestSlots:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
