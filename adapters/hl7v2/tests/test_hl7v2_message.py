"""Reading HL7 v2 by position: separators from MSH, line ends of any kind, escapes undone."""

from __future__ import annotations

import pytest

from hl7v2_helpers import TRIGGERS, lines, sample
from serviceplan_hl7v2 import MalformedMessage, Separators, parse


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_every_sample_parses_into_its_segments(trigger):
    text = sample(f"SIU-{trigger}-01")

    message = parse(text)

    assert [s.name for s in message.segments] == [line[:3] for line in lines(text)]
    assert message.header.component(9, 2) == trigger


@pytest.mark.parametrize("end", ["\r", "\n", "\r\n"])
def test_segments_may_end_in_any_line_end(end):
    message = parse(end.join(lines(sample("SIU-S12-01"))) + end)

    assert message.first("SCH").component(2) == "36996"
    assert message.text == "\r".join(lines(sample("SIU-S12-01")))


def test_fields_repetitions_and_components_are_read_by_position():
    pid = parse(sample("SIU-S12-01")).first("PID")

    assert pid.repetitions(3) == [
        "PATID1234^5^M11^test1&2.16.1&HCD^MR^GOOD HEALTH HOSPITAL",
        "123456789^^^USSSA^SS",
    ]
    assert pid.component(3, 5, repetition=1) == "SS"
    assert pid.component(3, 1, repetition=2) == ""
    assert pid.component(3, 40) == ""
    assert pid.field(200) == ""


def test_the_header_counts_its_field_separator_as_field_one():
    msh = parse(sample("SIU-S12-01")).header

    assert (msh.field(1), msh.field(2), msh.component(3)) == ("|", "^~\\&", "SCHApp")
    assert msh.repetitions(2) == ["^~\\&"]
    assert msh.field(10) == "MSG00012"


def test_a_message_may_choose_its_own_separators():
    message = parse("MSH#:*!$#APP#FAC#####SIU:S12#C1#P#2.8\rSCH#P1#F1!F!:x")

    assert message.separators == Separators("#", ":", "*", "!", "$")
    assert message.header.component(9, 2) == "S12"
    assert message.first("SCH").component(2) == "F1#"
    assert message.first("SCH").component(2, 2) == "x"


def test_escape_sequences_are_undone_after_splitting():
    message = parse("MSH|^~\\&|A\rNTE|1|a\\F\\b\\S\\c^d\\T\\e\\R\\f\\E\\g\\X4142\\h\\.br\\i\\Zj")

    nte = message.first("NTE")
    assert nte.component(2) == "a|b^c"
    assert nte.component(2, 2) == "d&e~f\\gABh\\.br\\i\\Zj"


def test_free_text_is_escaped_so_it_reads_back_the_same():
    separators = Separators()
    text = "a|b^c&d~e\\f"

    escaped = separators.escape_text(text)

    assert "|" not in escaped
    assert separators.unescape(escaped) == text


def test_an_explicit_null_reads_as_empty():
    message = parse('MSH|^~\\&|A\rSCH|""|x^""')

    assert message.first("SCH").field(1) == ""
    assert message.first("SCH").component(2, 2) == ""


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("", "MSH"),
        ("PID|1||X^^^A^MR\rMSH|^~\\&|A", "MSH"),
        ("MSH|^~", "MSH-2"),
        ("MSH|^^\\&|A", "MSH-2"),
        ("MSH|^~a&|A", "MSH-2"),
        ("MSH|^~\\&|A\rpid|1", "pid"),
        ("MSH|^~\\&|A\rSCHEDULE|1", "SCH"),
    ],
)
def test_a_broken_header_or_segment_name_is_refused(text, where):
    with pytest.raises(MalformedMessage) as refused:
        parse(text)

    assert refused.value.location == where
