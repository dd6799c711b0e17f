"""Keep the Vietnamese catalogue in step with the code.

    python scripts/i18n.py check            # list message ids without a Vietnamese translation
    python scripts/i18n.py update [F.py…]   # re-extract; keep translations; add those in F.py
                                            # (each file defines VI = {msgid: msgstr})

English is the source language; Vietnamese (the default locale) is translated in
translations/vi/LC_MESSAGES/messages.po. `make` compiles it into messages.mo.
"""

from __future__ import annotations

import io
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO_PATH = ROOT / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
IGNORE = ".venv tests migrations node_modules bench scripts"


def extract() -> Catalog:
    with tempfile.TemporaryDirectory() as folder:
        pot = Path(folder) / "messages.pot"
        subprocess.run(  # noqa: S603 — fixed arguments
            [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
             "-k", "N_", "-k", "_l", "-k", "lazy_gettext", "--no-location",
             f"--ignore-dirs={IGNORE}", "-o", str(pot), "."],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        return read_po(io.BytesIO(pot.read_bytes()))


def existing() -> Catalog:
    if not PO_PATH.exists():
        return Catalog(locale="vi")
    return read_po(io.BytesIO(PO_PATH.read_bytes()), locale="vi")


def missing_translations() -> list[str]:
    catalogue = existing()
    missing = []
    for message in extract():
        if not message.id:
            continue
        found = catalogue.get(message.id)
        if found is None or not found.string:
            missing.append(message.id)
    return missing


def update(additions: list[str]) -> list[str]:
    new: dict[str, str] = {}
    for path in additions:
        new.update(runpy.run_path(path)["VI"])
    old = existing()
    catalogue = Catalog(locale="vi", project="An Sinh Link", charset="utf-8", fuzzy=False)
    missing = []
    for message in extract():
        if not message.id:
            continue
        previous = old.get(message.id)
        text = new.get(message.id) or (previous.string if previous else "")
        if not text:
            missing.append(message.id)
        catalogue.add(message.id, text, flags=[f for f in message.flags if f != "fuzzy"])
    PO_PATH.parent.mkdir(parents=True, exist_ok=True)
    with PO_PATH.open("wb") as handle:
        write_po(handle, catalogue, width=100, sort_output=True, no_location=True)
    return missing


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    missing = update(argv[1:]) if command == "update" else missing_translations()
    for message_id in missing:
        print(f"untranslated: {message_id!r}")  # noqa: T201
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
