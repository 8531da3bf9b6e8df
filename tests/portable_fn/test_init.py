"""The public API is exactly what __all__ lists, sorted, and nothing is missing from it."""

from __future__ import annotations

import inspect
import types
import typing

import portable_fn


def test_all_is_sorted_and_complete() -> None:
    assert portable_fn.__all__ == sorted(portable_fn.__all__)
    for name in portable_fn.__all__:
        assert hasattr(portable_fn, name), name


def test_public_api_is_only_reexports() -> None:
    public = {
        name
        for name, value in vars(portable_fn).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(portable_fn.__all__)


def engine_types(hint: object) -> list[object]:
    """Every class in a type hint (``X | None``, ``tuple[X, ...]`` included) from the engine or wasmtime."""
    found = [hint] if getattr(hint, "__module__", "").startswith(("portable_fn.engine", "wasmtime")) else []
    for argument in typing.get_args(hint):
        found += engine_types(argument)
    return found


def test_public_signatures_speak_only_public_types() -> None:
    for name in portable_fn.__all__:
        value = getattr(portable_fn, name)
        members = [value, *vars(value).values()] if isinstance(value, type) else [value]
        for member in members:
            target = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
            if inspect.isfunction(target):
                hints = typing.get_type_hints(target)
                assert not [found for hint in hints.values() for found in engine_types(hint)], (name, target)
