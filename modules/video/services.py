"""Writes of video content outside the editor (a new portal's library, the demo's series, uploads)
and the one network read of the module: a provider's oEmbed metadata for an embedded video."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from cms import safe_http
from modules.video.files import VideoFile
from modules.video.pages import SeriesPage, VideoChapter, VideoLibraryPage, VideoPage
from modules.video.timecodes import parse_embed_url

logger = logging.getLogger(__name__)

OEMBED_ENDPOINTS = {
    "youtube": "https://www.youtube.com/oembed",
    "vimeo": "https://vimeo.com/api/oembed.json",
}
OEMBED_MAX_BYTES = 256 * 1024


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def video_furnish(*, home: Page) -> VideoLibraryPage:
    """A new portal's video library: an empty index at /videos/, so the menu leads somewhere."""
    existing = VideoLibraryPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    return _publish(home, VideoLibraryPage(title=_("Video tutorials"), slug="videos"))


def video_file_create(*, title: str, file: File) -> VideoFile:
    """Store an uploaded video after checking it is an MP4 or WebM file of an allowed size."""
    upload = VideoFile(title=title, file=file)
    upload.full_clean()
    upload.save()
    return upload


@transaction.atomic
def video_page_create(
    *,
    parent: Page,
    title: str,
    slug: str = "",
    summary: str = "",
    embed_url: str = "",
    video_file: VideoFile | None = None,
    duration: int | None = None,
    transcript: str = "",
    chapters: Iterable[tuple[str, str]] = (),
    poster=None,
) -> VideoPage:
    """Publish a video under a library or series. `chapters` are (timestamp, title) pairs."""
    page = VideoPage(
        title=title,
        slug=slug,
        summary=summary,
        embed_url=embed_url,
        video_file=video_file,
        duration=duration,
        transcript=transcript,
        poster=poster,
    )
    page.chapters = [
        VideoChapter(timestamp=stamp, title=chapter_title) for stamp, chapter_title in chapters
    ]
    for chapter in page.chapters.all():
        chapter.full_clean(exclude=["page"])
    return _publish(parent, page)  # saving a page runs its full_clean()


def video_embed_metadata(*, url: str) -> dict:
    """Title, thumbnail and (Vimeo only) duration of a YouTube or Vimeo video, from the
    provider's oEmbed endpoint through the SSRF-safe client. {} when it cannot be fetched."""
    try:
        embed = parse_embed_url(url)
    except ValidationError:
        return {}
    endpoints = {**OEMBED_ENDPOINTS, **getattr(settings, "VIDEO_OEMBED_ENDPOINTS", {})}
    endpoint = endpoints[embed.provider]
    query = urlencode({"url": embed.watch_url, "format": "json"})
    try:
        response = safe_http.fetch(
            f"{endpoint}?{query}", timeout=3, deadline=5, max_bytes=OEMBED_MAX_BYTES
        )
        data = response.json() if response.status == 200 else None
    except (safe_http.SafeHttpError, ValueError) as exc:
        logger.info("oEmbed lookup for %s %s failed: %s", embed.provider, embed.video_id, exc)
        return {}
    if not isinstance(data, dict):
        return {}
    result: dict = {}
    title = data.get("title")
    if isinstance(title, str):
        result["title"] = title.strip()[:255]
    thumbnail = data.get("thumbnail_url")
    if isinstance(thumbnail, str) and urlsplit(thumbnail).scheme == "https":
        result["thumbnail_url"] = thumbnail[:500]
    duration = data.get("duration")
    if isinstance(duration, int | float) and 0 < duration < 24 * 3600:
        result["duration"] = int(duration)
    return result


