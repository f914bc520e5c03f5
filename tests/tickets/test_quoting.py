"""Quoted history comes off email replies as the common mail clients write it, in the languages
our customers write in; what the person wrote stays whole."""

from __future__ import annotations

import pytest

from modules.tickets.quoting import strip_quoted

HISTORY = "> The printer says E42.\n> What should I do?\n"

CASES = {
    # --- Gmail ---------------------------------------------------------------------------
    "gmail-en": (
        "Thanks, that fixed it!\n\n"
        "On Mon, Jun 3, 2026 at 10:15 AM Support <alpha+7-0123456789abcdef@inbound.example> "
        "wrote:\n\n" + HISTORY,
        "Thanks, that fixed it!",
    ),
    "gmail-en-wrapped": (
        "Thanks, that fixed it!\n\n"
        "On Mon, Jun 3, 2026 at 10:15 AM Alpha Support Team <\n"
        "alpha+7-0123456789abcdef@inbound.example> wrote:\n\n" + HISTORY,
        "Thanks, that fixed it!",
    ),
    "gmail-ru": (
        "Спасибо, всё заработало.\nПринтер снова печатает.\n\n"
        "пн, 3 июн. 2026 г. в 10:15, Поддержка <support@alpha.example>:\n\n" + HISTORY,
        "Спасибо, всё заработало.\nПринтер снова печатает.",
    ),
    "gmail-hr": (
        "Hvala, sada radi.\n\n"
        "pon, 3. lip 2026. u 10:15 Podrška <support@alpha.example> napisao je:\n\n" + HISTORY,
        "Hvala, sada radi.",
    ),
    "gmail-de": (
        "Danke, jetzt geht es wieder.\n\n"
        "Am Mo., 3. Juni 2026 um 10:15 Uhr schrieb Support <support@alpha.example>:\n\n" + HISTORY,
        "Danke, jetzt geht es wieder.",
    ),
    "gmail-lt": (
        "Ačiū, dabar veikia.\n\n"
        "2026-06-03, pr 10:15 Pagalba <support@alpha.example> rašė:\n\n" + HISTORY,
        "Ačiū, dabar veikia.",
    ),
    "gmail-zh": (
        "谢谢，问题解决了。\n\n"
        "Support <support@alpha.example> 于2026年6月3日周一 10:15写道：\n\n" + HISTORY,
        "谢谢，问题解决了。",
    ),
    # --- Outlook (desktop and web) -------------------------------------------------------
    "outlook-en": (
        "Hi,\r\nthe invoice is attached.\r\n\r\nRegards,\r\nAna\r\n\r\n"
        "________________________________\r\n"
        "From: Alpha Support <support@alpha.example>\r\n"
        "Sent: Monday, June 3, 2026 10:15 AM\r\n"
        "To: Ana Horvat <ana@acme.example>\r\n"
        "Subject: [#7] New reply: Printer\r\n\r\n"
        "The printer says E42.\r\n",
        "Hi,\nthe invoice is attached.\n\nRegards,\nAna",
    ),
    "outlook-en-original-message": (
        "Please close the ticket.\n\n-----Original Message-----\n"
        "From: Alpha Support <support@alpha.example>\nSent: Monday, June 3, 2026 10:15 AM\n"
        "The printer says E42.\n",
        "Please close the ticket.",
    ),
    "outlook-ru": (
        "Добрый день!\nСчёт во вложении.\n\n"
        "От: Поддержка <support@alpha.example>\n"
        "Отправлено: 3 июня 2026 г. 10:15\n"
        "Кому: Анна <ana@acme.example>\n"
        "Тема: [#7] Новый ответ\n\n"
        "The printer says E42.\n",
        "Добрый день!\nСчёт во вложении.",
    ),
    "outlook-hr": (
        "Poštovani,\nšaljem račun.\n\n"
        "Od: Podrška <support@alpha.example>\n"
        "Poslano: ponedjeljak, 3. lipnja 2026. 10:15\n"
        "Prima: Ana <ana@acme.example>\n"
        "Predmet: [#7] Novi odgovor\n\n"
        "The printer says E42.\n",
        "Poštovani,\nšaljem račun.",
    ),
    "outlook-de": (
        "Hallo,\nanbei die Rechnung.\n\n"
        "-----Ursprüngliche Nachricht-----\n"
        "Von: Support <support@alpha.example>\n"
        "Gesendet: Montag, 3. Juni 2026 10:15\n"
        "An: Ana <ana@acme.example>\n"
        "Betreff: [#7] Neue Antwort\n\n"
        "The printer says E42.\n",
        "Hallo,\nanbei die Rechnung.",
    ),
    "outlook-de-no-separator": (
        "Hallo,\nanbei die Rechnung.\n\n"
        "Von: Support <support@alpha.example>\n"
        "Gesendet: Montag, 3. Juni 2026 10:15\n"
        "An: Ana <ana@acme.example>\n\n"
        "The printer says E42.\n",
        "Hallo,\nanbei die Rechnung.",
    ),
    "outlook-lt": (
        "Laba diena,\nsiunčiu sąskaitą.\n\n"
        "Nuo: Pagalba <support@alpha.example>\n"
        "Išsiųsta: 2026 m. birželio 3 d. 10:15\n"
        "Kam: Ana <ana@acme.example>\n"
        "Tema: [#7] Naujas atsakymas\n\n"
        "The printer says E42.\n",
        "Laba diena,\nsiunčiu sąskaitą.",
    ),
    "outlook-zh": (
        "您好，\n发票在附件中。\n\n"
        "发件人: Support <support@alpha.example>\n"
        "发送时间: 2026年6月3日 10:15\n"
        "收件人: Ana <ana@acme.example>\n"
        "主题: [#7] 新回复\n\n"
        "The printer says E42.\n",
        "您好，\n发票在附件中。",
    ),
    # --- Apple Mail ----------------------------------------------------------------------
    "apple-en": (
        "Works now, thank you.\n\nSent from my iPhone\n\n"
        "> On 3 Jun 2026, at 10:15, Alpha Support <support@alpha.example> wrote:\n>\n" + HISTORY,
        "Works now, thank you.",
    ),
    "apple-en-unquoted-attribution": (
        "Works now, thank you.\n\n"
        "On 3 Jun 2026, at 10:15, Alpha Support <support@alpha.example> wrote:\n\n" + HISTORY,
        "Works now, thank you.",
    ),
    "apple-de": (
        "Geht wieder, danke.\n\nVon meinem iPhone gesendet\n\n"
        "Am 03.06.2026 um 10:15 schrieb Alpha Support <support@alpha.example>:\n\n" + HISTORY,
        "Geht wieder, danke.",
    ),
    "apple-ru": (
        "Работает, спасибо.\n\n"
        "3 июня 2026 г., в 10:15, Alpha Support <support@alpha.example> написал(а):\n\n" + HISTORY,
        "Работает, спасибо.",
    ),
    # --- Thunderbird ---------------------------------------------------------------------
    "thunderbird-en": (
        "Here is the log you asked for.\n\nOn 03/06/2026 10:15, Alpha Support wrote:\n" + HISTORY,
        "Here is the log you asked for.",
    ),
    "thunderbird-de": (
        "Hier ist das Protokoll.\n\nAm 03.06.26 um 10:15 schrieb Alpha Support:\n" + HISTORY,
        "Hier ist das Protokoll.",
    ),
    "thunderbird-ru": (
        "Вот журнал.\n\n03.06.2026 10:15, Alpha Support пишет:\n" + HISTORY,
        "Вот журнал.",
    ),
    "thunderbird-hr": (
        "Evo zapisnika.\n\nDana 03.06.2026. u 10:15, Alpha Support je napisao/la:\n" + HISTORY,
        "Evo zapisnika.",
    ),
    "thunderbird-lt": (
        "Štai žurnalas.\n\n2026-06-03 10:15, Alpha Support rašė:\n" + HISTORY,
        "Štai žurnalas.",
    ),
    "thunderbird-zh": (
        "这是日志。\n\n在 2026/6/3 10:15, Alpha Support 写道:\n" + HISTORY,
        "这是日志。",
    ),
    "thunderbird-signature": (
        "Here is the log.\n\n-- \nAna Horvat\nAcme d.o.o.\n\n"
        "On 03/06/2026 10:15, Alpha Support wrote:\n" + HISTORY,
        "Here is the log.",
    ),
    "thunderbird-bottom-posted": (
        "On 03/06/2026 10:15, Alpha Support wrote:\n" + HISTORY + "\nI restarted it, no luck.\n",
        "I restarted it, no luck.",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_quoted_history_is_cut_from_real_clients_replies(name):
    body, expected = CASES[name]
    assert strip_quoted(body) == expected


def test_a_reply_that_is_only_a_quote_keeps_its_text():
    body = "On Mon, Jun 3, 2026 at 10:15 AM Ana <ana@acme.example> wrote:\n> Hello\n"
    assert strip_quoted(body) == body.strip()


@pytest.mark.parametrize(
    "body",
    [
        "My colleague wrote:\nplease call me back.",  # no date, no address: not an attribution
        "From: the warehouse, the parcel never left.\nCan you check?",  # no header block after
        "We moved on 3 June.\nThe old address was\n  Main St 1",
        "Error: printer offline\nDate of purchase: 2025",
        "Чем я могу помочь? Напишите: что случилось.",
    ],
)
def test_ordinary_text_is_left_whole(body):
    assert strip_quoted(body) == body


def test_trailing_quote_lines_without_an_attribution_go():
    assert strip_quoted("Yes, please.\n\n> Shall we replace it?\n> Ana") == "Yes, please."


def test_empty_and_none_bodies():
    assert strip_quoted("") == ""
    assert strip_quoted(None) == ""
