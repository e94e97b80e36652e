"""Tools for testing a clinic's own rules and plugins against serviceplan.

`Scenario` tells a test as given / when / then over a `ServicePlan`.
`serviceplan.testing.plugin` is an opt-in pytest plugin (`pytest_plugins =
["serviceplan.testing.plugin"]`); `serviceplan.testing.contracts` holds a contract suite per plugin
role for adapter authors to run against their adapter.
"""

from serviceplan.testing.scenario import Expect, Scenario, event_name, expect

__all__ = ["Expect", "Scenario", "event_name", "expect"]
