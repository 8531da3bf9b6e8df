"""Slotted value classes without the ``dataclasses`` module: ``@frozen`` and ``@mutable``.

``dataclasses`` imports ``inspect`` (and with it ``ast`` and ``dis``), which no provider runtime loads,
and compiles six methods from source for every class: ~7 ms to import and ~0.65 ms a class, paid on
every cold start. Here each class gets one compiled ``__init__`` (a frozen one sets the slots through
their descriptors, faster than the dataclass's ``object.__setattr__``); ``__eq__``, ``__hash__``,
``__repr__``, ``__reduce__`` and the frozen ``__setattr__``/``__delattr__`` are shared closures.

A field is an annotation in the class body, with an optional default or ``field(...)``; fields of a
value base class come first, and ``__init__`` ends by calling ``__post_init__`` if the class has one
(to validate), as with dataclasses. ``typing.dataclass_transform`` lets mypy check
constructors as it does for dataclasses.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, Final, TypeVar, dataclass_transform, overload

_T = TypeVar("_T")
_C = TypeVar("_C", bound=type)
_NO_DEFAULT: Final[Any] = object()
_DROPPED = ("__dict__", "__weakref__")


class FrozenInstanceError(AttributeError):
    """Raised when code assigns to, or deletes, an attribute of a frozen value."""


class Field:
    """One field: its name, its default (or a factory making one per instance), shown in repr or not."""

    __slots__ = ("default", "default_factory", "name", "repr")

    def __init__(
        self, name: str, default: Any = _NO_DEFAULT, default_factory: Callable[[], Any] | None = None, repr: bool = True
    ) -> None:
        self.name, self.default, self.default_factory, self.repr = name, default, default_factory, repr


@overload
def field(*, default: _T, repr: bool = True) -> _T: ...
@overload
def field(*, default_factory: Callable[[], _T], repr: bool = True) -> _T: ...
@overload
def field(*, repr: bool = True) -> Any: ...
def field(*, default: Any = _NO_DEFAULT, default_factory: Callable[[], Any] | None = None, repr: bool = True) -> Any:
    """A field's options where a plain default will not do: a factory for mutable defaults, or no repr.

    Raises TypeError when given both a default and a factory.
    """
    if default is not _NO_DEFAULT and default_factory is not None:
        raise TypeError("field() takes a default or a default_factory, not both")
    return Field("", default, default_factory, repr)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen(cls: _C) -> _C:
    """Rebuild ``cls`` as a frozen slotted value class (see the module docstring).

    Raises TypeError for a field without a default after one with a default.
    """
    return _build(cls, frozen=True)


@dataclass_transform(field_specifiers=(field,))
def mutable(cls: _C) -> _C:
    """Rebuild ``cls`` as a mutable slotted class: as ``frozen``, but assignable and unhashable.

    Raises TypeError for a field without a default after one with a default.
    """
    return _build(cls, frozen=False)


def replace(obj: _T, /, **changes: Any) -> _T:
    """A copy of the value ``obj`` with ``changes`` applied to its fields.

    Raises TypeError when ``obj`` is not a value class instance or a change names no field.
    """
    fields: tuple[Field, ...] | None = getattr(type(obj), "__value_fields__", None)
    if fields is None:
        raise TypeError(f"replace() expects a value class instance, got {type(obj).__name__}")
    current = {item.name: getattr(obj, item.name) for item in fields}
    return type(obj)(**(current | changes))


def _build(cls: _C, *, frozen: bool) -> _C:
    inherited: tuple[Field, ...] = getattr(cls, "__value_fields__", ())
    own = _own_fields(cls)
    fields = (*(item for item in inherited if item.name not in {mine.name for mine in own}), *own)
    names = tuple(item.name for item in fields)
    key = attrgetter(*names) if names else (lambda _: ())
    namespace = {name: item for name, item in cls.__dict__.items() if name not in (*_DROPPED, *names)}
    namespace.update(
        __slots__=tuple(item.name for item in own),
        __value_fields__=fields,
        __match_args__=names,
        __eq__=_equality(key),
        __hash__=_hashing(key) if frozen else None,
        __repr__=_representation(tuple(item.name for item in fields if item.repr)),
        __reduce__=lambda self: (type(self), tuple(getattr(self, name) for name in names)),
    )
    if frozen:
        namespace.update(__setattr__=_refuse_assignment, __delattr__=_refuse_deletion)
    built: _C = type(cls)(cls.__name__, cls.__bases__, namespace)
    built.__qualname__ = cls.__qualname__
    built.__init__ = _initializer(built, fields, frozen=frozen)  # type: ignore[misc]
    return built


def _own_fields(cls: type) -> tuple[Field, ...]:
    fields = []
    # Not inspect.get_annotations: importing inspect is the cost this module exists to avoid.
    for name in cls.__dict__.get("__annotations__", {}):  # noqa: RUF063
        given = cls.__dict__.get(name, _NO_DEFAULT)
        options = given if isinstance(given, Field) else Field(name, given)
        fields.append(Field(name, options.default, options.default_factory, options.repr))
    return tuple(fields)


def _initializer(cls: type, fields: tuple[Field, ...], *, frozen: bool) -> Callable[..., None]:
    """Compile ``__init__`` for ``fields``: positional or keyword, defaults and factories, one slot set each.

    A frozen class's ``__setattr__`` refuses, so its slots are set through their descriptors; a mutable
    one assigns plainly, which the interpreter specializes for slots (faster than a descriptor call).
    """
    scope: dict[str, Any] = {"_NO_DEFAULT": _NO_DEFAULT}
    parameters, lines, defaulted = [], [], False
    for index, item in enumerate(fields):
        argument = item.name
        if item.default_factory is not None:
            scope[f"_make{index}"] = item.default_factory
            parameters.append(f"{item.name}=_NO_DEFAULT")
            defaulted = True
            argument = f"_make{index}() if {item.name} is _NO_DEFAULT else {item.name}"
        elif item.default is not _NO_DEFAULT:
            scope[f"_default{index}"] = item.default
            parameters.append(f"{item.name}=_default{index}")
            defaulted = True
        elif defaulted:
            raise TypeError(f"{cls.__qualname__}: field {item.name!r} without a default follows one with a default")
        else:
            parameters.append(item.name)
        if frozen:
            scope[f"_set{index}"] = getattr(cls, item.name).__set__
            lines.append(f"    _set{index}(self, {argument})")
        else:
            lines.append(f"    self.{item.name} = {argument}")
    if hasattr(cls, "__post_init__"):
        lines.append("    self.__post_init__()")
    source = "\n".join((f"def __init__(self, {', '.join(parameters)}):", *(lines or ["    pass"])))
    exec(source, scope)
    initializer: Callable[..., None] = scope["__init__"]
    initializer.__qualname__ = f"{cls.__qualname__}.__init__"
    return initializer


def _equality(key: Callable[[Any], object]) -> Callable[[Any, object], bool]:
    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(key(self) == key(other))

    return __eq__


def _hashing(key: Callable[[Any], object]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(key(self))

    return __hash__


def _representation(names: tuple[str, ...]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__qualname__}({shown})"

    return __repr__


def _refuse_assignment(self: Any, name: str, _: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}: {type(self).__qualname__} is frozen")


def _refuse_deletion(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}: {type(self).__qualname__} is frozen")
