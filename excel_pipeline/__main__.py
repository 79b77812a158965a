"""`python -m excel_pipeline` is `dhtt-merge`."""

from .cli import command

if __name__ == "__main__":  # not when a spawned helper process imports it
    command()
