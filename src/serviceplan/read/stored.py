"""A few fields of a stored event, read straight from its JSON state: what a read model needs.

A handler names the fields it reads as paths into the state as stored: `"provider"` is a plain
value, `"at._data_"` the ISO text of a tagged datetime, `"value._data_.amount._data_"` the amount
of a `Money`. The state is decoded with msgspec into a small struct of just those fields, which
skips the rest without building it: no event object, no value objects, no validators. A path
that leads nowhere (a missing field, a null on the way) gives None. A state of another shape
than the struct expects is read with `json.loads` instead, with the same answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import cache
from itertools import count
from operator import attrgetter
from typing import Any

import msgspec

_LEAF: dict[str, Any] = {}
_names = count()


class Fields:
    """Decodes the values at some paths of a stored state, in the order the paths are given."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = tuple(paths)
        self._keys = [tuple(path.split(".")) for path in self.paths]
        tree = _tree(self._keys)
        self._decoder = msgspec.json.Decoder(_struct(tree))
        attributes = [_attributes(tree, keys) for keys in self._keys]
        self._get: Callable[[Any], Any] = attrgetter(*attributes) if attributes else _nothing
        self._names = [tuple(a.split(".")) for a in attributes]
        self._one = len(attributes) == 1

    def __call__(self, state: bytes) -> tuple[Any, ...]:
        """Return the values at the paths (None where a path leads nowhere)."""
        try:
            root = self._decoder.decode(state)
        except msgspec.ValidationError:
            data = json.loads(state)
            return tuple(_walk(data, keys) for keys in self._keys)
        try:
            found = self._get(root)
        except AttributeError:  # a null on the way
            return tuple(_follow(root, names) for names in self._names)
        return (found,) if self._one else found


@cache
def fields(paths: tuple[str, ...]) -> Fields:
    """Return the (shared) decoder of these paths."""
    return Fields(paths)


def text_id(hex_id: str) -> str:
    """Return a stored UUID's hex in the usual 8-4-4-4-12 form, as `str(UUID(...))` writes it."""
    h = hex_id.lower()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _nothing(_root: object) -> tuple[()]:
    return ()


def _tree(paths: list[tuple[str, ...]]) -> dict[str, Any]:
    """Merge the paths into a tree of keys; a leaf is `_LEAF`. One path may not extend another."""
    tree: dict[str, Any] = {}
    for keys in paths:
        node = tree
        for depth, key in enumerate(keys):
            last = depth == len(keys) - 1
            child = node.setdefault(key, _LEAF if last else {})
            if (child is _LEAF) != last:
                msg = f"the path {'.'.join(keys)} runs into another path given with it"
                raise ValueError(msg)
            node = child
    return tree


def _struct(tree: dict[str, Any]) -> type[msgspec.Struct]:
    """Return a struct of the tree's keys: any value at a leaf, a struct or null on the way."""
    return msgspec.defstruct(
        f"Stored{next(_names)}",
        [
            (
                f"f{n}",
                Any if child is _LEAF else (_struct(child) | None),
                msgspec.field(name=key, default=None),
            )
            for n, (key, child) in enumerate(tree.items())
        ],
    )


def _attributes(tree: dict[str, Any], keys: tuple[str, ...]) -> str:
    """Return the struct attributes a path goes through, dotted for `attrgetter`."""
    names = []
    node = tree
    for key in keys:
        names.append(f"f{list(node).index(key)}")
        node = node[key]
    return ".".join(names)


def _walk(value: Any, keys: tuple[str, ...]) -> Any:  # noqa: ANN401 (any JSON value)
    """Follow the keys through decoded JSON: None where one is missing or not in an object."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _follow(value: Any, names: tuple[str, ...]) -> Any:  # noqa: ANN401 (a decoded struct)
    """Follow the attributes through decoded structs: None from the first null on."""
    for name in names:
        if value is None:
            return None
        value = getattr(value, name)
    return value
