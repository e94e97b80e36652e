"""A few fields of a stored event, read straight from its JSON state: what a read model needs.

A handler names the fields it reads as paths into the state as stored: `"provider"` is a plain
value, `"at._data_"` the ISO text of a tagged datetime, `"value._data_.amount._data_"` the amount
of a `Money`. The state is decoded with msgspec into a small struct of just those fields, which
skips the rest without building it: no event object, no value objects, no validators. A path
that leads nowhere (a missing field, a null on the way) gives None, except a `required` path:
there a null on the way still gives None, but a missing key (or a value of another shape where
an object belongs) gives `MISSING`, so that a reader can refuse an incomplete event. A state of
another shape than the struct expects is read with `json.loads` instead, with the same answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from functools import cache
from itertools import count
from operator import attrgetter
from typing import Any

import msgspec

_LEAF: dict[str, Any] = {}
_names = count()
MISSING: Any = msgspec.UNSET
"""What a required path gives when a key on it is missing from the stored state."""


class Fields:
    """Decodes the values at some paths of a stored state, in the order the paths are given."""

    def __init__(self, paths: Sequence[str], required: Collection[str] = ()) -> None:
        self.paths = tuple(paths)
        self._required = [path in required for path in self.paths]
        self._keys = [tuple(path.split(".")) for path in self.paths]
        tree = _tree(self._keys)
        strict = frozenset(
            keys[:depth]
            for keys, wanted in zip(self._keys, self._required, strict=True)
            if wanted
            for depth in range(1, len(keys) + 1)
        )
        self._decoder = msgspec.json.Decoder(_struct(tree, strict))
        attributes = [_attributes(tree, keys) for keys in self._keys]
        self._get: Callable[[Any], Any] = attrgetter(*attributes) if attributes else _nothing
        self._names = [tuple(a.split(".")) for a in attributes]
        self._one = len(attributes) == 1

    def __call__(self, state: bytes) -> tuple[Any, ...]:
        """Return the values at the paths (None where a path leads nowhere, or `MISSING`).

        A state that is not JSON raises `msgspec.DecodeError`.
        """
        try:
            root = self._decoder.decode(state)
        except msgspec.ValidationError:
            data = json.loads(state)
            return tuple(
                _walk(data, keys, strict=strict)
                for keys, strict in zip(self._keys, self._required, strict=True)
            )
        try:
            found = self._get(root)
        except AttributeError:  # a null or a missing key on the way
            return self._followed(root)
        values = (found,) if self._one else found
        return self._followed(root) if MISSING in values else values

    def _followed(self, root: Any) -> tuple[Any, ...]:  # noqa: ANN401 (a decoded struct)
        return tuple(
            _follow(root, names, strict=strict)
            for names, strict in zip(self._names, self._required, strict=True)
        )


@cache
def fields(paths: tuple[str, ...], required: frozenset[str] = frozenset()) -> Fields:
    """Return the (shared) decoder of these paths."""
    return Fields(paths, required)


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


def _struct(
    tree: dict[str, Any], strict: frozenset[tuple[str, ...]], above: tuple[str, ...] = ()
) -> type[msgspec.Struct]:
    """Return a struct of the tree's keys: any value at a leaf, a struct or null on the way.

    A key on a required path (its keys from the root are in `strict`) defaults to `MISSING`,
    any other to None, so that an optional key that is absent keeps the quick way of reading.
    """
    return msgspec.defstruct(
        f"Stored{next(_names)}",
        [
            (
                f"f{n}",
                Any if child is _LEAF else (_struct(child, strict, (*above, key)) | None),
                msgspec.field(name=key, default=MISSING if (*above, key) in strict else None),
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


def _walk(value: Any, keys: tuple[str, ...], *, strict: bool) -> Any:  # noqa: ANN401 (any JSON value)
    """Follow the keys through decoded JSON: None where one is missing or not in an object.

    When `strict`, a null on the way still gives None, but a missing key or a value that is
    not an object where one belongs gives `MISSING`.
    """
    for key in keys:
        if value is None:
            return None
        if not isinstance(value, dict) or key not in value:
            return MISSING if strict else None
        value = value[key]
    return value


def _follow(value: Any, names: tuple[str, ...], *, strict: bool) -> Any:  # noqa: ANN401 (a decoded struct)
    """Follow the attributes through decoded structs: None from the first null on.

    A missing key gives None, or `MISSING` when `strict`.
    """
    for name in names:
        if value is None:
            return None
        if value is MISSING:
            break
        value = getattr(value, name)
    if value is MISSING:
        return MISSING if strict else None
    return value
