"""Where the bundled example inboxes are: light to import, so the command can find one before it
loads the pipeline (`write.unchanged`: a run with nothing to do never loads it)."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

from ..campaign import Campaign


def example_inbox(campaign_id: str | None = None) -> Path:
    """The bundled example inbox of a preset, used when no inbox is given: each preset has its
    own (`data/examples/<id>`, its bodies, levels and dates); the Bàu Bàng district's
    (`data/example_inbox`) otherwise."""
    data = resources.files("excel_pipeline").joinpath("data")
    own = data.joinpath("examples", campaign_id) if campaign_id else None
    if own is not None and own.is_dir():
        return Path(str(own))
    return Path(str(data.joinpath("example_inbox")))


def inbox_and_day(inbox: Path | None, campaign: Campaign,
                  as_of: dt.date | None) -> tuple[Path, dt.date]:
    """The inbox a run reads and the day it counts from: without a folder, the campaign's own
    example, whose data belong to the campaign's dates, not today's."""
    if inbox is not None:
        return inbox, as_of or dt.date.today()
    return example_inbox(campaign.id), as_of or campaign.example_as_of() or dt.date.today()
