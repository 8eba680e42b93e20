"""Delegate registration: name lists, ordering and related helpers."""
