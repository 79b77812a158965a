"""What the officer asked a run to deliver, and the mail settings that needs: read before
anything is read or written (`pipeline.prepare`), apart from the delivering itself
(`delivery`), which writes workbooks and so loads what writing needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .mail import SmtpSettings


@dataclass(frozen=True)
class DeliveryOptions:
    """What the officer asked for beyond the workbook and the JSON."""

    feedback_dir: Path | None = None
    email_to: tuple[str, ...] = ()
    email_feedback: bool = False
    dry_run: bool = False

    @property
    def sends_mail(self) -> bool:
        return bool(self.email_to) or self.email_feedback

    @property
    def wants_anything(self) -> bool:
        """Whether the run is to write feedback or send mail: a run that must act again."""
        return self.feedback_dir is not None or self.sends_mail


def smtp_settings(options: DeliveryOptions) -> SmtpSettings | None:
    """The SMTP settings a run will need, read (and refused) before anything is written."""
    if not options.sends_mail or options.dry_run:
        return None
    return SmtpSettings.from_env()