DEMO_SERIES = {
    "title": "Getting the most from the help centre",
    "slug": "help-centre-basics",
    "description": "Three short videos: find answers, follow your requests, set up your account.",
}
DEMO_VIDEOS: list[dict[str, Any]] = [
    {
        "title": "Find an answer in under a minute",
        "slug": "find-an-answer",
        "summary": "Search the help centre, narrow the results and open the right article.",
        "embed_url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        "duration": 195,
        "chapters": [
            ("0:00", "Welcome"),
            ("0:20", "Searching from the home page"),
            ("1:05", "Narrowing results by topic"),
            ("2:10", "Saving an article for later"),
        ],
        "transcript": (
            "[0:00] Hi, and welcome to the help centre. In this video you will learn the "
            "quickest way to find an answer.\n"
            "[0:20] Start on the home page. Type a few words into the search box, for example "
            '"reset password", and press Enter.\n'
            "[1:05] On the results page, use the filters on the left to keep only knowledge "
            "base articles, questions or videos.\n"
            "[2:10] Found what you need? Bookmark the article, or copy its link to share it "
            "with a colleague.\n"
            "[3:00] That's it. Thanks for watching."
        ),
    },
    {
        "title": "Open a request and follow its progress",
        "slug": "open-a-request",
        "summary": "Contact support with the right details and see every reply in one place.",
        "embed_url": "https://www.youtube.com/watch?v=eRsGyueVLvQ",
        "duration": 262,
        "chapters": [
            ("0:00", "When to open a request"),
            ("0:45", "Describing the problem"),
            ("2:00", "Adding screenshots"),
            ("3:15", "Following replies"),
        ],
        "transcript": (
            "[0:00] If the articles did not answer your question, open a request and our team "
            "will help.\n"
            "[0:45] Choose Contact support. Give your request a short subject and describe "
            "what you expected to happen and what happened instead.\n"
            "[2:00] Attach a screenshot: it often saves a round of questions.\n"
            "[3:15] Every reply arrives by email and is kept under My requests, where you "
            "can answer or close the request."
        ),
    },
    {
        "title": "Set up your profile and notifications",
        "slug": "profile-and-notifications",
        "summary": "Choose your language, turn on two-factor sign-in and pick your emails.",
        "embed_url": "https://vimeo.com/76979871",
        "duration": 208,
        "chapters": [
            ("0:00", "Your profile"),
            ("0:50", "Language and time zone"),
            ("1:40", "Two-factor authentication"),
            ("2:45", "Email notifications"),
        ],
        "transcript": (
            "[0:00] Open your profile from the menu in the top right corner.\n"
            "[0:50] Pick the language the help centre speaks to you in, and your time zone, "
            "so dates in your requests are shown in your own time.\n"
            "[1:40] Under Security, turn on two-factor authentication and scan the code with "
            "an authenticator app on your phone.\n"
            "[2:45] Finally, choose which notification emails you want: replies to your "
            "requests, weekly digests, or none at all."
        ),
    },
]


@transaction.atomic
def video_demo_content(*, home: Page) -> None:
    """One series of three videos (YouTube and Vimeo embeds with chapters and transcripts) for
    the demo portal. Nothing is fetched: the players are built from the video ids."""
    library = video_furnish(home=home)
    if SeriesPage.objects.child_of(library).exists():
        return
    if not library.intro:
        library.intro = "Short videos that show you around the help centre."
        library.save_revision().publish()
    series = _publish(library, SeriesPage(**DEMO_SERIES))
    for video in DEMO_VIDEOS:
        video_page_create(parent=series, **video)


