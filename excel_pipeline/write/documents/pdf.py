"""PDF copies of the Word documents, made by LibreOffice when it is installed (`--pdf`).

LibreOffice is found on the PATH (`soffice`, `libreoffice`) or where its Windows installer puts
it. It runs headless with a profile of its own, so an office suite the officer has open is
neither disturbed nor in the way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..atomic import Staging

# Where the Windows and macOS installers put LibreOffice, when it is not on the PATH.
_KNOWN_PLACES = (
    Path(os.environ.get("PROGRAMFILES", r"C:\Program Files")) / "LibreOffice/program/soffice.exe",
    Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)"))
    / "LibreOffice/program/soffice.exe",
    Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
)
# Seconds one conversion of all the documents may take before it is given up.
TIMEOUT = 300

NOT_INSTALLED = ("không tạo được PDF vì máy chưa cài LibreOffice (không tìm thấy soffice); các "
                 "văn bản Word vẫn được ghi. Cài LibreOffice (https://www.libreoffice.org) rồi "
                 "chạy lại với --pdf, hoặc mở văn bản bằng Word và chọn Lưu dưới dạng PDF.")


def find_office() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((str(place) for place in _KNOWN_PLACES if place.is_file()), None)


def to_pdf(documents: list[Path], office: str,
           staging: Staging | None = None) -> dict[Path, bytes]:
    """Each document's PDF (document path -> its bytes); a document LibreOffice could not
    convert is absent. The documents are read where they are staged, under their own names
    in a private folder, since LibreOffice names a PDF after its document."""
    with tempfile.TemporaryDirectory(prefix="dhtt-pdf-") as work:
        folder = Path(work)
        for document in documents:
            source = staging.location(document) if staging is not None else document
            shutil.copyfile(source, folder / document.name)
        profile = (folder / "profile").as_uri()
        command = [office, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(folder / "pdf"),
                   *(str(folder / d.name) for d in documents)]
        try:
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return {}
        made = {}
        for document in documents:
            pdf = folder / "pdf" / f"{document.stem}.pdf"
            if pdf.is_file() and pdf.stat().st_size:
                made[document] = pdf.read_bytes()
        return made
