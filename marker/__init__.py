"""marker: offline, explainable essay feedback and marking for history."""

__version__ = "0.1.0"
