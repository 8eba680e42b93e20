"""Demo: the main hall (3-row rostrum, ~800 floor seats in three sections, a 列席 gallery), attached to the
plenary sittings, which are then seated automatically."""
from __future__ import annotations

from ..meetings.models import SittingKind
from . import services
from .halls import demo_layout


def load(ctx) -> None:
    hall = services.save_hall(demo_layout("主会场"))
    for sitting in ctx.sittings:
        if sitting.kind == SittingKind.PLENARY:
            services.set_hall(sitting, hall)
            services.auto_seat(sitting, allow_partial=True)
    ctx.extra["seating_hall"] = hall
