"""Sample content for the demo tenant (run inside its schema), in English and Russian.

`seed_sample_content` writes the English portal: a few content pages, the home page's tiles,
then each module's `demo_content`. `seed_translations` then translates it: the home page and
content pages here, each module's pages through its `demo_translations` hook, and whatever a
module leaves untranslated becomes an alias of the English page (same content, same address
in the translated tree), so a reader of the other language never meets a missing page.
Both are idempotent: run again, they add only what is missing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string
from wagtail.models import Locale, Page, Site

from cms.models import ContentPage, HomePage
from cms.setup import default_body
from modules import registry

# The language of the demo's translated tree (besides the portal's own, English).
DEMO_LANGUAGE = "ru"

PAGES = [
    {
        "slug": "getting-started",
        "icon": "Go",
        "en": {
            "title": "Getting started",
            "intro": "Everything you need in your first ten minutes.",
            "body": "<h2>Create your account</h2><p>Sign up with your work email and confirm it "
            "from the message we send you.</p><h2>Invite your team</h2><p>Open <b>Settings → "
            "Team</b> and add colleagues by email. Each gets their own login.</p><h2>Connect "
            "your tools</h2><p>Use an API key from <b>Settings → API keys</b> to sync data "
            "from your CRM.</p>",
        },
        "ru": {
            "title": "Первые шаги",
            "intro": "Всё, что нужно в первые десять минут.",
            "body": "<h2>Создайте учётную запись</h2><p>Зарегистрируйтесь с рабочей почтой и "
            "подтвердите её по ссылке из нашего письма.</p><h2>Пригласите команду</h2><p>"
            "Откройте <b>Настройки → Команда</b> и добавьте коллег по адресу почты. У каждого "
            "будет свой вход.</p><h2>Подключите свои инструменты</h2><p>Создайте ключ в "
            "<b>Настройки → Ключи API</b>, чтобы синхронизировать данные с вашей CRM.</p>",
        },
    },
    {
        "slug": "billing",
        "icon": "€",
        "en": {
            "title": "Billing and invoices",
            "intro": "How we charge, and where to find your invoices.",
            "body": "<p>We bill monthly or yearly by card or bank transfer. Invoices are "
            "emailed to the account owner and are always available under <b>Account → "
            "Billing</b>.</p><p>Changing plans takes effect at once; the difference is "
            "prorated.</p>",
        },
        "ru": {
            "title": "Оплата и счета",
            "intro": "Как мы списываем оплату и где найти ваши счета.",
            "body": "<p>Оплата ежемесячная или годовая, картой или банковским переводом. Счета "
            "приходят владельцу учётной записи на почту и всегда доступны в <b>Учётная запись "
            "→ Оплата</b>.</p><p>Смена тарифа действует сразу, разница пересчитывается "
            "пропорционально.</p>",
        },
    },
    {
        "slug": "security",
        "icon": "✓",
        "en": {
            "title": "Security and privacy",
            "intro": "How we keep your data safe.",
            "body": "<p>Data is encrypted in transit and at rest, backed up daily and stored in "
            "the EU. You can export or delete your data at any time.</p>",
        },
        "ru": {
            "title": "Безопасность и конфиденциальность",
            "intro": "Как мы защищаем ваши данные.",
            "body": "<p>Данные шифруются при передаче и хранении, ежедневно копируются и "
            "хранятся в ЕС. Вы можете выгрузить или удалить их в любой момент.</p>",
        },
    },
    {
        "slug": "contact",
        "icon": "@",
        "en": {
            "title": "Contact us",
            "intro": "Talk to a person.",
            "body": "<p>Our support team answers every request within one working day, Monday "
            "to Friday, 9:00–17:00 CET.</p>",
        },
        "ru": {
            "title": "Связаться с нами",
            "intro": "Поговорите с живым человеком.",
            "body": "<p>Служба поддержки отвечает на каждое обращение в течение рабочего дня, "
            "с понедельника по пятницу, с 9:00 до 17:00 по центральноевропейскому "
            "времени.</p>",
        },
    },
]

# The home page's own blocks, besides those every portal starts with (cms.setup.default_body).
HOME = {
    "en": {
        "tiles": "Start here",
        "featured": "Popular topics",
        "welcome": '<h2>New here?</h2><p>Start with <a href="/getting-started/">Getting '
        "started</a>, or search above: most questions are answered in under a minute.</p>",
    },
    "ru": {
        "tiles": "С чего начать",
        "featured": "Популярные темы",
        "welcome": '<h2>Вы у нас впервые?</h2><p>Начните с раздела <a href="/getting-started/">'
        "Первые шаги</a> или воспользуйтесь поиском: на большинство вопросов ответ находится "
        "меньше чем за минуту.</p>",
    },
}


def _home_body(language: str, pages: list[ContentPage]) -> list[dict]:
    """The demo home page's body in `language`, its tiles and featured list leading to `pages`
    (the content pages in that language, in the order of PAGES)."""
    text = HOME[language]
    icons = {data["slug"]: data["icon"] for data in PAGES}
    with translation.override(language):
        body = default_body()
    body.insert(
        1,
        {
            "type": "module_tiles",
            "value": {
                "heading": text["tiles"],
                "tiles": [
                    {
                        "module": "",
                        "title": page.title,
                        "description": page.intro,
                        "icon": icons.get(page.slug, ""),
                        "page": page.pk,
                        "url": "",
                    }
                    for page in pages
                ],
            },
        },
    )
    body.insert(
        3,
        {
            "type": "featured",
            "value": {"heading": text["featured"], "pages": [p.pk for p in pages[:3]]},
        },
    )
    body.insert(4, {"type": "rich_text", "value": text["welcome"]})
    return body


def _demo_home() -> HomePage:
    """The portal's own home page: the default site's root (its translations are siblings)."""
    site = Site.objects.get(is_default_site=True)
    return site.root_page.specific


@transaction.atomic
def seed_sample_content() -> HomePage:
    home = _demo_home()
    language = home.locale.language_code
    if not ContentPage.objects.child_of(home).exists():
        created = []
        for data in PAGES:
            text = data[language]
            page = ContentPage(
                title=text["title"],
                slug=data["slug"],
                intro=text["intro"],
                body=[("rich_text", text["body"])],
            )
            home.add_child(instance=page)
            page.save_revision().publish()
            created.append(page)
        home.body = _home_body(language, created)
        home.save_revision().publish()
    for spec in registry.all_modules():
        if spec.demo_content:
            import_string(spec.demo_content)(home=home)
    seed_translations(home=home, language=DEMO_LANGUAGE)
    return home


@transaction.atomic
def seed_translations(*, home: HomePage, language: str = DEMO_LANGUAGE) -> HomePage:
    """The demo portal in `language`: the home page and content pages translated here (with
    `copy_for_translation`, so each shares its source page's translation key and slug), each
    module's pages by its `demo_translations` hook, and every other live page below the home
    page as an alias of its source. Returns the translated home page. Visitors whose language
    is `language` (cookie or Accept-Language) then read this tree (cms.languages)."""
    locale, _created = Locale.objects.get_or_create(language_code=language)
    translated_home = home.get_translation_or_none(locale)
    if translated_home is None:
        translated_home = home.copy_for_translation(locale)
        pages = [
            _translate_content_page(source, locale)
            for data in PAGES
            for source in ContentPage.objects.child_of(home).filter(slug=data["slug"])
        ]
        # Fresh from the database: the copies above changed its place in the tree (numchild),
        # which publishing a stale instance would undo.
        translated_home = HomePage.objects.get(pk=translated_home.pk)
        if language in HOME:
            translated_home.body = _home_body(language, pages)
        translated_home.save_revision().publish()
    for spec in registry.all_modules():
        if spec.demo_translations:
            import_string(spec.demo_translations)(home=home, language=language)
    _alias_untranslated(home, locale)
    return translated_home.specific


def _translate_content_page(source: ContentPage, locale: Locale) -> ContentPage:
    existing = source.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    page = source.copy_for_translation(locale)
    data = next((data for data in PAGES if data["slug"] == source.slug), {})
    text = data.get(locale.language_code)
    if text is not None:
        page.title = text["title"]
        page.intro = text["intro"]
        page.body = [("rich_text", text["body"])]
    page.save_revision().publish()
    return page


def _alias_untranslated(home: Page, locale: Locale) -> None:
    """Every live page below `home` that nothing translated gets an alias in `locale`'s tree
    (parents first), so its address works for readers of that language too. An editor can turn
    an alias into a page of its own and translate it later."""
    for page in Page.objects.descendant_of(home).live().order_by("path").specific():
        if page.get_translation_or_none(locale) is None:
            page.copy_for_translation(locale, copy_parents=True, alias=True)
