"""The application layer: commands and queries over the event-sourced domain."""
