"""Character sets: what MSH-18 declares, read as the Python codec that decodes it.

HL7 table 0211 names the character sets a message may declare in MSH-18. Those Python decodes
byte for byte are honoured; the rest (the ISO 2022 code extensions of Japanese and Chinese
sets, and "UNICODE" without saying which form) are refused rather than guessed. A message that
declares none is read in the receiver's default (UTF-8, of which HL7's default ASCII is a part).
The header is found first in a byte-transparent reading, so MSH-18 can be read before the rest.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from serviceplan_hl7v2.errors import DATA_TYPE_ERROR, TABLE_VALUE_NOT_FOUND, MalformedMessage

DEFAULT = "utf-8"
CODECS = MappingProxyType(
    {
        "ASCII": "ascii",
        "ISO IR6": "ascii",
        **{f"8859/{n}": f"iso8859-{n}" for n in range(1, 10)},
        "8859/15": "iso8859-15",
        "GB 18030-2000": "gb18030",
        "KS X 1001": "euc_kr",
        "BIG-5": "big5",
        "UNICODE UTF-8": "utf-8",
    }
)
"""The sets of table 0211 the feed reads, and the codec for each."""
NAMED_NOT_READ = frozenset({"ISO IR14", "ISO IR87", "ISO IR159", "CNS 11643-1992", "UNICODE"})
"""Sets table 0211 names that the feed refuses: code extensions, or a form it cannot tell."""
NOT_OVER_MLLP = frozenset({"UNICODE UTF-16", "UNICODE UTF-32"})
"""Sets whose bytes may hold MLLP's own framing bytes: refused too."""
_MSH = re.compile(rb"MSH(.)")


def codec(declared: str, default: str = DEFAULT) -> str:
    """Return the codec for MSH-18's first value (`default` when empty), or refuse it (AE 103)."""
    name = declared.strip()
    if not name:
        return default
    found = CODECS.get(name.upper())
    if found is not None:
        return found
    if name.upper() in NAMED_NOT_READ | NOT_OVER_MLLP:
        problem = f"character set {name!r} is not one this feed reads"
    else:
        problem = f"{name!r} is not a character set of HL7 table 0211"
    raise MalformedMessage("MSH", 18, problem, hl7_code=TABLE_VALUE_NOT_FOUND)


def declared(raw: bytes) -> str:
    """Return MSH-18's first value as the bytes spell it ("" when there is no readable header)."""
    found = _MSH.search(raw[:4096])
    if found is None:
        return ""
    header = re.split(rb"[\r\n]", raw[found.start() :], maxsplit=1)[0].decode("latin-1")
    fields = header.split(header[3])
    if len(fields) <= 17:  # noqa: PLR2004 (MSH-18 is the 18th field, MSH-1 the separator)
        return ""
    repeat = fields[1][1:2] or "~"
    return fields[17].split(repeat)[0]


def decode(raw: bytes, default: str = DEFAULT) -> tuple[str, str]:
    """Return the text of a message in the set its MSH-18 declares, and that set's codec."""
    name = codec(declared(raw), default)
    try:
        return raw.decode(name), name
    except UnicodeDecodeError:
        problem = f"the message is not valid {name}, the character set it declares or implies"
        raise MalformedMessage("MSH", 18, problem, hl7_code=DATA_TYPE_ERROR) from None
