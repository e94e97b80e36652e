"""Benchmarks: serviceplan side by side with bare eventsourcing and raw sqlite3 (`make bench`)."""
