"""Whether the run belongs to the campaign it is checked against: a registry whose root is
another body than the campaign's issuer, or an `--as-of` long after the campaign's dates, most
likely means the wrong `--campaign` (a district running a province's preset, last year's
preset). Said once, as a warning (CAMPAIGN_MISMATCH): the run goes on."""

from __future__ import annotations

import datetime as dt

from ..findings import FINDING_TYPES, Finding
from ..model import Consolidation
from ..textnorm import fold, format_date

# How long after its last date a run still belongs to a campaign (late dossiers, reports).
GRACE = dt.timedelta(days=365)
CAMPAIGN_MISMATCH = FINDING_TYPES["CAMPAIGN_MISMATCH"]


def campaign_findings(c: Consolidation) -> list[Finding]:
    """CAMPAIGN_MISMATCH for the registry's root and for `--as-of`, at most one each."""
    found = []
    campaign, settings = c.campaign, c.campaign.documents
    if c.registry.roots and not c.registry.inferred:
        root = c.registry.units[c.registry.roots[0]]
        name = fold(root.name)
        if settings.issuer:  # the campaign names its issuing body
            wrong, expected = fold(settings.issuer) != name, settings.issuer
        else:  # it names its place: the root should be a body of that place
            wrong, expected = bool(settings.place) and fold(settings.place) not in name, \
                settings.place
        if wrong:
            found.append(CAMPAIGN_MISMATCH.at(
                campaign.severities, {"unit": root.code}, variant="body", root=root.name,
                campaign=campaign.name, expected=expected))
    dates = campaign.dates()
    if dates and c.as_of > dates[-1] + GRACE:
        found.append(CAMPAIGN_MISMATCH.at(
            campaign.severities, {}, as_of=format_date(c.as_of), campaign=campaign.name,
            last=format_date(dates[-1])))
    return found
