"""Cutting the quoted history off an email reply, so a ticket shows what was written now.

Mail clients put the earlier conversation under an attribution line ("On Mon, 3 Jun 2026, Ana
wrote:", "Am … schrieb …:", "-----Original Message-----", a "From:" header block, Outlook's
underscores) or as "> " lines at the end. Everything from the first such marker on goes, as does
a signature after "-- ". What is left is never empty when the message had text: a reply that is
only a quote keeps its text.
"""

from __future__ import annotations

import re

ATTRIBUTION = re.compile(
    r"""^\s*(
        (on|le|am|el|il|op|em|dne|в|w|pe)\s.{0,200}(wrote|a\sécrit|schrieb|escribió|ha\sscritto|
            schreef|escreveu|napisal|napisao|je\snapisao|написал|написала|napisał|rašė|parašė)\s*:?
        | -{2,}\s*(original\smessage|ursprüngliche\snachricht|message\sd'origine|
            исходное\sсообщение|izvorna\sporuka|originali\sžinutė)\s*-{2,}
        | _{10,}
        | (from|von|de|od|от|nuo|发件人)\s*:.+
        | .{0,80}(写道|寫道)\s*[:：]
        | \d{4}[-/.]\d{1,2}[-/.]\d{1,2}.{0,120}(<[^>]+@[^>]+>)?.{0,40}:
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
SIGNATURE = re.compile(r"^--\s?$")


def strip_quoted(text: str) -> str:
    """`text` without the quoted history and signature."""
    original = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = original.split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if SIGNATURE.match(line) or ATTRIBUTION.match(line):
            break
        # An attribution wrapped over two lines ("On Mon, … Ana <ana@x>\nwrote:")
        joined = f"{line} {lines[index + 1]}" if index + 1 < len(lines) else ""
        if joined and ATTRIBUTION.match(joined) and _ends_attribution(lines[index + 1]):
            break
        kept.append(line)
    # Trailing "> " lines are a quote even without an attribution.
    while kept and (kept[-1].lstrip().startswith(">") or not kept[-1].strip()):
        kept.pop()
    result = "\n".join(kept).strip()
    return result or original.strip()


def _ends_attribution(line: str) -> bool:
    return line.strip().lower().rstrip(":").endswith(("wrote", "schrieb"))
