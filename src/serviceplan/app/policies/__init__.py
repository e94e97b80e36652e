"""Policies: whenever the log records certain events, what follows is done, once each."""
