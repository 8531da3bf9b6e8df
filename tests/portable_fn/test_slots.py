"""Guest slots in process: real threads, a real event loop; the bounded wait, its refusal, and no slot lost."""

from __future__ import annotations

import asyncio
import threading

import pytest

from portable_fn.errors import ServerBusy
from portable_fn.serving.slots import GuestSlots


def blocked_until(gate: threading.Event) -> str:
    gate.wait(timeout=30)
    return "done"


def fail(message: str) -> str:
    raise ValueError(message)


def test_a_caller_beyond_the_slots_is_refused_after_the_wait_and_the_slot_serves_again() -> None:
    async def scenario() -> tuple[str, str]:
        gate = threading.Event()
        with GuestSlots(1, wait_seconds=0.05) as slots:
            holder = asyncio.ensure_future(slots.run(blocked_until, gate))
            await asyncio.sleep(0)  # the holder takes the slot
            with pytest.raises(ServerBusy, match=r"all 1 guest slots stayed busy for 0\.05 s"):
                await slots.run(str.upper, "late")
            gate.set()
            return await holder, await slots.run(str.upper, "next")

    assert asyncio.run(scenario()) == ("done", "NEXT")


def test_a_waiter_gets_the_slot_its_holder_frees() -> None:
    async def scenario() -> list[str]:
        gate = threading.Event()
        with GuestSlots(1, wait_seconds=30) as slots:
            holder = asyncio.ensure_future(slots.run(blocked_until, gate))
            await asyncio.sleep(0)
            waiters = [asyncio.ensure_future(slots.run(str.upper, word)) for word in ("a", "b")]
            await asyncio.sleep(0)
            gate.set()
            return [await holder, *[await waiter for waiter in waiters]]

    assert asyncio.run(scenario()) == ["done", "A", "B"]


def test_a_cancelled_waiter_and_a_failing_call_give_their_slots_back() -> None:
    async def scenario() -> str:
        gate = threading.Event()
        with GuestSlots(1, wait_seconds=30) as slots:
            holder = asyncio.ensure_future(slots.run(blocked_until, gate))
            await asyncio.sleep(0)
            waiter = asyncio.ensure_future(slots.run(str.upper, "never"))
            await asyncio.sleep(0)
            waiter.cancel()
            gate.set()
            await holder
            with pytest.raises(ValueError, match="boom"):
                await slots.run(fail, "boom")
            # Only one slot: were either lost, this would wait its 30 s and be refused.
            return await asyncio.wait_for(slots.run(str.upper, "free"), 10)

    assert asyncio.run(scenario()) == "FREE"
