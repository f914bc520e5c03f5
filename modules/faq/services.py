"""Writes of FAQ content outside the Wagtail editor: default content, demos and tests."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from modules.faq.pages import FaqGroupPage, FaqIndexPage, FaqItem, item_slug


@transaction.atomic
def faq_index_create(
    *, parent: Page, title: str, intro: str = "", slug: str = "faq", publish: bool = True
) -> FaqIndexPage:
    """Add the portal's FAQ index page under `parent` (the home page)."""
    index = FaqIndexPage(title=title, slug=slug, intro=intro, live=publish)
    parent.add_child(instance=index)
    revision = index.save_revision()
    if publish:
        revision.publish()
    return index


@transaction.atomic
def faq_group_create(
    *,
    index: FaqIndexPage,
    title: str,
    questions: Iterable[tuple[str, str]],
    intro: str = "",
    slug: str = "",
    publish: bool = True,
) -> FaqGroupPage:
    """Add a group of (question, answer HTML) pairs under an FAQ index page, in that order.

    The items go in through the page's revision, as the editor saves them, so the published
    page and its revision history agree."""
    group = FaqGroupPage(
        title=title, intro=intro, slug=slug or slugify(title, allow_unicode=True), live=publish
    )
    taken: set[str] = set()
    items = []
    for question, answer in questions:
        question_slug = item_slug(question, taken)
        taken.add(question_slug)
        items.append(FaqItem(question=question, slug=question_slug, answer=answer))
    group.items = items
    index.add_child(instance=group)
    revision = group.save_revision()
    if publish:
        revision.publish()
    return group


def faq_furnish(*, home: Page) -> FaqIndexPage:
    """A new portal's FAQ: an empty index at /faq/, so the home page's FAQ tile leads somewhere."""
    existing = FaqIndexPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    return faq_index_create(parent=home, title=str(_("Frequently asked questions")), intro="")


DEMO_QUESTIONS = [
    (
        "Accounts and sign-in",
        [
            (
                "How do I reset my password?",
                "<p>Open the sign-in page, choose <b>Forgot "
                "password</b> and follow the link we email you. The link works for one hour.</p>",
            ),
            (
                "Can I change the email address I sign in with?",
                "<p>Yes: open <b>Profile</b>, "
                "change the address and confirm it from the message we send to the new one.</p>",
            ),
            (
                "Do you support single sign-on?",
                "<p>SAML and OpenID Connect are available on the Team and Business plans.</p>",
            ),
        ],
    ),
    (
        "Billing",
        [
            (
                "Which payment methods do you accept?",
                "<p>Cards (Visa, Mastercard, American "
                "Express) and bank transfer for yearly plans.</p>",
            ),
            (
                "Can I get a refund?",
                "<p>Yearly plans can be refunded pro rata within 30 days "
                "of renewal. Write to us from the contact page.</p>",
            ),
        ],
    ),
]


def faq_demo_content(*, home: Page) -> None:
    """Sample questions for the demo portal."""
    index = faq_furnish(home=home)
    if FaqGroupPage.objects.child_of(index).exists():
        return
    for title, questions in DEMO_QUESTIONS:
        faq_group_create(index=index, title=title, questions=questions)


# The demo questions in other languages: group titles and (question, answer) pairs in the order
# of DEMO_QUESTIONS.
DEMO_TRANSLATIONS = {
    "ru": [
        (
            "Учётная запись и вход",
            [
                (
                    "Как сбросить пароль?",
                    "<p>Откройте страницу входа, нажмите <b>Забыли пароль?</b> и перейдите по "
                    "ссылке из письма. Ссылка действует один час.</p>",
                ),
                (
                    "Можно ли сменить адрес почты, с которым я вхожу?",
                    "<p>Да: откройте <b>Профиль</b>, измените адрес и подтвердите его по "
                    "ссылке из письма, которое придёт на новый адрес.</p>",
                ),
                (
                    "Есть ли единый вход (SSO)?",
                    "<p>SAML и OpenID Connect доступны на тарифах Team и Business.</p>",
                ),
            ],
        ),
        (
            "Оплата",
            [
                (
                    "Какие способы оплаты вы принимаете?",
                    "<p>Карты (Visa, Mastercard, American Express), а для годовых тарифов "
                    "также банковский перевод.</p>",
                ),
                (
                    "Можно ли вернуть деньги?",
                    "<p>За годовой тариф можно вернуть деньги пропорционально неиспользованному "
                    "сроку в течение 30 дней после продления. Напишите нам со страницы "
                    "контактов.</p>",
                ),
            ],
        ),
    ],
}


@transaction.atomic
def faq_demo_translations(*, home: Page, language: str) -> None:
    """The demo questions translated into `language` (when DEMO_TRANSLATIONS has it): the FAQ
    index and each demo group are copied into the locale's tree with `copy_for_translation`
    (the questions come along, keeping their slugs, so `q/<slug>/` is the same address in
    every language) and given their translated title, questions and answers. Groups already
    translated are kept as they are."""
    groups = DEMO_TRANSLATIONS.get(language)
    index = FaqIndexPage.objects.child_of(home).first()
    if groups is None or index is None:
        return
    locale, _created = Locale.objects.get_or_create(language_code=language)
    if index.get_translation_or_none(locale) is None:
        translated_index = index.copy_for_translation(locale)
        with translation.override(language):
            translated_index.title = str(_("Frequently asked questions"))
        translated_index.save_revision().publish()
    for (title, questions), (translated_title, translated_questions) in zip(
        DEMO_QUESTIONS, groups, strict=True
    ):
        source = (
            FaqGroupPage.objects.child_of(index)
            .filter(slug=slugify(title, allow_unicode=True))
            .first()
        )
        if source is None or source.get_translation_or_none(locale) is not None:
            continue
        group = source.copy_for_translation(locale)
        group.title = translated_title
        by_question = {
            question: translated
            for (question, _answer), translated in zip(questions, translated_questions, strict=True)
        }
        items = list(group.items.all())
        for item in items:
            if item.question in by_question:
                item.question, item.answer = by_question[item.question]
        group.items = items
        group.save_revision().publish()