# The demo series in Russian, by the English slug (cms.demo.seed_translations).
DEMO_TRANSLATIONS: dict[str, dict[str, Any]] = {
    "ru": {
        "library": {
            "title": "Видеоуроки",
            "intro": "Короткие видео о том, как пользоваться центром поддержки.",
        },
        "help-centre-basics": {
            "title": "Как получить максимум от центра поддержки",
            "description": (
                "Три коротких видео: найти ответ, следить за обращениями, настроить учётную запись."
            ),
        },
        "find-an-answer": {
            "title": "Найдите ответ меньше чем за минуту",
            "summary": "Ищите в центре поддержки, сужайте результаты и открывайте нужную статью.",
            "chapters": [
                "Добро пожаловать",
                "Поиск с главной страницы",
                "Фильтр результатов по теме",
                "Сохранение статьи на потом",
            ],
            "transcript": (
                "[0:00] Здравствуйте! В этом видео вы узнаете, как быстрее всего найти ответ.\n"
                "[0:20] Начните с главной страницы. Введите в поле поиска несколько слов, "
                "например «сбросить пароль», и нажмите Enter.\n"
                "[1:05] На странице результатов оставьте с помощью фильтров только статьи "
                "базы знаний, вопросы или видео.\n"
                "[2:10] Нашли то, что нужно? Добавьте статью в закладки или скопируйте ссылку, "
                "чтобы поделиться ею с коллегой.\n"
                "[3:00] Вот и всё. Спасибо за просмотр."
            ),
        },
        "open-a-request": {
            "title": "Создайте обращение и следите за его ходом",
            "summary": (
                "Напишите в поддержку с нужными подробностями и читайте все ответы в одном месте."
            ),
            "chapters": [
                "Когда создавать обращение",
                "Описание проблемы",
                "Добавление снимков экрана",
                "Ответы на обращение",
            ],
            "transcript": (
                "[0:00] Если статьи не ответили на ваш вопрос, создайте обращение, и наша "
                "команда поможет.\n"
                "[0:45] Выберите «Связаться с поддержкой». Дайте обращению короткую тему и "
                "опишите, чего вы ожидали и что произошло на самом деле.\n"
                "[2:00] Приложите снимок экрана: часто он избавляет от лишних вопросов.\n"
                "[3:15] Каждый ответ приходит на почту и хранится в разделе «Мои обращения», "
                "где можно ответить или закрыть обращение."
            ),
        },
        "profile-and-notifications": {
            "title": "Настройте профиль и уведомления",
            "summary": "Выберите язык, включите двухфакторный вход и нужные письма.",
            "chapters": [
                "Ваш профиль",
                "Язык и часовой пояс",
                "Двухфакторная аутентификация",
                "Уведомления по почте",
            ],
            "transcript": (
                "[0:00] Откройте профиль из меню в правом верхнем углу.\n"
                "[0:50] Выберите язык центра поддержки и свой часовой пояс, чтобы даты в "
                "обращениях показывались по вашему времени.\n"
                "[1:40] В разделе «Безопасность» включите двухфакторную аутентификацию и "
                "отсканируйте код приложением-аутентификатором на телефоне.\n"
                "[2:45] Наконец, выберите, какие письма получать: ответы на обращения, "
                "еженедельные сводки или ничего."
            ),
        },
    }
}


@transaction.atomic
def video_demo_translations(*, home: Page, language: str) -> None:
    """The demo library, series and videos translated into `language` (when DEMO_TRANSLATIONS
    has it), top-down with copy_for_translation; pages already translated are kept."""
    texts = DEMO_TRANSLATIONS.get(language)
    library = VideoLibraryPage.objects.child_of(home).first()
    if texts is None or library is None:
        return
    locale, _created = Locale.objects.get_or_create(language_code=language)
    pages = [library]
    for series in SeriesPage.objects.child_of(library).filter(slug=DEMO_SERIES["slug"]):
        pages.append(series)
        pages.extend(VideoPage.objects.child_of(series).order_by("path"))
    for source in pages:
        if source.get_translation_or_none(locale) is not None:
            continue
        fields = texts["library"] if source.pk == library.pk else texts.get(source.slug)
        if fields is None:
            continue
        copy = source.copy_for_translation(locale).specific
        for name, value in fields.items():
            if name == "chapters":
                chapters = list(copy.chapters.all())
                for chapter, title in zip(chapters, value, strict=False):
                    chapter.title = title
                copy.chapters = chapters
            else:
                setattr(copy, name, value)
        copy.save_revision().publish()
