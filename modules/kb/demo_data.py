"""The demo portal's knowledge base: the help centre of "Ledgerly", a fictional invoicing and
expenses app for small teams, in English and Russian.

Plain data, read by `modules.kb.services.kb_demo_content` (the English tree) and
`kb_demo_translations` (the Russian one). Categories hold sections, sections hold articles; each
has a slug (the same in every language, so a page keeps its address when the reader switches
language) and its text per language code. An article's `related` names the slugs of articles
shown under "Related articles". Bodies are lists of StreamField blocks (modules.kb.blocks).
"""

from __future__ import annotations

from typing import Any

Block = tuple[str, Any]


def h2(text: str) -> Block:
    return ("heading", {"level": "2", "text": text})


def h3(text: str) -> Block:
    return ("heading", {"level": "3", "text": text})


def p(html: str) -> Block:
    return ("paragraph", html)


def tip(html: str) -> Block:
    return ("callout", {"kind": "tip", "text": html})


def note(html: str) -> Block:
    return ("callout", {"kind": "info", "text": html})


def warning(html: str) -> Block:
    return ("callout", {"kind": "warning", "text": html})


def code(language: str, text: str) -> Block:
    return ("code", {"language": language, "code": text})


def table(caption: str, rows: str) -> Block:
    """A table whose first row holds the column headings; cells separated by " | "."""
    return ("table", {"caption": caption, "first_row_is_header": True, "data": rows})


LANGUAGES = ("en", "ru")

