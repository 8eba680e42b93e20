"""PDF documents for meetings (GB/T 9704-2012 page frame, embedded fonts with fallback).

Renderers take plain dataclasses from :mod:`conference.pdf.data` and return PDF bytes.
No database and no Flask here.
"""
from .fonts import MissingGlyphError, register_fonts  # noqa: F401
