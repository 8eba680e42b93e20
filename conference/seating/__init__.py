"""Halls, seat maps and protocol seating (座次)."""
