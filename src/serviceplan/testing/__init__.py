"""Tools for testing a clinic's own rules and plugins against serviceplan.

`serviceplan.testing.plugin` is an opt-in pytest plugin (`pytest_plugins =
["serviceplan.testing.plugin"]`); `serviceplan.testing.contracts` holds a contract suite per plugin
role for adapter authors to run against their adapter.
"""