CATEGORIES: tuple[dict[str, Any], ...] = (
    # ---------------------------------------------------------------------------------------
    {
        "slug": "getting-started",
        "icon": "🚀",
        "en": {
            "title": "Getting started",
            "description": "Set up your Ledgerly account and bring your team on board.",
        },
        "ru": {
            "title": "Начало работы",
            "description": "Настройте учётную запись Ledgerly и подключите команду.",
        },
        "sections": (
            {
                "slug": "account",
                "en": {"title": "Your account", "description": "Sign-in, security and profile."},
                "ru": {"title": "Ваша учётная запись", "description": "Вход, защита и профиль."},
                "articles": (
                    {
                        "slug": "reset-password",
                        "related": ("two-factor",),
                        "en": {
                            "title": "Reset your password",
                            "summary": "Forgot your password? Get a new one in two minutes.",
                            "tags": ("password", "sign-in"),
                            "body": (
                                h2("From the sign-in page"),
                                p(
                                    "<p>Choose <b>Forgot password</b> and enter the email "
                                    "address you sign in with. We send you a link that works "
                                    "for one hour.</p>"
                                ),
                                tip(
                                    "<p>Check your spam folder if the message has not arrived "
                                    "after five minutes.</p>"
                                ),
                                h2("When you are signed in"),
                                p(
                                    "<p>Open <b>Profile → Security</b>, enter your current "
                                    "password and choose a new one of at least 12 "
                                    "characters.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как сбросить пароль",
                            "summary": "Забыли пароль? Новый можно задать за две минуты.",
                            "tags": ("пароль", "вход"),
                            "body": (
                                h2("На странице входа"),
                                p(
                                    "<p>Нажмите <b>Забыли пароль?</b> и укажите адрес почты, "
                                    "с которым вы входите. Мы пришлём ссылку, она действует "
                                    "один час.</p>"
                                ),
                                tip(
                                    "<p>Если письма нет дольше пяти минут, загляните в папку "
                                    "«Спам».</p>"
                                ),
                                h2("Если вы уже вошли"),
                                p(
                                    "<p>Откройте <b>Профиль → Безопасность</b>, введите "
                                    "текущий пароль и задайте новый — не короче 12 "
                                    "символов.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "two-factor",
                        "related": ("reset-password",),
                        "en": {
                            "title": "Turn on two-factor authentication",
                            "summary": "Protect your account with a one-time code from an app.",
                            "tags": ("security", "sign-in", "2fa"),
                            "body": (
                                h2("Before you start"),
                                p(
                                    "<p>Install an authenticator app on your phone, such as "
                                    "Google Authenticator, Microsoft Authenticator or "
                                    "1Password.</p>"
                                ),
                                h2("Steps"),
                                p(
                                    "<ol><li>Open <b>Profile → Security</b>.</li><li>Choose "
                                    "<b>Two-factor authentication</b> and scan the QR code "
                                    "with the app.</li><li>Enter the six-digit code to "
                                    "confirm.</li></ol>"
                                ),
                                warning(
                                    "<p>Download your ten backup codes and keep them somewhere "
                                    "safe: they are the only way in if you lose your "
                                    "phone.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как включить двухфакторную аутентификацию",
                            "summary": "Защитите учётную запись одноразовым кодом из приложения.",
                            "tags": ("безопасность", "вход", "2fa"),
                            "body": (
                                h2("Перед началом"),
                                p(
                                    "<p>Установите на телефон приложение-аутентификатор, "
                                    "например Google Authenticator, Microsoft Authenticator "
                                    "или 1Password.</p>"
                                ),
                                h2("Порядок действий"),
                                p(
                                    "<ol><li>Откройте <b>Профиль → Безопасность</b>.</li>"
                                    "<li>Выберите <b>Двухфакторная аутентификация</b> и "
                                    "отсканируйте QR-код приложением.</li><li>Введите "
                                    "шестизначный код для подтверждения.</li></ol>"
                                ),
                                warning(
                                    "<p>Скачайте десять резервных кодов и храните их в "
                                    "надёжном месте: без них не войти, если телефон "
                                    "потерян.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "change-email",
                        "related": (),
                        "en": {
                            "title": "Change the email address you sign in with",
                            "summary": "Move your account to a new address without losing "
                            "any data.",
                            "tags": ("profile", "email"),
                            "body": (
                                p(
                                    "<p>Open <b>Profile → Details</b>, enter the new address "
                                    "and your password, then choose <b>Save</b>.</p>"
                                ),
                                p(
                                    "<p>We send a confirmation link to the new address. Until "
                                    "you open it, you keep signing in with the old one.</p>"
                                ),
                                note(
                                    "<p>Invoices you send keep the reply-to address set in "
                                    "<b>Settings → Company</b>; changing your sign-in email "
                                    "does not change it.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как сменить адрес почты для входа",
                            "summary": "Перенесите учётную запись на новый адрес без потери "
                            "данных.",
                            "tags": ("профиль", "почта"),
                            "body": (
                                p(
                                    "<p>Откройте <b>Профиль → Данные</b>, введите новый адрес "
                                    "и пароль и нажмите <b>Сохранить</b>.</p>"
                                ),
                                p(
                                    "<p>На новый адрес придёт ссылка для подтверждения. Пока "
                                    "вы её не откроете, входите со старым адресом.</p>"
                                ),
                                note(
                                    "<p>В отправленных счетах остаётся адрес для ответа из "
                                    "<b>Настройки → Компания</b>: смена адреса для входа его "
                                    "не меняет.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "close-account",
                        "related": ("export-for-accountant",),
                        "en": {
                            "title": "Close your company account",
                            "summary": "What happens to your data when you leave Ledgerly, "
                            "and how to take it with you.",
                            "tags": ("account", "data export"),
                            "body": (
                                h2("Export first"),
                                p(
                                    "<p>Download everything under <b>Reports → Export</b>: "
                                    "invoices as PDF, expenses and payments as CSV.</p>"
                                ),
                                h2("Close the account"),
                                p(
                                    "<p>Only the account owner can close it, from "
                                    "<b>Settings → Subscription → Close account</b>. Your data "
                                    "is kept for 30 days, then deleted for good.</p>"
                                ),
                                warning(
                                    "<p>Tax law may oblige you to keep invoices for several "
                                    "years. Keep your export.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как закрыть учётную запись компании",
                            "summary": "Что происходит с данными после ухода из Ledgerly и как "
                            "забрать их с собой.",
                            "tags": ("учётная запись", "выгрузка данных"),
                            "body": (
                                h2("Сначала выгрузите данные"),
                                p(
                                    "<p>Скачайте всё в разделе <b>Отчёты → Выгрузка</b>: счета "
                                    "в PDF, расходы и платежи в CSV.</p>"
                                ),
                                h2("Закрытие учётной записи"),
                                p(
                                    "<p>Закрыть её может только владелец: <b>Настройки → "
                                    "Подписка → Закрыть учётную запись</b>. Данные хранятся "
                                    "ещё 30 дней, затем удаляются безвозвратно.</p>"
                                ),
                                warning(
                                    "<p>Закон может требовать хранить счета несколько лет. "
                                    "Сохраните выгрузку.</p>"
                                ),
                            ),
                        },
                    },
                ),
            },
            {
                "slug": "team",
                "en": {"title": "Your team", "description": "Invite and manage colleagues."},
                "ru": {
                    "title": "Ваша команда",
                    "description": "Приглашение и управление сотрудниками.",
                },
                "articles": (
                    {
                        "slug": "invite",
                        "related": ("roles",),
                        "en": {
                            "title": "Invite a colleague",
                            "summary": "Add people to your team by email.",
                            "tags": ("team", "users"),
                            "body": (
                                p(
                                    "<p>Open <b>Settings → Team</b>, choose <b>Invite</b> and "
                                    "enter their email address. They get a link to set their "
                                    "own password.</p>"
                                ),
                                p("<p>Inviting many people at once? Use the API:</p>"),
                                code(
                                    "bash",
                                    "curl -X POST https://api.ledgerly.example/v1/invites \\\n"
                                    '  -H "Authorization: Bearer $LEDGERLY_KEY" \\\n'
                                    "  -d email=sam@example.com -d role=member",
                                ),
                                tip("<p>An invitation link is valid for seven days.</p>"),
                            ),
                        },
                        "ru": {
                            "title": "Как пригласить сотрудника",
                            "summary": "Добавляйте людей в команду по адресу почты.",
                            "tags": ("команда", "пользователи"),
                            "body": (
                                p(
                                    "<p>Откройте <b>Настройки → Команда</b>, нажмите "
                                    "<b>Пригласить</b> и введите адрес почты. Сотрудник "
                                    "получит ссылку, чтобы задать свой пароль.</p>"
                                ),
                                p("<p>Приглашаете сразу многих? Воспользуйтесь API:</p>"),
                                code(
                                    "bash",
                                    "curl -X POST https://api.ledgerly.example/v1/invites \\\n"
                                    '  -H "Authorization: Bearer $LEDGERLY_KEY" \\\n'
                                    "  -d email=sam@example.com -d role=member",
                                ),
                                tip("<p>Ссылка-приглашение действует семь дней.</p>"),
                            ),
                        },
                    },
                    {
                        "slug": "roles",
                        "related": ("invite", "approval-rules"),
                        "en": {
                            "title": "Roles and permissions",
                            "summary": "Owner, admin, accountant, member: who can do what.",
                            "tags": ("team", "permissions"),
                            "body": (
                                p(
                                    "<p>Every person on your team has one role. Change it in "
                                    "<b>Settings → Team</b> next to their name.</p>"
                                ),
                                table(
                                    "What each role can do",
                                    "Role | Invoices | Expenses | Settings and billing\n"
                                    "Owner | All | All | All\n"
                                    "Admin | All | All | Settings only\n"
                                    "Accountant | All, read-only after sending | Approve | "
                                    "None\n"
                                    "Member | Own drafts | Own | None",
                                ),
                                note(
                                    "<p>There is exactly one owner. To hand the account over, "
                                    "the owner chooses <b>Transfer ownership</b>.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Роли и права доступа",
                            "summary": "Владелец, администратор, бухгалтер, участник: кто "
                            "что может.",
                            "tags": ("команда", "права доступа"),
                            "body": (
                                p(
                                    "<p>У каждого в команде одна роль. Изменить её можно в "
                                    "<b>Настройки → Команда</b> рядом с именем.</p>"
                                ),
                                table(
                                    "Что может каждая роль",
                                    "Роль | Счета | Расходы | Настройки и оплата\n"
                                    "Владелец | Всё | Всё | Всё\n"
                                    "Администратор | Всё | Всё | Только настройки\n"
                                    "Бухгалтер | Всё, после отправки только чтение | "
                                    "Утверждение | Нет\n"
                                    "Участник | Свои черновики | Свои | Нет",
                                ),
                                note(
                                    "<p>Владелец всегда один. Чтобы передать учётную запись, "
                                    "он выбирает <b>Передать права владельца</b>.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "remove-member",
                        "related": ("roles",),
                        "en": {
                            "title": "Remove someone from your team",
                            "summary": "Take away access when a colleague leaves; their work "
                            "stays.",
                            "tags": ("team", "users"),
                            "body": (
                                p(
                                    "<p>In <b>Settings → Team</b>, open the person's menu and "
                                    "choose <b>Remove</b>. They are signed out at once.</p>"
                                ),
                                p(
                                    "<p>Invoices and expenses they created stay in the account "
                                    "and keep their name, so your history is complete.</p>"
                                ),
                                tip(
                                    "<p>Pending expenses of a removed member can be reassigned "
                                    "to someone else from the same menu.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как удалить человека из команды",
                            "summary": "Отзовите доступ, когда сотрудник уходит; его работа "
                            "сохранится.",
                            "tags": ("команда", "пользователи"),
                            "body": (
                                p(
                                    "<p>В <b>Настройки → Команда</b> откройте меню сотрудника "
                                    "и выберите <b>Удалить</b>. Его сеанс сразу "
                                    "завершится.</p>"
                                ),
                                p(
                                    "<p>Созданные им счета и расходы остаются в учётной записи "
                                    "с его именем, так что история не прерывается.</p>"
                                ),
                                tip(
                                    "<p>Неутверждённые расходы удалённого сотрудника можно "
                                    "передать другому в том же меню.</p>"
                                ),
                            ),
                        },
                    },
                ),
            },
        ),
    },
    # ---------------------------------------------------------------------------------------
    {
        "slug": "invoicing",
        "icon": "🧾",
        "en": {
            "title": "Invoicing",
            "description": "Create, send and get paid for invoices.",
        },
        "ru": {
            "title": "Счета клиентам",
            "description": "Создание и отправка счетов, получение оплаты.",
        },
        "sections": (
            {
                "slug": "creating-invoices",
                "en": {
                    "title": "Creating invoices",
                    "description": "Drafts, numbering, templates and repeat invoices.",
                },
                "ru": {
                    "title": "Создание счетов",
                    "description": "Черновики, нумерация, шаблоны и повторяющиеся счета.",
                },
                "articles": (
                    {
                        "slug": "create-invoice",
                        "related": ("invoice-numbering", "online-payments"),
                        "en": {
                            "title": "Create and send your first invoice",
                            "summary": "From a blank draft to an invoice in your client's inbox.",
                            "tags": ("invoices", "clients"),
                            "body": (
                                h2("Fill in the draft"),
                                p(
                                    "<ol><li>Open <b>Invoices</b> and choose <b>New "
                                    "invoice</b>.</li><li>Pick a client or add one.</li>"
                                    "<li>Add lines: description, quantity, unit price and tax "
                                    "rate.</li></ol>"
                                ),
                                h2("Send it"),
                                p(
                                    "<p>Choose <b>Send</b>. Your client gets an email with a "
                                    "PDF and a link to pay online. The invoice moves to "
                                    "<b>Sent</b>.</p>"
                                ),
                                tip(
                                    "<p>Preview shows exactly what your client will see; use "
                                    "it before the first send.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как создать и отправить первый счёт",
                            "summary": "От пустого черновика до счёта в почте клиента.",
                            "tags": ("счета", "клиенты"),
                            "body": (
                                h2("Заполните черновик"),
                                p(
                                    "<ol><li>Откройте <b>Счета</b> и нажмите <b>Новый "
                                    "счёт</b>.</li><li>Выберите клиента или добавьте "
                                    "нового.</li><li>Добавьте строки: описание, количество, "
                                    "цену и ставку налога.</li></ol>"
                                ),
                                h2("Отправьте"),
                                p(
                                    "<p>Нажмите <b>Отправить</b>. Клиент получит письмо с PDF "
                                    "и ссылкой для оплаты онлайн, а счёт перейдёт в статус "
                                    "<b>Отправлен</b>.</p>"
                                ),
                                tip(
                                    "<p>Предпросмотр показывает счёт так, как его увидит "
                                    "клиент; загляните туда перед первой отправкой.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "invoice-numbering",
                        "related": (),
                        "en": {
                            "title": "Invoice numbers and prefixes",
                            "summary": "Set the format of invoice numbers and where the "
                            "count starts.",
                            "tags": ("invoices", "settings"),
                            "body": (
                                p(
                                    "<p>Ledgerly numbers invoices in sequence, without gaps, "
                                    "as most tax authorities require. Set the format in "
                                    "<b>Settings → Invoices → Numbering</b>.</p>"
                                ),
                                table(
                                    "Placeholders you can use",
                                    "Placeholder | Example | Meaning\n"
                                    "{YYYY} | 2025 | Year of the invoice date\n"
                                    "{MM} | 04 | Month of the invoice date\n"
                                    "{N} | 17 | Next number in the sequence\n"
                                    "{N:4} | 0017 | Next number, padded to four digits",
                                ),
                                warning(
                                    "<p>A number is taken when the invoice is sent, not when "
                                    "the draft is made: deleting drafts never leaves a "
                                    "gap.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Номера счетов и префиксы",
                            "summary": "Настройте формат номеров счетов и число, с которого "
                            "начинается отсчёт.",
                            "tags": ("счета", "настройки"),
                            "body": (
                                p(
                                    "<p>Ledgerly нумерует счета по порядку и без пропусков, "
                                    "как того требует большинство налоговых органов. Формат "
                                    "задаётся в <b>Настройки → Счета → Нумерация</b>.</p>"
                                ),
                                table(
                                    "Доступные подстановки",
                                    "Подстановка | Пример | Значение\n"
                                    "{YYYY} | 2025 | Год даты счёта\n"
                                    "{MM} | 04 | Месяц даты счёта\n"
                                    "{N} | 17 | Следующий номер по порядку\n"
                                    "{N:4} | 0017 | Следующий номер, дополненный до четырёх "
                                    "цифр",
                                ),
                                warning(
                                    "<p>Номер присваивается при отправке счёта, а не при "
                                    "создании черновика, поэтому удаление черновиков не "
                                    "оставляет пропусков.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "recurring-invoices",
                        "related": ("payment-reminders",),
                        "en": {
                            "title": "Set up recurring invoices",
                            "summary": "Bill retainers and subscriptions automatically every "
                            "week, month or year.",
                            "tags": ("invoices", "automation"),
                            "body": (
                                h2("Make an invoice repeat"),
                                p(
                                    "<p>On a sent invoice, choose <b>More → Repeat</b>. Pick "
                                    "how often, the first date and, if you like, an end "
                                    "date.</p>"
                                ),
                                h2("Send or keep as drafts"),
                                p(
                                    "<p>Each new invoice can be sent at once or saved as a "
                                    "draft for you to check first. Change this at any time in "
                                    "<b>Invoices → Recurring</b>.</p>"
                                ),
                                note(
                                    "<p>Lines with a quantity in hours are copied as they are; "
                                    "update them on the draft if the hours change.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как настроить повторяющиеся счета",
                            "summary": "Выставляйте счета за абонентское обслуживание и "
                            "подписки автоматически каждую неделю, месяц или год.",
                            "tags": ("счета", "автоматизация"),
                            "body": (
                                h2("Сделайте счёт повторяющимся"),
                                p(
                                    "<p>В отправленном счёте выберите <b>Ещё → Повторять</b>. "
                                    "Укажите периодичность, первую дату и, если нужно, дату "
                                    "окончания.</p>"
                                ),
                                h2("Отправлять сразу или сохранять черновики"),
                                p(
                                    "<p>Каждый новый счёт можно отправлять сразу или "
                                    "сохранять черновиком, чтобы сначала проверить. Это "
                                    "меняется в любой момент в <b>Счета → "
                                    "Повторяющиеся</b>.</p>"
                                ),
                                note(
                                    "<p>Строки с количеством в часах копируются как есть; "
                                    "поправьте их в черновике, если часы изменились.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "invoice-templates",
                        "related": ("create-invoice",),
                        "en": {
                            "title": "Add your logo and colours to invoices",
                            "summary": "Make invoices look like your company with a logo, "
                            "brand colour and footer.",
                            "tags": ("invoices", "branding"),
                            "body": (
                                p(
                                    "<p>Open <b>Settings → Invoices → Appearance</b>. Upload a "
                                    "logo (PNG or SVG, at least 400 pixels wide) and choose a "
                                    "brand colour.</p>"
                                ),
                                p(
                                    "<p>The footer is a good place for your bank details and "
                                    "company registration number; it appears on every "
                                    "page of the PDF.</p>"
                                ),
                                tip(
                                    "<p>Keep two templates, for example one per language, and "
                                    "pick one per client under <b>Clients → Edit</b>.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как добавить логотип и фирменные цвета в счета",
                            "summary": "Оформите счета в стиле компании: логотип, фирменный "
                            "цвет и нижний колонтитул.",
                            "tags": ("счета", "оформление"),
                            "body": (
                                p(
                                    "<p>Откройте <b>Настройки → Счета → Оформление</b>. "
                                    "Загрузите логотип (PNG или SVG шириной от 400 пикселей) "
                                    "и выберите фирменный цвет.</p>"
                                ),
                                p(
                                    "<p>В нижний колонтитул удобно вписать банковские "
                                    "реквизиты и регистрационный номер компании: он "
                                    "печатается на каждой странице PDF.</p>"
                                ),
                                tip(
                                    "<p>Заведите два шаблона, например по одному на язык, и "
                                    "назначьте нужный клиенту в <b>Клиенты → "
                                    "Изменить</b>.</p>"
                                ),
                            ),
                        },
                    },
                ),
            },
            {
                "slug": "getting-paid",
                "en": {
                    "title": "Getting paid",
                    "description": "Online payments, reminders and recording what came in.",
                },
                "ru": {
                    "title": "Получение оплаты",
                    "description": "Оплата онлайн, напоминания и учёт поступлений.",
                },
                "articles": (
                    {
                        "slug": "online-payments",
                        "related": ("record-payment",),
                        "en": {
                            "title": "Accept card payments online",
                            "summary": "Let clients pay an invoice by card or bank transfer "
                            "from the link in their email.",
                            "tags": ("payments", "cards"),
                            "body": (
                                h2("Connect a payment provider"),
                                p(
                                    "<p>In <b>Settings → Payments</b>, connect Stripe or "
                                    "Mollie. It takes about five minutes and needs your "
                                    "company's bank details.</p>"
                                ),
                                h2("What your client sees"),
                                p(
                                    "<p>Every invoice email then has a <b>Pay now</b> button. "
                                    "When the payment succeeds the invoice is marked paid "
                                    "automatically.</p>"
                                ),
                                note(
                                    "<p>The provider's fee is shown on the payment in "
                                    "Ledgerly, so your reports show what you actually "
                                    "received.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как принимать оплату картой онлайн",
                            "summary": "Клиенты оплачивают счёт картой или переводом по "
                            "ссылке из письма.",
                            "tags": ("платежи", "карты"),
                            "body": (
                                h2("Подключите платёжный сервис"),
                                p(
                                    "<p>В <b>Настройки → Платежи</b> подключите Stripe или "
                                    "Mollie. Это займёт около пяти минут, понадобятся "
                                    "банковские реквизиты компании.</p>"
                                ),
                                h2("Что увидит клиент"),
                                p(
                                    "<p>В каждом письме со счётом появится кнопка "
                                    "<b>Оплатить</b>. После успешной оплаты счёт "
                                    "автоматически отмечается оплаченным.</p>"
                                ),
                                note(
                                    "<p>Комиссия платёжного сервиса видна в платеже в "
                                    "Ledgerly, поэтому отчёты показывают сумму, которую вы "
                                    "действительно получили.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "payment-reminders",
                        "related": ("online-payments",),
                        "en": {
                            "title": "Automatic payment reminders",
                            "summary": "Ledgerly can chase late invoices for you, politely.",
                            "tags": ("payments", "automation", "reminders"),
                            "body": (
                                p(
                                    "<p>Turn reminders on in <b>Settings → Invoices → "
                                    "Reminders</b>. By default a friendly note goes out three "
                                    "days before the due date, and firmer ones 7 and 14 days "
                                    "after it.</p>"
                                ),
                                table(
                                    "Default reminder schedule",
                                    "When | Tone\n"
                                    "3 days before due | Friendly heads-up\n"
                                    "7 days overdue | Polite reminder\n"
                                    "14 days overdue | Firm reminder, copy to you",
                                ),
                                tip(
                                    "<p>Pause reminders for one client under <b>Clients → "
                                    "Edit → Reminders</b> when you have agreed a later "
                                    "date.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Автоматические напоминания об оплате",
                            "summary": "Ledgerly вежливо напомнит клиентам о просроченных "
                            "счетах за вас.",
                            "tags": ("платежи", "автоматизация", "напоминания"),
                            "body": (
                                p(
                                    "<p>Включите напоминания в <b>Настройки → Счета → "
                                    "Напоминания</b>. По умолчанию дружеское письмо уходит за "
                                    "три дня до срока оплаты, а более настойчивые — через 7 и "
                                    "14 дней после него.</p>"
                                ),
                                table(
                                    "Расписание напоминаний по умолчанию",
                                    "Когда | Тон\n"
                                    "За 3 дня до срока | Дружеское предупреждение\n"
                                    "Просрочка 7 дней | Вежливое напоминание\n"
                                    "Просрочка 14 дней | Настойчивое напоминание, копия вам",
                                ),
                                tip(
                                    "<p>Если вы договорились о более позднем сроке, "
                                    "приостановите напоминания для клиента в <b>Клиенты → "
                                    "Изменить → Напоминания</b>.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "record-payment",
                        "related": ("reconcile",),
                        "en": {
                            "title": "Record a payment you received",
                            "summary": "Mark an invoice paid when money arrives by bank "
                            "transfer or cash.",
                            "tags": ("payments", "invoices"),
                            "body": (
                                p(
                                    "<p>Open the invoice and choose <b>Record payment</b>. "
                                    "Enter the date, the amount and how it was paid.</p>"
                                ),
                                p(
                                    "<p>A partial payment leaves the rest open; the invoice "
                                    "shows <b>Partly paid</b> and reminders continue for the "
                                    "remainder.</p>"
                                ),
                                tip(
                                    "<p>With a bank connection, Ledgerly suggests matching "
                                    "payments for you, so there is nothing to type.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как отметить полученный платёж",
                            "summary": "Отметьте счёт оплаченным, если деньги пришли "
                            "переводом или наличными.",
                            "tags": ("платежи", "счета"),
                            "body": (
                                p(
                                    "<p>Откройте счёт и нажмите <b>Отметить платёж</b>. "
                                    "Укажите дату, сумму и способ оплаты.</p>"
                                ),
                                p(
                                    "<p>При частичной оплате остаток остаётся открытым: счёт "
                                    "получает статус <b>Оплачен частично</b>, а напоминания "
                                    "продолжают приходить на остаток.</p>"
                                ),
                                tip(
                                    "<p>Если подключён банк, Ledgerly сам предложит "
                                    "подходящие платежи, и ничего вводить не придётся.</p>"
                                ),
                            ),
                        },
                    },
                ),
            },
        ),
    },
    # ---------------------------------------------------------------------------------------
    {
        "slug": "expenses",
        "icon": "💳",
        "en": {
            "title": "Expenses",
            "description": "Receipts, mileage, approvals and paying people back.",
        },
        "ru": {
            "title": "Расходы",
            "description": "Чеки, поездки, утверждение и возмещение расходов.",
        },
        "sections": (
            {
                "slug": "receipts",
                "en": {
                    "title": "Receipts",
                    "description": "Capture receipts from your phone, email or car.",
                },
                "ru": {
                    "title": "Чеки",
                    "description": "Добавляйте чеки с телефона, по почте и за поездки.",
                },
                "articles": (
                    {
                        "slug": "scan-receipt",
                        "related": ("email-receipts",),
                        "en": {
                            "title": "Scan a receipt with your phone",
                            "summary": "Take a photo and Ledgerly reads the merchant, date, "
                            "amount and tax.",
                            "tags": ("receipts", "mobile app"),
                            "body": (
                                p(
                                    "<p>In the Ledgerly app, tap <b>+</b> and then <b>Scan "
                                    "receipt</b>. Hold the phone above the receipt until the "
                                    "edges turn green.</p>"
                                ),
                                p(
                                    "<p>We read the merchant, date, total and tax for you. "
                                    "Check them, choose a category and tap <b>Save</b>.</p>"
                                ),
                                tip(
                                    "<p>Long receipts: scan them in two parts; the app joins "
                                    "them into one image.</p>"
                                ),
                                note(
                                    "<p>The original image is stored with the expense, as "
                                    "most tax authorities accept a scanned copy.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как отсканировать чек телефоном",
                            "summary": "Сфотографируйте чек, и Ledgerly распознает продавца, "
                            "дату, сумму и налог.",
                            "tags": ("чеки", "мобильное приложение"),
                            "body": (
                                p(
                                    "<p>В приложении Ledgerly нажмите <b>+</b>, затем "
                                    "<b>Сканировать чек</b>. Держите телефон над чеком, пока "
                                    "края не станут зелёными.</p>"
                                ),
                                p(
                                    "<p>Мы распознаем продавца, дату, сумму и налог. "
                                    "Проверьте их, выберите категорию и нажмите "
                                    "<b>Сохранить</b>.</p>"
                                ),
                                tip(
                                    "<p>Длинный чек сканируйте в две части: приложение "
                                    "склеит их в одно изображение.</p>"
                                ),
                                note(
                                    "<p>Исходное изображение хранится вместе с расходом: "
                                    "большинство налоговых органов принимают скан.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "email-receipts",
                        "related": ("scan-receipt",),
                        "en": {
                            "title": "Forward receipts by email",
                            "summary": "Send e-receipts and invoices from suppliers to your "
                            "personal Ledgerly address.",
                            "tags": ("receipts", "email"),
                            "body": (
                                p(
                                    "<p>Every team member has a private address, shown under "
                                    "<b>Profile → Receipts by email</b>. Forward a receipt "
                                    "there and it becomes a draft expense within a "
                                    "minute.</p>"
                                ),
                                code("text", "receipts+k7q2m9@in.ledgerly.example"),
                                p(
                                    "<p>PDF and image attachments are read; if an email has "
                                    "none, the email itself is saved as the receipt.</p>"
                                ),
                                tip(
                                    "<p>Set a rule in your mailbox to forward messages from "
                                    "your regular suppliers automatically.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как пересылать чеки по почте",
                            "summary": "Отправляйте электронные чеки и счета поставщиков на "
                            "свой адрес в Ledgerly.",
                            "tags": ("чеки", "почта"),
                            "body": (
                                p(
                                    "<p>У каждого участника команды есть личный адрес, он "
                                    "указан в <b>Профиль → Чеки по почте</b>. Перешлите на "
                                    "него чек — через минуту появится черновик расхода.</p>"
                                ),
                                code("text", "receipts+k7q2m9@in.ledgerly.example"),
                                p(
                                    "<p>Мы читаем вложения PDF и изображения; если вложений "
                                    "нет, чеком становится само письмо.</p>"
                                ),
                                tip(
                                    "<p>Настройте в почте правило, чтобы письма постоянных "
                                    "поставщиков пересылались автоматически.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "mileage",
                        "related": ("reimburse",),
                        "en": {
                            "title": "Claim mileage for business trips",
                            "summary": "Log kilometres or miles driven in your own car and "
                            "get paid the standard rate.",
                            "tags": ("expenses", "travel"),
                            "body": (
                                p(
                                    "<p>Choose <b>New expense → Mileage</b>, enter where you "
                                    "started and where you went; Ledgerly works out the "
                                    "distance.</p>"
                                ),
                                p(
                                    "<p>The rate per kilometre is set by your admin in "
                                    "<b>Settings → Expenses → Mileage</b> and is applied "
                                    "automatically.</p>"
                                ),
                                note(
                                    "<p>Round trips count twice: tick <b>Return journey</b> "
                                    "instead of adding a second claim.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как возместить поездки на личном автомобиле",
                            "summary": "Запишите километры, пройденные на своей машине по "
                            "работе, и получите возмещение по ставке.",
                            "tags": ("расходы", "поездки"),
                            "body": (
                                p(
                                    "<p>Выберите <b>Новый расход → Пробег</b> и укажите, "
                                    "откуда и куда вы ехали; расстояние Ledgerly посчитает "
                                    "сам.</p>"
                                ),
                                p(
                                    "<p>Ставку за километр задаёт администратор в "
                                    "<b>Настройки → Расходы → Пробег</b>, она применяется "
                                    "автоматически.</p>"
                                ),
                                note(
                                    "<p>Поездка туда и обратно считается дважды: отметьте "
                                    "<b>Обратный путь</b> вместо второй заявки.</p>"
                                ),
                            ),
                        },
                    },
                ),
            },
            {
                "slug": "approvals",
                "en": {
                    "title": "Approvals and reimbursement",
                    "description": "Who approves what, and paying your team back.",
                },
                "ru": {
                    "title": "Утверждение и возмещение",
                    "description": "Кто что утверждает и как вернуть деньги сотрудникам.",
                },
                "articles": (
                    {
                        "slug": "approval-rules",
                        "related": ("approve-expense", "roles"),
                        "en": {
                            "title": "Set up approval rules",
                            "summary": "Decide who approves expenses, and from which amount "
                            "a second approver is needed.",
                            "tags": ("approvals", "settings"),
                            "body": (
                                p(
                                    "<p>In <b>Settings → Expenses → Approvals</b>, add rules "
                                    "from the most specific to the most general. The first "
                                    "rule that matches decides.</p>"
                                ),
                                table(
                                    "An example set of rules",
                                    "If | Then\n"
                                    "Amount over 1,000 | Owner approves\n"
                                    "Category is Travel | Team lead, then accountant\n"
                                    "Anything else | Team lead approves",
                                ),
                                warning(
                                    "<p>Nobody can approve their own expense; it goes to the "
                                    "next approver in the rule.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как настроить правила утверждения",
                            "summary": "Решите, кто утверждает расходы и с какой суммы нужен "
                            "второй утверждающий.",
                            "tags": ("утверждение", "настройки"),
                            "body": (
                                p(
                                    "<p>В <b>Настройки → Расходы → Утверждение</b> добавьте "
                                    "правила, от самых частных к самым общим. Решает первое "
                                    "подходящее правило.</p>"
                                ),
                                table(
                                    "Пример набора правил",
                                    "Если | То\n"
                                    "Сумма больше 1000 | Утверждает владелец\n"
                                    "Категория «Командировки» | Руководитель, затем "
                                    "бухгалтер\n"
                                    "Всё остальное | Утверждает руководитель",
                                ),
                                warning(
                                    "<p>Никто не может утвердить собственный расход: он "
                                    "уходит следующему утверждающему по правилу.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "approve-expense",
                        "related": ("approval-rules",),
                        "en": {
                            "title": "Approve or reject an expense",
                            "summary": "Review what your team submitted, from the web or the app.",
                            "tags": ("approvals", "expenses"),
                            "body": (
                                p(
                                    "<p>Expenses waiting for you are under <b>Expenses → To "
                                    "approve</b>, and you get a daily email summary.</p>"
                                ),
                                p(
                                    "<p>Open one to see the receipt next to the details. "
                                    "Choose <b>Approve</b>, or <b>Reject</b> with a note "
                                    "saying what to fix; the submitter can correct it and "
                                    "send it again.</p>"
                                ),
                                tip(
                                    "<p>Select several expenses in the list to approve them "
                                    "in one go.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как утвердить или отклонить расход",
                            "summary": "Проверяйте расходы команды в браузере или в приложении.",
                            "tags": ("утверждение", "расходы"),
                            "body": (
                                p(
                                    "<p>Расходы, которые ждут вашего решения, находятся в "
                                    "<b>Расходы → На утверждение</b>; раз в день приходит "
                                    "сводка на почту.</p>"
                                ),
                                p(
                                    "<p>Откройте расход — чек будет рядом с данными. Нажмите "
                                    "<b>Утвердить</b> или <b>Отклонить</b> с комментарием, "
                                    "что исправить; автор сможет поправить и отправить "
                                    "снова.</p>"
                                ),
                                tip(
                                    "<p>Отметьте в списке несколько расходов, чтобы "
                                    "утвердить их разом.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "reimburse",
                        "related": ("approve-expense",),
                        "en": {
                            "title": "Pay back your team",
                            "summary": "Reimburse approved expenses in one bank payment per "
                            "person.",
                            "tags": ("reimbursement", "payments"),
                            "body": (
                                h2("Create a payout"),
                                p(
                                    "<p>Open <b>Expenses → To reimburse</b> and choose "
                                    "<b>Create payout</b>. Ledgerly groups the approved "
                                    "expenses by person.</p>"
                                ),
                                h2("Pay it"),
                                p(
                                    "<p>Download the payment file for your bank (SEPA XML or "
                                    "CSV), upload it in your online banking, then mark the "
                                    "payout as paid.</p>"
                                ),
                                note(
                                    "<p>Each person gets an email listing the expenses the "
                                    "payment covers.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как возместить расходы сотрудникам",
                            "summary": "Возмещайте утверждённые расходы одним банковским "
                            "платежом на человека.",
                            "tags": ("возмещение", "платежи"),
                            "body": (
                                h2("Создайте выплату"),
                                p(
                                    "<p>Откройте <b>Расходы → К возмещению</b> и нажмите "
                                    "<b>Создать выплату</b>. Ledgerly сгруппирует "
                                    "утверждённые расходы по сотрудникам.</p>"
                                ),
                                h2("Оплатите"),
                                p(
                                    "<p>Скачайте платёжный файл для банка (SEPA XML или CSV), "
                                    "загрузите его в интернет-банк и отметьте выплату "
                                    "оплаченной.</p>"
                                ),
                                note(
                                    "<p>Каждый сотрудник получит письмо со списком расходов, "
                                    "которые покрывает платёж.</p>"
                                ),
                            ),
                        },
                    },
                ),
            },
        ),
    },
    # ---------------------------------------------------------------------------------------
    {
        "slug": "taxes-and-reports",
        "icon": "📊",
        "en": {
            "title": "Taxes and reports",
            "description": "VAT, exports for your accountant and financial reports.",
        },
        "ru": {
            "title": "Налоги и отчёты",
            "description": "НДС, выгрузки для бухгалтера и финансовые отчёты.",
        },
        "sections": (
            {
                "slug": "tax",
                "en": {"title": "Tax", "description": "Tax rates and what to hand in."},
                "ru": {"title": "Налоги", "description": "Ставки налогов и что сдавать."},
                "articles": (
                    {
                        "slug": "vat-rates",
                        "related": ("reverse-charge",),
                        "en": {
                            "title": "Set up VAT rates",
                            "summary": "Add the VAT or sales tax rates you charge and pick a "
                            "default.",
                            "tags": ("tax", "vat", "settings"),
                            "body": (
                                p(
                                    "<p>Go to <b>Settings → Tax</b>. Ledgerly suggests the "
                                    "standard rates of your company's country; add reduced "
                                    "rates if you sell goods that use them.</p>"
                                ),
                                table(
                                    "Example rates",
                                    "Name | Rate | Used for\n"
                                    "Standard | 20% | Most services\n"
                                    "Reduced | 5% | Books, some food\n"
                                    "Zero | 0% | Exports outside the country",
                                ),
                                warning(
                                    "<p>Changing a rate does not change invoices already sent; "
                                    "create a new rate when the law changes.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как настроить ставки НДС",
                            "summary": "Добавьте ставки НДС или налога с продаж и выберите "
                            "ставку по умолчанию.",
                            "tags": ("налоги", "ндс", "настройки"),
                            "body": (
                                p(
                                    "<p>Откройте <b>Настройки → Налоги</b>. Ledgerly "
                                    "предложит стандартные ставки страны вашей компании; "
                                    "добавьте пониженные, если продаёте товары, для которых "
                                    "они действуют.</p>"
                                ),
                                table(
                                    "Примеры ставок",
                                    "Название | Ставка | Применяется к\n"
                                    "Основная | 20% | Большинство услуг\n"
                                    "Пониженная | 5% | Книги, часть продуктов\n"
                                    "Нулевая | 0% | Экспорт за пределы страны",
                                ),
                                warning(
                                    "<p>Изменение ставки не затрагивает уже отправленные "
                                    "счета; когда меняется закон, создайте новую "
                                    "ставку.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "reverse-charge",
                        "related": ("vat-rates",),
                        "en": {
                            "title": "Invoice business clients abroad (reverse charge)",
                            "summary": "When your client pays the VAT instead of you, and "
                            "what the invoice must say.",
                            "tags": ("tax", "vat", "international"),
                            "body": (
                                p(
                                    "<p>For business clients in another EU country, VAT is "
                                    "usually paid by the client. Add the client's VAT number "
                                    "under <b>Clients → Edit</b>.</p>"
                                ),
                                p(
                                    "<p>Ledgerly checks the number against the EU VIES "
                                    "register, applies 0% and prints the legal notice "
                                    "<i>Reverse charge</i> on the invoice.</p>"
                                ),
                                note(
                                    "<p>Rules differ between countries; ask your accountant "
                                    "if you are unsure whether reverse charge applies.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Счета зарубежным компаниям (обратное начисление НДС)",
                            "summary": "Когда НДС платит клиент, а не вы, и что должно быть "
                            "указано в счёте.",
                            "tags": ("налоги", "ндс", "международные клиенты"),
                            "body": (
                                p(
                                    "<p>Для компаний-клиентов из другой страны ЕС НДС обычно "
                                    "уплачивает сам клиент. Укажите его номер плательщика "
                                    "НДС в <b>Клиенты → Изменить</b>.</p>"
                                ),
                                p(
                                    "<p>Ledgerly проверит номер по реестру ЕС VIES, применит "
                                    "ставку 0% и напечатает в счёте обязательную пометку "
                                    "<i>Обратное начисление</i>.</p>"
                                ),
                                note(
                                    "<p>Правила в разных странах отличаются; если не уверены, "
                                    "применяется ли обратное начисление, спросите "
                                    "бухгалтера.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "export-for-accountant",
                        "related": ("profit-and-loss", "close-account"),
                        "en": {
                            "title": "Export data for your accountant",
                            "summary": "Hand over a quarter's invoices, expenses and receipts "
                            "in one file.",
                            "tags": ("export", "accountant", "reports"),
                            "body": (
                                p(
                                    "<p>Open <b>Reports → Export</b>, choose a period and a "
                                    "format. A ZIP file arrives by email a few minutes "
                                    "later.</p>"
                                ),
                                table(
                                    "Formats",
                                    "Format | Contains\n"
                                    "CSV | Invoices, expenses and payments as spreadsheets\n"
                                    "DATEV | Bookings for German accounting software\n"
                                    "PDF bundle | Every invoice and receipt image",
                                ),
                                tip(
                                    "<p>Invite your accountant with the <b>Accountant</b> "
                                    "role instead: they can export whatever they need "
                                    "themselves.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как выгрузить данные для бухгалтера",
                            "summary": "Передайте счета, расходы и чеки за квартал одним файлом.",
                            "tags": ("выгрузка", "бухгалтер", "отчёты"),
                            "body": (
                                p(
                                    "<p>Откройте <b>Отчёты → Выгрузка</b>, выберите период и "
                                    "формат. Через несколько минут на почту придёт "
                                    "ZIP-архив.</p>"
                                ),
                                table(
                                    "Форматы",
                                    "Формат | Что внутри\n"
                                    "CSV | Счета, расходы и платежи в виде таблиц\n"
                                    "DATEV | Проводки для немецких бухгалтерских программ\n"
                                    "Пакет PDF | Все счета и изображения чеков",
                                ),
                                tip(
                                    "<p>А лучше пригласите бухгалтера с ролью "
                                    "<b>Бухгалтер</b>: он сам выгрузит всё, что нужно.</p>"
                                ),
                            ),
                        },
                    },
                ),
            },
            {
                "slug": "reports",
                "en": {
                    "title": "Reports",
                    "description": "See how your business is doing.",
                },
                "ru": {
                    "title": "Отчёты",
                    "description": "Как идут дела у вашего бизнеса.",
                },
                "articles": (
                    {
                        "slug": "profit-and-loss",
                        "related": ("custom-reports",),
                        "en": {
                            "title": "Read your profit and loss report",
                            "summary": "Income minus expenses per month, and what each line means.",
                            "tags": ("reports", "profit and loss"),
                            "body": (
                                p(
                                    "<p><b>Reports → Profit and loss</b> shows invoiced income "
                                    "and approved expenses per month, by category.</p>"
                                ),
                                h2("Cash or accrual"),
                                p(
                                    "<p>Accrual (the default) counts an invoice on its date; "
                                    "cash counts it when it is paid. Switch at the top of the "
                                    "report.</p>"
                                ),
                                note(
                                    "<p>Amounts are shown without VAT, in your company's "
                                    "currency, converted at the rate of each invoice's "
                                    "date.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как читать отчёт о прибылях и убытках",
                            "summary": "Доходы минус расходы по месяцам и что означает каждая "
                            "строка.",
                            "tags": ("отчёты", "прибыли и убытки"),
                            "body": (
                                p(
                                    "<p><b>Отчёты → Прибыли и убытки</b> показывает доходы по "
                                    "выставленным счетам и утверждённые расходы по месяцам и "
                                    "категориям.</p>"
                                ),
                                h2("Метод начисления или кассовый метод"),
                                p(
                                    "<p>При методе начисления (по умолчанию) счёт учитывается "
                                    "на дату выставления, при кассовом — на дату оплаты. "
                                    "Переключатель находится вверху отчёта.</p>"
                                ),
                                note(
                                    "<p>Суммы показаны без НДС в валюте компании, по курсу на "
                                    "дату каждого счёта.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "custom-reports",
                        "related": ("scheduled-reports",),
                        "en": {
                            "title": "Build a custom report",
                            "summary": "Filter, group and save the view of your numbers you "
                            "look at every week.",
                            "tags": ("reports", "filters"),
                            "body": (
                                p(
                                    "<p>Start from any report and choose <b>Customise</b>. "
                                    "Filter by client, project, category or team member, and "
                                    "group rows by month or quarter.</p>"
                                ),
                                p(
                                    "<p>Choose <b>Save as</b> to keep it under <b>Reports → "
                                    "Saved</b>, for you alone or the whole team.</p>"
                                ),
                                tip(
                                    "<p>Saved reports keep their filters but always show "
                                    "current data.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как построить собственный отчёт",
                            "summary": "Отфильтруйте, сгруппируйте и сохраните данные, на "
                            "которые вы смотрите каждую неделю.",
                            "tags": ("отчёты", "фильтры"),
                            "body": (
                                p(
                                    "<p>Откройте любой отчёт и нажмите <b>Настроить</b>. "
                                    "Отфильтруйте по клиенту, проекту, категории или "
                                    "сотруднику и сгруппируйте строки по месяцам или "
                                    "кварталам.</p>"
                                ),
                                p(
                                    "<p>Нажмите <b>Сохранить как</b>, и отчёт появится в "
                                    "<b>Отчёты → Сохранённые</b> — только для вас или для "
                                    "всей команды.</p>"
                                ),
                                tip(
                                    "<p>Сохранённые отчёты помнят фильтры, но всегда "
                                    "показывают актуальные данные.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "scheduled-reports",
                        "related": ("custom-reports",),
                        "en": {
                            "title": "Get reports by email on a schedule",
                            "summary": "Have a report land in your inbox every Monday or on "
                            "the first of the month.",
                            "tags": ("reports", "email", "automation"),
                            "body": (
                                p(
                                    "<p>Open a saved report, choose <b>Schedule</b> and pick "
                                    "the day, the time and the people to send it to.</p>"
                                ),
                                p(
                                    "<p>Recipients get a short summary in the email and the "
                                    "full report as a PDF or CSV attachment.</p>"
                                ),
                                note(
                                    "<p>People outside your team can receive scheduled "
                                    "reports too, without a Ledgerly login.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как получать отчёты по почте по расписанию",
                            "summary": "Пусть отчёт приходит на почту каждый понедельник или "
                            "первого числа месяца.",
                            "tags": ("отчёты", "почта", "автоматизация"),
                            "body": (
                                p(
                                    "<p>Откройте сохранённый отчёт, нажмите <b>Расписание</b> "
                                    "и выберите день, время и получателей.</p>"
                                ),
                                p(
                                    "<p>Получатели увидят краткую сводку в письме, а полный "
                                    "отчёт — во вложении PDF или CSV.</p>"
                                ),
                                note(
                                    "<p>Отчёты по расписанию могут получать и люди не из "
                                    "вашей команды, без входа в Ledgerly.</p>"
                                ),
                            ),
                        },
                    },
                ),
            },
        ),
    },
    # ---------------------------------------------------------------------------------------
    {
        "slug": "integrations",
        "icon": "🔌",
        "en": {
            "title": "Banks and integrations",
            "description": "Connect your bank, reconcile payments, use the API.",
        },
        "ru": {
            "title": "Банки и интеграции",
            "description": "Подключение банка, сверка платежей и работа с API.",
        },
        "sections": (
            {
                "slug": "banks",
                "en": {
                    "title": "Bank connections",
                    "description": "Import transactions and match them automatically.",
                },
                "ru": {
                    "title": "Подключение банков",
                    "description": "Загрузка операций и автоматическое сопоставление.",
                },
                "articles": (
                    {
                        "slug": "connect-bank",
                        "related": ("reconcile", "bank-sync-errors"),
                        "en": {
                            "title": "Connect your bank account",
                            "summary": "Import transactions every day through a secure, "
                            "read-only connection.",
                            "tags": ("banking", "setup"),
                            "body": (
                                p(
                                    "<p>Go to <b>Settings → Banking</b> and choose <b>Connect "
                                    "a bank</b>. Search for your bank and sign in on its own "
                                    "page; Ledgerly never sees your banking password.</p>"
                                ),
                                p(
                                    "<p>We import the last 90 days at once and new "
                                    "transactions several times a day.</p>"
                                ),
                                note(
                                    "<p>The connection is read-only: Ledgerly cannot move "
                                    "money.</p>"
                                ),
                                warning(
                                    "<p>Banks ask you to renew consent every 90 or 180 days. "
                                    "We email you a week before it runs out.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как подключить банковский счёт",
                            "summary": "Загружайте операции каждый день через защищённое "
                            "подключение только для чтения.",
                            "tags": ("банк", "настройка"),
                            "body": (
                                p(
                                    "<p>Откройте <b>Настройки → Банки</b> и нажмите "
                                    "<b>Подключить банк</b>. Найдите свой банк и войдите на "
                                    "его странице: пароль от банка Ledgerly не видит.</p>"
                                ),
                                p(
                                    "<p>Сразу загружаются операции за последние 90 дней, а "
                                    "новые — несколько раз в день.</p>"
                                ),
                                note(
                                    "<p>Подключение только для чтения: Ledgerly не может "
                                    "переводить деньги.</p>"
                                ),
                                warning(
                                    "<p>Банки просят продлевать согласие каждые 90 или 180 "
                                    "дней. Мы напомним по почте за неделю.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "reconcile",
                        "related": ("record-payment", "connect-bank"),
                        "en": {
                            "title": "Reconcile bank transactions",
                            "summary": "Match each transaction to an invoice or expense so "
                            "your books agree with the bank.",
                            "tags": ("banking", "reconciliation"),
                            "body": (
                                p(
                                    "<p>Open <b>Banking → To reconcile</b>. For each "
                                    "transaction Ledgerly suggests a match by amount, date "
                                    "and reference.</p>"
                                ),
                                p(
                                    "<ul><li><b>Confirm</b> a suggestion with one click.</li>"
                                    "<li><b>Find</b> another invoice or expense.</li>"
                                    "<li><b>Create</b> an expense from the transaction, for "
                                    "example a bank fee.</li></ul>"
                                ),
                                tip(
                                    "<p>Add rules for transactions that come back every "
                                    "month, like rent, and they reconcile themselves.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как сверить банковские операции",
                            "summary": "Сопоставьте каждую операцию со счётом или расходом, "
                            "чтобы учёт сходился с банком.",
                            "tags": ("банк", "сверка"),
                            "body": (
                                p(
                                    "<p>Откройте <b>Банк → На сверку</b>. Для каждой операции "
                                    "Ledgerly предлагает совпадение по сумме, дате и "
                                    "назначению платежа.</p>"
                                ),
                                p(
                                    "<ul><li><b>Подтвердите</b> предложение одним "
                                    "нажатием.</li><li><b>Найдите</b> другой счёт или "
                                    "расход.</li><li><b>Создайте</b> расход из операции, "
                                    "например банковскую комиссию.</li></ul>"
                                ),
                                tip(
                                    "<p>Добавьте правила для ежемесячных операций, например "
                                    "аренды, и они будут сверяться сами.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "bank-sync-errors",
                        "related": ("connect-bank",),
                        "en": {
                            "title": "My bank transactions stopped arriving",
                            "summary": "What the sync messages mean and how to get "
                            "transactions flowing again.",
                            "tags": ("banking", "troubleshooting"),
                            "body": (
                                p(
                                    "<p><b>Settings → Banking</b> shows the state of each "
                                    "connection and when it last synced.</p>"
                                ),
                                table(
                                    "Messages and what to do",
                                    "Message | What to do\n"
                                    "Consent expired | Choose Renew and sign in to your bank\n"
                                    "Bank unavailable | Wait; we retry every hour\n"
                                    "Account closed | Disconnect it and connect the new one",
                                ),
                                tip(
                                    "<p>Missing a day? Upload the bank statement as CSV or "
                                    "CAMT.053 under <b>Banking → Import</b>; duplicates are "
                                    "skipped.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Перестали приходить банковские операции",
                            "summary": "Что означают сообщения о синхронизации и как снова "
                            "получать операции.",
                            "tags": ("банк", "решение проблем"),
                            "body": (
                                p(
                                    "<p>В <b>Настройки → Банки</b> видно состояние каждого "
                                    "подключения и время последней синхронизации.</p>"
                                ),
                                table(
                                    "Сообщения и что делать",
                                    "Сообщение | Что делать\n"
                                    "Согласие истекло | Нажмите «Продлить» и войдите в банк\n"
                                    "Банк недоступен | Подождите: мы повторяем каждый час\n"
                                    "Счёт закрыт | Отключите его и подключите новый",
                                ),
                                tip(
                                    "<p>Не хватает дня? Загрузите выписку в формате CSV или "
                                    "CAMT.053 в <b>Банк → Импорт</b>; повторы "
                                    "пропускаются.</p>"
                                ),
                            ),
                        },
                    },
                ),
            },
            {
                "slug": "api",
                "en": {
                    "title": "API and webhooks",
                    "description": "Connect Ledgerly to your own systems.",
                },
                "ru": {
                    "title": "API и вебхуки",
                    "description": "Подключите Ledgerly к своим системам.",
                },
                "articles": (
                    {
                        "slug": "api-keys",
                        "related": ("webhooks", "rate-limits"),
                        "en": {
                            "title": "Create an API key",
                            "summary": "Give a script or another app access to your Ledgerly data.",
                            "tags": ("api", "developers", "security"),
                            "body": (
                                p(
                                    "<p>Admins create keys in <b>Settings → API</b>. Give each "
                                    "key a name and only the scopes it needs, for example "
                                    "<code>invoices:read</code>.</p>"
                                ),
                                code(
                                    "bash",
                                    "curl https://api.ledgerly.example/v1/invoices?status=sent"
                                    " \\\n"
                                    '  -H "Authorization: Bearer $LEDGERLY_KEY"',
                                ),
                                warning(
                                    "<p>The key is shown once. Store it in a password manager "
                                    "or your server's secrets, never in code.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как создать ключ API",
                            "summary": "Дайте скрипту или другому приложению доступ к данным "
                            "в Ledgerly.",
                            "tags": ("api", "разработчикам", "безопасность"),
                            "body": (
                                p(
                                    "<p>Ключи создают администраторы в <b>Настройки → "
                                    "API</b>. Дайте каждому ключу имя и только нужные права, "
                                    "например <code>invoices:read</code>.</p>"
                                ),
                                code(
                                    "bash",
                                    "curl https://api.ledgerly.example/v1/invoices?status=sent"
                                    " \\\n"
                                    '  -H "Authorization: Bearer $LEDGERLY_KEY"',
                                ),
                                warning(
                                    "<p>Ключ показывается один раз. Храните его в менеджере "
                                    "паролей или в секретах сервера, но не в коде.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "webhooks",
                        "related": ("api-keys",),
                        "en": {
                            "title": "Receive webhooks",
                            "summary": "Get a request on your server the moment an invoice is "
                            "paid or an expense approved.",
                            "tags": ("api", "webhooks", "developers"),
                            "body": (
                                p(
                                    "<p>Add an endpoint in <b>Settings → API → Webhooks</b> "
                                    "and choose the events to send. Each delivery is a JSON "
                                    "POST:</p>"
                                ),
                                code(
                                    "json",
                                    "{\n"
                                    '  "event": "invoice.paid",\n'
                                    '  "id": "evt_8Jd2",\n'
                                    '  "data": {"invoice": "INV-2025-0017", "amount": "1250.00",'
                                    ' "currency": "EUR"}\n'
                                    "}",
                                ),
                                h2("Check the signature"),
                                p(
                                    "<p>Every request has a <code>Ledgerly-Signature</code> "
                                    "header: an HMAC-SHA256 of the body with your endpoint's "
                                    "secret. Reject requests whose signature does not "
                                    "match.</p>"
                                ),
                                note(
                                    "<p>Answer with a 2xx status within ten seconds; failed "
                                    "deliveries are retried for three days.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как получать вебхуки",
                            "summary": "Получайте запрос на свой сервер в момент оплаты счёта "
                            "или утверждения расхода.",
                            "tags": ("api", "вебхуки", "разработчикам"),
                            "body": (
                                p(
                                    "<p>Добавьте адрес в <b>Настройки → API → Вебхуки</b> и "
                                    "выберите события. Каждое событие приходит POST-запросом "
                                    "с JSON:</p>"
                                ),
                                code(
                                    "json",
                                    "{\n"
                                    '  "event": "invoice.paid",\n'
                                    '  "id": "evt_8Jd2",\n'
                                    '  "data": {"invoice": "INV-2025-0017", "amount": "1250.00",'
                                    ' "currency": "EUR"}\n'
                                    "}",
                                ),
                                h2("Проверяйте подпись"),
                                p(
                                    "<p>В каждом запросе есть заголовок "
                                    "<code>Ledgerly-Signature</code> — HMAC-SHA256 тела "
                                    "запроса с секретом адреса. Отклоняйте запросы, подпись "
                                    "которых не совпадает.</p>"
                                ),
                                note(
                                    "<p>Ответьте статусом 2xx в течение десяти секунд; "
                                    "неудачные доставки повторяются три дня.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "rate-limits",
                        "related": ("api-keys",),
                        "en": {
                            "title": "API rate limits",
                            "summary": "How many requests you can make, and what to do when "
                            "you get a 429.",
                            "tags": ("api", "developers"),
                            "body": (
                                table(
                                    "Limits per API key",
                                    "Plan | Requests per minute | Requests per day\n"
                                    "Starter | 60 | 10,000\n"
                                    "Team | 300 | 100,000\n"
                                    "Business | 1,200 | Unlimited",
                                ),
                                p(
                                    "<p>Over the limit, the API answers <b>429 Too Many "
                                    "Requests</b> with a <code>Retry-After</code> header in "
                                    "seconds. Wait that long, then try again.</p>"
                                ),
                                tip(
                                    "<p>Fetching many records? Use <code>page_size=100</code> "
                                    "and webhooks instead of polling.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Ограничения частоты запросов к API",
                            "summary": "Сколько запросов можно отправлять и что делать при "
                            "ответе 429.",
                            "tags": ("api", "разработчикам"),
                            "body": (
                                table(
                                    "Ограничения на один ключ API",
                                    "Тариф | Запросов в минуту | Запросов в сутки\n"
                                    "Starter | 60 | 10 000\n"
                                    "Team | 300 | 100 000\n"
                                    "Business | 1200 | Без ограничений",
                                ),
                                p(
                                    "<p>При превышении API отвечает <b>429 Too Many "
                                    "Requests</b> с заголовком <code>Retry-After</code> в "
                                    "секундах. Подождите столько и повторите запрос.</p>"
                                ),
                                tip(
                                    "<p>Получаете много записей? Используйте "
                                    "<code>page_size=100</code> и вебхуки вместо постоянных "
                                    "опросов.</p>"
                                ),
                            ),
                        },
                    },
                ),
            },
        ),
    },
    # ---------------------------------------------------------------------------------------
    {
        "slug": "subscription",
        "icon": "⭐",
        "en": {
            "title": "Your subscription",
            "description": "Plans, payment and invoices from Ledgerly.",
        },
        "ru": {
            "title": "Ваша подписка",
            "description": "Тарифы, оплата и счета от Ledgerly.",
        },
        "sections": (
            {
                "slug": "plans",
                "en": {"title": "Plans", "description": "Compare plans and change yours."},
                "ru": {"title": "Тарифы", "description": "Сравнение и смена тарифа."},
                "articles": (
                    {
                        "slug": "compare-plans",
                        "related": ("change-plan",),
                        "en": {
                            "title": "Compare plans",
                            "summary": "Starter, Team and Business side by side.",
                            "tags": ("plans", "pricing"),
                            "body": (
                                table(
                                    "Plans at a glance",
                                    "Feature | Starter | Team | Business\n"
                                    "Users | 1 | Up to 10 | Unlimited\n"
                                    "Invoices per month | 20 | Unlimited | Unlimited\n"
                                    "Bank connections | 1 | 3 | Unlimited\n"
                                    "Approval rules | — | Yes | Yes, multi-step\n"
                                    "API and webhooks | — | Yes | Yes",
                                ),
                                p(
                                    "<p>Every plan starts with a 30-day free trial of Team, "
                                    "no card needed.</p>"
                                ),
                                note(
                                    "<p>Non-profits and schools get 50% off any plan: write "
                                    "to us from the contact page.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Сравнение тарифов",
                            "summary": "Starter, Team и Business рядом друг с другом.",
                            "tags": ("тарифы", "цены"),
                            "body": (
                                table(
                                    "Тарифы вкратце",
                                    "Возможность | Starter | Team | Business\n"
                                    "Пользователи | 1 | До 10 | Без ограничений\n"
                                    "Счетов в месяц | 20 | Без ограничений | Без ограничений\n"
                                    "Подключённые банки | 1 | 3 | Без ограничений\n"
                                    "Правила утверждения | — | Есть | Есть, многоэтапные\n"
                                    "API и вебхуки | — | Есть | Есть",
                                ),
                                p(
                                    "<p>Любой тариф начинается с 30 бесплатных дней тарифа "
                                    "Team, карта не нужна.</p>"
                                ),
                                note(
                                    "<p>Некоммерческим организациям и школам — скидка 50% "
                                    "на любой тариф: напишите нам со страницы "
                                    "контактов.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "change-plan",
                        "related": ("compare-plans", "update-card"),
                        "en": {
                            "title": "Upgrade or downgrade your plan",
                            "summary": "Change plans at any time; you only pay the difference.",
                            "tags": ("plans", "billing"),
                            "body": (
                                p(
                                    "<p>The account owner changes the plan in <b>Settings → "
                                    "Subscription</b>. An upgrade applies at once and the "
                                    "price difference is prorated to the day.</p>"
                                ),
                                p(
                                    "<p>A downgrade applies at the end of the current billing "
                                    "period.</p>"
                                ),
                                warning(
                                    "<p>Moving to a plan with fewer users? Remove people "
                                    "first; we never remove anyone for you.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как повысить или понизить тариф",
                            "summary": "Меняйте тариф в любое время и платите только разницу.",
                            "tags": ("тарифы", "оплата"),
                            "body": (
                                p(
                                    "<p>Тариф меняет владелец учётной записи в <b>Настройки → "
                                    "Подписка</b>. Повышение действует сразу, а разница в "
                                    "цене пересчитывается по дням.</p>"
                                ),
                                p(
                                    "<p>Понижение вступает в силу в конце текущего "
                                    "расчётного периода.</p>"
                                ),
                                warning(
                                    "<p>Переходите на тариф с меньшим числом пользователей? "
                                    "Сначала удалите лишних: сами мы никого не удаляем.</p>"
                                ),
                            ),
                        },
                    },
                ),
            },
            {
                "slug": "payment",
                "en": {
                    "title": "Paying for Ledgerly",
                    "description": "Cards, receipts and invoices for your subscription.",
                },
                "ru": {
                    "title": "Оплата Ledgerly",
                    "description": "Карты, квитанции и счета за подписку.",
                },
                "articles": (
                    {
                        "slug": "update-card",
                        "related": ("subscription-invoices",),
                        "en": {
                            "title": "Update your payment card",
                            "summary": "Replace an expiring card before the next renewal.",
                            "tags": ("billing", "cards"),
                            "body": (
                                p(
                                    "<p>Open <b>Settings → Subscription → Payment method</b> "
                                    "and choose <b>Replace card</b>. The new card is used for "
                                    "the next payment.</p>"
                                ),
                                note(
                                    "<p>If a payment fails we try again after 3, 5 and 7 days "
                                    "and email the owner each time; the account stays fully "
                                    "usable meanwhile.</p>"
                                ),
                                p(
                                    "<p>Yearly plans can also be paid by bank transfer; ask "
                                    "us for an invoice.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Как сменить платёжную карту",
                            "summary": "Замените карту с истекающим сроком до следующего "
                            "продления.",
                            "tags": ("оплата", "карты"),
                            "body": (
                                p(
                                    "<p>Откройте <b>Настройки → Подписка → Способ оплаты</b> "
                                    "и нажмите <b>Заменить карту</b>. Новая карта будет "
                                    "использована при следующем платеже.</p>"
                                ),
                                note(
                                    "<p>Если платёж не прошёл, мы повторим попытку через 3, 5 "
                                    "и 7 дней и каждый раз напишем владельцу; всё это время "
                                    "учётная запись работает полностью.</p>"
                                ),
                                p(
                                    "<p>Годовой тариф можно оплатить и банковским переводом; "
                                    "попросите у нас счёт.</p>"
                                ),
                            ),
                        },
                    },
                    {
                        "slug": "subscription-invoices",
                        "related": ("update-card",),
                        "en": {
                            "title": "Download invoices for your subscription",
                            "summary": "Find every invoice Ledgerly has sent you, with your "
                            "VAT number on it.",
                            "tags": ("billing", "invoices"),
                            "body": (
                                p(
                                    "<p>All invoices for your subscription are under "
                                    "<b>Settings → Subscription → Invoices</b>, as PDF.</p>"
                                ),
                                p(
                                    "<p>Add your company's VAT number and billing address on "
                                    "the same page before the next renewal so they appear "
                                    "on the invoice.</p>"
                                ),
                                tip(
                                    "<p>Send invoices straight to your bookkeeping: add its "
                                    "address under <b>Billing email</b>.</p>"
                                ),
                            ),
                        },
                        "ru": {
                            "title": "Где скачать счета за подписку",
                            "summary": "Все счета, которые выставил вам Ledgerly, с вашим "
                            "номером плательщика НДС.",
                            "tags": ("оплата", "счета"),
                            "body": (
                                p(
                                    "<p>Все счета за подписку находятся в <b>Настройки → "
                                    "Подписка → Счета</b> в формате PDF.</p>"
                                ),
                                p(
                                    "<p>Укажите на той же странице номер плательщика НДС и "
                                    "адрес компании до следующего продления, чтобы они "
                                    "попали в счёт.</p>"
                                ),
                                tip(
                                    "<p>Отправляйте счета сразу в бухгалтерию: укажите её "
                                    "адрес в поле <b>Почта для счетов</b>.</p>"
                                ),
                            ),
                        },
                    },
                ),
            },
        ),
    },
)


def articles() -> list[dict[str, Any]]:
    """Every article of the demo, in tree order."""
    return [
        article
        for category in CATEGORIES
        for section in category["sections"]
        for article in section["articles"]
    ]
