"""Exceptions that stop a run before anything is written.

Each carries a Vietnamese message meant for the officer; the CLI prints it and exits with status 2.
Problems inside individual files are never exceptions: they become findings and the run goes on.
"""


class DhttError(Exception):
    """A run cannot start or cannot write (exit status 2)."""


class CampaignError(DhttError):
    """The campaign preset or TOML file is unknown or malformed."""


class InboxError(DhttError):
    """The inbox is missing, empty, or holds no spreadsheet."""


class RegistryError(DhttError):
    """The unit registry given by option cannot be used."""


class OutputError(DhttError):
    """An output folder cannot be used: it would mix our files with the units', or it cannot be
    created or written."""
