"""The clinic's domain: patients, visits, delays, incidents and offerings.

Pure event-sourced aggregates and value objects: no plugins, storage, network or clock live here.
"""
