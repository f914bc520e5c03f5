#!/usr/bin/env python
"""Compile locale/<lang>/LC_MESSAGES/*.po into .mo files, in pure Python (polib).

Django's `compilemessages` needs GNU gettext's `msgfmt`; this does the same job without it, so
the project builds anywhere the virtualenv does. The .mo files are committed; run this after
editing a .po file:

    uv run python bin/compilemessages.py           # write the .mo files
    uv run python bin/compilemessages.py --check   # fail if a .mo file is missing or stale,
                                                   # or a message is untranslated or fuzzy

Before writing, every translation is checked to use exactly the placeholders of its source text
(`%(name)s`, `%d`...): a wrong one would raise at run time on the page that shows it.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sdif]|%[sdif]")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def problems_in(po: polib.POFile) -> list[str]:
    """Translations whose placeholders differ from their source text's."""
    found = []
    for entry in po.translated_entries():
        if entry.msgid_plural:
            # A language may drop the number from a form ("one"), never add a name.
            expected = set(placeholders(entry.msgid_plural)) | set(placeholders(entry.msgid))
            for form in entry.msgstr_plural.values():
                if not set(placeholders(form)) <= expected:
                    found.append(f"{entry.msgid!r}: {form!r}")
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            found.append(f"{entry.msgid!r}: {entry.msgstr!r}")
    return found


def compile_catalogues(locale_dir: Path, *, check: bool) -> int:
    failed = False
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        po = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        label = po_path.relative_to(ROOT) if po_path.is_relative_to(ROOT) else po_path
        problems = problems_in(po)
        if problems:
            failed = True
            sys.stderr.write(f"{label}: placeholders do not match:\n")
            for problem in problems:
                sys.stderr.write(f"  {problem}\n")
            continue
        binary = po.to_binary()
        if check:
            missing = [e.msgid for e in po.untranslated_entries() if not e.obsolete]
            fuzzy = [e.msgid for e in po.fuzzy_entries() if not e.obsolete]
            if missing or fuzzy:
                failed = True
                sys.stderr.write(
                    f"{label}: {len(missing)} untranslated and {len(fuzzy)} fuzzy messages, "
                    f"e.g. {(missing + fuzzy)[0]!r}\n"
                )
            if not mo_path.exists() or mo_path.read_bytes() != binary:
                failed = True
                sys.stderr.write(f"{label}: the .mo file is missing or out of date.\n")
            continue
        if not mo_path.exists() or mo_path.read_bytes() != binary:
            mo_path.write_bytes(binary)
        sys.stdout.write(
            f"{label}: {len(po.translated_entries())} of {len(po)} messages translated "
            f"({po.percent_translated()}%)\n"
        )
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check; write nothing")
    parser.add_argument("--locale-dir", type=Path, default=ROOT / "locale")
    args = parser.parse_args()
    return compile_catalogues(args.locale_dir, check=args.check)


if __name__ == "__main__":
    sys.exit(main())
