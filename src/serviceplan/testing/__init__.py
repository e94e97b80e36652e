"""Tools for testing a clinic's own rules and plugins against serviceplan."""

from serviceplan.testing.scenario import Expect, Scenario, event_name, expect

__all__ = ["Expect", "Scenario", "event_name", "expect"]
