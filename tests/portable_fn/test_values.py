"""Value classes without dataclasses: construction, frozenness, equality, repr, replace, copies, typing."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from portable_fn.values import FrozenInstanceError, field, frozen, mutable, replace

ROOT = Path(__file__).resolve().parents[2]


class Described:
    """A plain base with a method, as ``HeaderLookup`` is for Request and Response."""

    __slots__ = ()
    name: str

    def shout(self) -> str:
        return self.name.upper()


@frozen
class Point(Described):
    name: str
    x: int = 0
    y: int = 0
    secret: bytes = field(default=b"", repr=False)
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def total(self) -> int:
        return self.x + self.y

    @classmethod
    def origin(cls) -> Point:
        return cls("origin")


@frozen
class Labelled(Point):
    label: str = ""


@mutable
class Counter:
    cap: int
    seen: list[int] = field(default_factory=list)


def test_constructs_positionally_by_keyword_and_from_defaults() -> None:
    point = Point("a", 1, y=2)
    assert (point.name, point.x, point.y, point.secret, point.tags) == ("a", 1, 2, b"", ())
    assert point.total == 3 and point.shout() == "A" and Point.origin() == Point("origin")


def test_rejects_missing_unknown_and_repeated_arguments() -> None:
    with pytest.raises(TypeError, match="name"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="z"):
        Point("a", z=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="x"):
        Point("a", 1, x=1)  # type: ignore[misc]


def test_a_factory_makes_a_fresh_default_per_instance() -> None:
    first, second = Counter(1), Counter(1)
    first.seen.append(2)
    assert second.seen == [] and Counter(1, [3]).seen == [3]


@frozen
class Positive:
    amount: int

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError(f"amount must be positive, got {self.amount}")


def test_post_init_validates_every_construction() -> None:
    assert Positive(1).amount == 1
    with pytest.raises(ValueError, match="got 0"):
        Positive(0)
    with pytest.raises(ValueError, match="got -1"):
        replace(Positive(1), amount=-1)


def test_frozen_fields_refuse_assignment_and_deletion() -> None:
    point = Point("a")
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'x': Point is frozen"):
        point.x = 5  # type: ignore[misc]
    with pytest.raises(AttributeError, match="cannot delete field 'x'"):
        del point.x
    with pytest.raises(FrozenInstanceError):
        point.other = 1  # type: ignore[attr-defined]
    assert point.x == 0


def test_instances_are_slotted() -> None:
    assert not hasattr(Point("a"), "__dict__") and not hasattr(Counter(1), "__dict__")
    assert vars(Labelled)["__slots__"] == ("label",)
    counter = Counter(1)
    counter.cap = 2
    with pytest.raises(AttributeError):
        counter.other = 1  # type: ignore[attr-defined]
    assert counter == Counter(2)


def test_equality_and_hash_follow_the_fields_and_the_class() -> None:
    assert Point("a", 1) == Point("a", 1) and hash(Point("a", 1)) == hash(Point("a", 1))
    assert Point("a", 1) != Point("a", 2)
    assert Point("a") != Labelled("a") and Point("a").__eq__(("a", 0, 0, b"", ())) is NotImplemented
    assert {Point("a"), Point("a")} == {Point("a")}
    with pytest.raises(TypeError, match="unhashable"):
        hash(Counter(1))


def test_repr_names_the_fields_it_shows() -> None:
    assert repr(Point("a", secret=b"hidden")) == "Point(name='a', x=0, y=0, tags=())"
    assert repr(Counter(3)) == "Counter(cap=3, seen=[])"


def test_base_fields_come_first_and_patterns_match_in_order() -> None:
    labelled = Labelled("a", 1, 2, label="l")
    assert Labelled.__match_args__ == ("name", "x", "y", "secret", "tags", "label")
    match labelled:
        case Labelled(name, x, y, label=label):
            assert (name, x, y, label) == ("a", 1, 2, "l")
        case _:
            pytest.fail("the pattern did not match")


def test_replace_copies_with_changes() -> None:
    point = Point("a", 1)
    moved = replace(point, y=5)
    assert moved == Point("a", 1, 5) and point == Point("a", 1) and type(moved) is Point
    with pytest.raises(TypeError, match="z"):
        replace(point, z=1)
    with pytest.raises(TypeError, match="expects a value class instance, got int"):
        replace(3, real=1)


def test_pickle_and_copy_round_trip() -> None:
    point = Labelled("a", 1, tags=("t",), label="l")
    assert pickle.loads(pickle.dumps(point)) == point and copy.copy(point) == point
    counter = Counter(1, [2])
    assert pickle.loads(pickle.dumps(counter)) == counter and copy.deepcopy(counter).seen is not counter.seen


def test_field_order_and_field_options_are_checked() -> None:
    with pytest.raises(TypeError, match="field 'b' without a default follows one with a default"):

        @frozen
        class Broken:
            a: int = 1
            b: int  # type: ignore[misc]

    with pytest.raises(TypeError, match="not both"):
        field(default=[], default_factory=list)  # type: ignore[call-overload]


def test_behaves_as_the_frozen_slotted_dataclass_it_replaces() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Before:
        name: str
        x: int = 0

    @frozen
    class After:
        name: str
        x: int = 0

    before, after = Before("a", 1), After("a", 1)
    assert repr(before).replace("Before", "After") == repr(after)
    assert Before.__match_args__ == After.__match_args__ and vars(Before)["__slots__"] == vars(After)["__slots__"]
    assert hash(before) == hash(after) == hash(("a", 1))


def test_mypy_checks_constructors_and_frozenness(tmp_path: Path) -> None:
    """``dataclass_transform`` makes mypy read the fields: a wrong type or an assignment is an error."""
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        textwrap.dedent(
            """
        from portable_fn.values import frozen

        @frozen
        class Item:
            name: str
            count: int = 0

        Item("a", count="many")
        Item("a").count = 1
        """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", str(snippet)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert 'Argument "count" to "Item" has incompatible type "str"' in result.stdout, result.stdout
    assert 'Property "count" defined in "Item" is read-only' in result.stdout, result.stdout
