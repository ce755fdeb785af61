"""Persistent storage of the dashboard: saved datasets on disk (``store.library``), no Flask, no Dash."""
