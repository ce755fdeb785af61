"""A lazily computed attribute without a lock: each instance computes its own value once.

``functools.cached_property`` in Python 3.11 takes one lock per property, shared by every instance of the
class: two requests computing the same property of two different views run one after the other, and a
process forked while the lock is held inherits it locked. :class:`lazy` keeps no lock at all. The first
read computes the value and stores it in the instance's ``__dict__``, which then shadows the descriptor,
so later reads are plain attribute lookups. Two threads reading the same new attribute of one instance may
both compute it (both results are equal; the last one stays), which is cheaper than making every other
instance wait.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

Value = TypeVar("Value")


# Lower case because it is used as a decorator, like ``property``.
class lazy(Generic[Value]):
    """
    Turn a method without arguments into an attribute computed on first access, per instance.

    Examples
    --------
    >>> class Box:
    ...     @lazy
    ...     def area(self) -> int:
    ...         print("computing")
    ...         return 6
    >>> box = Box()
    >>> box.area
    computing
    6
    >>> box.area
    6
    """

    def __init__(self, compute: Callable[[Any], Value]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> lazy[Value]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> Value: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> Value | lazy[Value]:
        if instance is None:
            return self
        value = self.compute(instance)
        # A non-data descriptor: once stored, the instance attribute is found before the descriptor.
        instance.__dict__[self.name] = value
        return value
