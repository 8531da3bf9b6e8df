"""The public API is exactly what __all__ lists, sorted, and nothing is missing from it."""

from __future__ import annotations

import types

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
