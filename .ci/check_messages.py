"""Fail when a committed .mo file is not what its .po file compiles to.

Compiles every loket/locale/*/LC_MESSAGES/*.po with msgfmt (as compilemessages does) into
a temporary directory and compares the catalogues, not the bytes, so a different gettext
version producing a different file layout does not count as a difference.
"""

from __future__ import annotations

import gettext
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def catalogue(path: Path) -> dict:
    with path.open("rb") as fh:
        return dict(gettext.GNUTranslations(fh)._catalog)  # type: ignore[attr-defined]


def main() -> int:
    po_files = sorted((ROOT / "loket").glob("**/locale/*/LC_MESSAGES/*.po"))
    if not po_files:
        print("no .po files yet: nothing to check")
        return 0
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for po in po_files:
            mo = po.with_suffix(".mo")
            fresh = Path(tmp) / "fresh.mo"
            subprocess.run(  # noqa: S603
                ["msgfmt", "--check-format", "-o", str(fresh), str(po)],  # noqa: S607
                check=True,
            )
            rel = po.relative_to(ROOT)
            if not mo.exists():
                stale.append(f"{rel}: no compiled .mo next to it")
            elif catalogue(mo) != catalogue(fresh):
                stale.append(f"{rel}: the committed .mo differs from the .po")
            else:
                print(f"{rel}: .mo is current ({len(catalogue(mo)) - 1} messages)")
    if stale:
        print("\n".join(stale))
        print("Run `make messages` and commit the .mo files.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
