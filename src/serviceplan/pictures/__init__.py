"""Pictures of the clinic's day: the timeline as SVG and the report as a self-contained page."""

from serviceplan.pictures.page import report_page
from serviceplan.pictures.timeline import timeline

__all__ = ["report_page", "timeline"]
