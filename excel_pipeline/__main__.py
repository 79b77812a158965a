"""`python -m excel_pipeline` is `dhtt-merge`."""

from .cli import main

main(prog_name="dhtt-merge")
