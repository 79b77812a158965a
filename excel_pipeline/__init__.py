"""dhtt-merge: consolidate unit workbooks for exemplary-worker conferences and emulation reviews."""

__version__ = "0.2.0"
