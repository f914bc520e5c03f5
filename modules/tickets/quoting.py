"""Cutting the quoted history off an email reply, so a ticket shows what was written now.

Mail clients put the earlier conversation under a marker, in the writer's language:

- an attribution line: Gmail's "On Mon, 3 Jun 2026 at 10:15, Ana <ana@x> wrote:" (or, in
  Russian, "пн, 3 июн. 2026 г. в 10:15, Ana <ana@x>:"), Apple Mail's "Am 03.06.2026 um 10:15
  schrieb Ana <ana@x>:", Thunderbird's "03.06.2026 10:15, Ana пишет:", "在 2026/6/3 10:15, Ana
  写道:" — sometimes wrapped over two lines;
- Outlook's header block ("From: / Sent: / To: / Subject:", "Von: / Gesendet:", "От: /
  Отправлено:", "Od: / Poslano:", "Nuo: / Išsiųsta:", "发件人: / 发送时间:"), often under a line of
  underscores, or "-----Original Message-----";
- "> " lines.

Everything from the first marker on goes, as do a signature after "-- " and a trailing "Sent from
my iPhone". A reply written under the quote (bottom-posting) keeps its own lines. What is left is
never empty when the message had text: a message that is only a quote keeps its text.
"""

from __future__ import annotations

import re

# A verb saying "… wrote:" at the end of an attribution line.
_WROTE = (
    r"wrote|a\sécrit|schrieb|escribió|ha\sscritto|schreef|escreveu|"
    r"написал\(а\)|написала|написал|пишет|"
    r"(?:je\s)?napisa[ol](?:/la|\(la\)|a)?(?:\sje)?|napisał(?:a|\(a\))?|"
    r"rašė|parašė|写道|寫道"
)
ATTRIBUTION = re.compile(
    rf"""^\s*(
        # "On …, Ana wrote:", "Am … schrieb Ana:", "Dana … je napisao/la:" (a leading word)
        (on|le|am|el|il|op|em|dne|dana|в|w|pe|在)\s.{{0,200}}({_WROTE})\s*[:：]?
        # "Am 03.06.26 um 10:15 schrieb Ana:" (the verb before the name, a date in it)
        | (on|le|am|el|il|op|em|dne|dana)\s(?=.*\d).{{0,200}}\s({_WROTE})\s.{{1,120}}[:：]
        # "… <ana@x> wrote:", "03.06.2026 10:15, Ana пишет:" (a date or an address in it)
        | (?=.*(\d|@)).{{0,200}}({_WROTE})\s*[:：]
        # Gmail in many languages: "<date>, Ana <ana@x>:" / "… schrieb Ana <ana@x>:"
        | .{{0,200}}<[^<>\s]+@[^<>\s]+>\s*({_WROTE})?\s*[:：]
        | -{{2,}}\s*(original\smessage|ursprüngliche\snachricht|message\sd'origine|
            исходное\sсообщение|izvorna\sporuka|originalna\sporuka|originalus\slaiškas|
            原始邮件|原始郵件)\s*-{{2,}}
        | _{{10,}}
        | \d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}.{{0,120}}(<[^>]+@[^>]+>)?.{{0,40}}[:：]
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# Outlook's header block: a "From:" line followed by another header of the block.
HEADER_FROM = re.compile(r"^\s*\*?(from|von|de|od|от|nuo|发件人|寄件者)\*?\s*[:：]", re.IGNORECASE)
HEADER_NEXT = re.compile(
    r"^\s*\*?(sent|date|to|subject|cc|gesendet|datum|an|betreff|envoyé|отправлено|дата|кому|"
    r"тема|poslano|šalje|prima|predmet|išsiųsta|data|kam|tema|发送时间|日期|收件人|主题|"
    r"寄件日期|收件者|主旨)\*?\s*[:：]",
    re.IGNORECASE,
)
SIGNATURE = re.compile(r"^--\s?$")
SENT_FROM = re.compile(
    r"^\s*(sent\sfrom\smy\s|von\smeinem\s.*gesendet|отправлено\sс\s|poslano\s(s|sa)\s|"
    r"išsiųsta\siš\s|发自我的|從我的).{0,60}$",
    re.IGNORECASE,
)


def _is_marker(lines: list[str], index: int) -> bool:
    line = lines[index]
    if SIGNATURE.match(line) or ATTRIBUTION.match(line):
        return True
    following = [text for text in lines[index + 1 : index + 3] if text.strip()]
    if HEADER_FROM.match(line) and following and HEADER_NEXT.match(following[0]):
        return True
    # An attribution wrapped over two lines ("On Mon, … Ana <\nana@x> wrote:")
    if index + 1 < len(lines) and lines[index + 1].strip():
        joined = f"{line.rstrip()} {lines[index + 1].strip()}"
        if len(line.strip()) > 20 and ATTRIBUTION.match(joined) and _ends(lines[index + 1]):
            return True
    return False


def _ends(line: str) -> bool:
    return bool(re.search(rf"({_WROTE}|>)\s*[:：]\s*$", line.strip(), re.IGNORECASE))


def _quote(line: str) -> bool:
    return line.lstrip().startswith(">")


def strip_quoted(text: str) -> str:
    """`text` without the quoted history and signature."""
    original = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = original.split("\n")
    cut = next((index for index in range(len(lines)) if _is_marker(lines, index)), len(lines))
    kept = lines[:cut]
    if not "".join(kept).strip() and cut < len(lines):
        # Written under the quote: the lines after it that are not quoted, up to a signature.
        kept = []
        for line in lines[cut + 1 :]:
            if SIGNATURE.match(line):
                break
            if not _quote(line):
                kept.append(line)
    # Trailing "> " lines are a quote even without an attribution; so is a mobile footer.
    while kept and (_quote(kept[-1]) or not kept[-1].strip() or SENT_FROM.match(kept[-1])):
        kept.pop()
    result = "\n".join(kept).strip()
    return result or original.strip()
