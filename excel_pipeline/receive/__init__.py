"""`dhtt-merge receive`: the attachments of a mailbox (IMAP) saved into the inbox folder.

It comes before discovery in the flow: it only writes into the inbox folder (one folder per
unit, and the manifest `.dhtt-thu-den.json` recording each file's arrival), and the run reads
that folder as any other. See docs/architecture.md.
"""
