"""Compile the Vietnamese catalogue of click's texts (excel_pipeline/locale) into its .mo.

The .mo is what gettext reads at run time; it is committed beside the .po so that an installed
package needs no compiler. After editing the .po, run:

    python -m tests.messages

`tests/test_messages.py` fails when the committed .mo is not the .po's compilation, or when the
installed click shows a text the catalogue does not translate.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import excel_pipeline

CATALOGUE = Path(excel_pipeline.__file__).parent / "locale" / "vi" / "LC_MESSAGES"
PO, MO = CATALOGUE / "dhtt_merge.po", CATALOGUE / "dhtt_merge.mo"


def catalogue() -> Catalog:
    with PO.open("rb") as stream:
        return read_po(stream, locale="vi")


def compiled() -> bytes:
    """The .mo bytes of the .po, as babel writes them (deterministic: sorted, no dates)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalogue())
    return buffer.getvalue()


if __name__ == "__main__":
    MO.write_bytes(compiled())
    print(MO)
