r"""Reading an HL7 v2 message: segments, fields, repetitions and components, by position.

A small, strict reader for what the feed needs. Segments end in a carriage return (a line feed is
tolerated, since files are often saved that way); the separators come from MSH-1 and MSH-2;
escape sequences are undone after splitting, so an escaped "^" stays inside its component, and
`\Xhh\` bytes are decoded in the character set MSH-18 declares.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import attrs

from serviceplan_hl7v2 import charsets
from serviceplan_hl7v2.errors import SEGMENT_SEQUENCE_ERROR, MalformedMessage

_SEGMENT_NAME = re.compile(r"^[A-Z][A-Z0-9]{2}$")
_SEGMENT_END = re.compile(r"\r\n|\r|\n")
_HEX = re.compile(r"^(?:[0-9A-Fa-f]{2})+$")
NULL = '""'


@attrs.frozen
class Separators:
    """The delimiters a message declares in MSH-1 and MSH-2."""

    field: str = "|"
    component: str = "^"
    repetition: str = "~"
    escape: str = "\\"
    subcomponent: str = "&"
    charset: str = charsets.DEFAULT
    r"""The codec of the character set MSH-18 declares, for `\Xhh\` escapes."""

    @property
    def encoding(self) -> str:
        """MSH-2 as written by this message's sender."""
        return f"{self.component}{self.repetition}{self.escape}{self.subcomponent}"

    def unescape(self, text: str) -> str:
        r"""Undo HL7 escapes (\F\ \S\ \T\ \R\ \E\ \Xhh\); other sequences stay as sent."""
        esc = self.escape
        if esc not in text:
            return text
        plain = {"F": self.field, "S": self.component, "T": self.subcomponent}
        plain |= {"R": self.repetition, "E": esc}
        parts = text.split(esc)
        out = [parts[0]]
        for i in range(1, len(parts), 2):
            sequence = parts[i]
            closed = i + 1 < len(parts)
            if closed and sequence in plain:
                out.append(plain[sequence])
            elif closed and sequence[:1] == "X" and _HEX.match(sequence[1:]):
                out.append(self._hex(sequence))
            else:
                out.append(esc + sequence + (esc if closed else ""))
            if closed:
                out.append(parts[i + 1])
        return "".join(out)

    def _hex(self, sequence: str) -> str:
        """Decode `Xhh...` in the message's character set; bytes it cannot decode stay escaped."""
        try:
            return bytes.fromhex(sequence[1:]).decode(self.charset)
        except (UnicodeDecodeError, LookupError):
            return f"{self.escape}{sequence}{self.escape}"

    def escape_text(self, text: str) -> str:
        """Escape the delimiters in free text written into a message."""
        esc = self.escape
        codes = {esc: "E", self.field: "F", self.component: "S"}
        codes |= {self.subcomponent: "T", self.repetition: "R"}
        return "".join(f"{esc}{codes[c]}{esc}" if c in codes else c for c in text)


@attrs.frozen
class Segment:
    """One segment; `fields[n]` is field n (for MSH, field 1 is the field separator itself)."""

    name: str
    fields: tuple[str, ...]
    separators: Separators

    def field(self, number: int) -> str:
        """Return field `number` as sent (repetitions and components still joined)."""
        if number < len(self.fields) and self.fields[number] != NULL:
            return self.fields[number]
        return ""

    def repetitions(self, number: int) -> list[str]:
        """Return the repetitions of field `number` (none when the field is empty)."""
        raw = self.field(number)
        if self.name == "MSH" and number <= 2:  # noqa: PLR2004 (MSH-1 and MSH-2 are the delimiters)
            return [raw]
        return [r for r in raw.split(self.separators.repetition) if r]

    def component(self, number: int, component: int = 1, *, repetition: int = 0) -> str:
        """Return one component of one repetition of a field, unescaped ("" when absent)."""
        reps = self.repetitions(number)
        if repetition >= len(reps):
            return ""
        return component_of(reps[repetition], component, self.separators)

    def subcomponent(
        self, number: int, component: int, subcomponent: int, *, repetition: int = 0
    ) -> str:
        """Return one subcomponent of a component, unescaped ("" when absent)."""
        reps = self.repetitions(number)
        if repetition >= len(reps):
            return ""
        raw = _part(reps[repetition], self.separators.component, component)
        return self.separators.unescape(_part(raw, self.separators.subcomponent, subcomponent))


def _part(raw: str, separator: str, number: int) -> str:
    parts = raw.split(separator)
    if number > len(parts) or parts[number - 1] == NULL:
        return ""
    return parts[number - 1].strip()


def component_of(raw: str, component: int, separators: Separators) -> str:
    """Return component `component` (from 1) of one field repetition, unescaped."""
    return separators.unescape(_part(raw, separators.component, component))


@attrs.frozen
class Message:
    """A parsed message: its segments in order and its separators."""

    segments: tuple[Segment, ...]
    separators: Separators

    @property
    def header(self) -> Segment:
        """The MSH segment."""
        return self.segments[0]

    def first(self, name: str) -> Segment | None:
        """Return the first segment called `name`, if any."""
        return next(self.all(name), None)

    def all(self, name: str) -> Iterator[Segment]:
        """Yield every segment called `name`, in order."""
        return (s for s in self.segments if s.name == name)

    @property
    def text(self) -> str:
        """The message with carriage returns between segments, as HL7 v2 writes it."""
        sep = self.separators.field
        return "\r".join(
            s.name + sep + sep.join(s.fields[2:] if s.name == "MSH" else s.fields[1:])
            for s in self.segments
        )


def parse(text: str, *, default_charset: str = charsets.DEFAULT) -> Message:
    r"""Parse an HL7 v2 message, refusing one whose header or segment names are broken.

    `\Xhh\` escapes are read in MSH-18's character set, else `default_charset`; whether the
    feed accepts that set is the feed's to say (`charsets.codec`).
    """
    lines = [line for line in _SEGMENT_END.split(text.lstrip("\ufeff \t\r\n")) if line.strip()]
    if not lines or not lines[0].startswith("MSH"):
        problem = "a message starts with an MSH segment"
        raise MalformedMessage("MSH", None, problem, hl7_code=SEGMENT_SEQUENCE_ERROR)
    separators = _separators(lines[0])
    header = _segment(lines[0], separators)
    try:
        charset = charsets.codec(header.component(18), default_charset)
    except MalformedMessage:
        charset = default_charset
    separators = attrs.evolve(separators, charset=charset)
    segments = tuple(_segment(line, separators) for line in lines)
    return Message(segments, separators)


def _separators(header: str) -> Separators:
    minimum = len("MSH|^~\\&")
    if len(header) < minimum:
        raise MalformedMessage("MSH", 2, "the encoding characters are missing")
    field = header[3]
    encoding = header[4:].split(field, 1)[0]
    chars = [field, *encoding[:4]]
    if len(encoding) < 4 or len(set(chars)) != len(chars) or any(c.isalnum() for c in chars):  # noqa: PLR2004
        raise MalformedMessage("MSH", 2, "the encoding characters must be four distinct symbols")
    return Separators(field, *encoding[:4])


def _segment(line: str, separators: Separators) -> Segment:
    parts = line.split(separators.field)
    name = parts[0]
    if not _SEGMENT_NAME.match(name):
        raise MalformedMessage(name[:3] or "?", None, "a segment name is three capitals or digits")
    if name == "MSH":
        parts = [name, separators.field, *parts[1:]]
    return Segment(name, tuple(parts), separators)
