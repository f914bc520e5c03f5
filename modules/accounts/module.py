from django.utils.translation import gettext_lazy as _

from modules.registry import ModuleSpec, ScheduledTask, register

SPEC = register(
    ModuleSpec(
        key="accounts",
        label=_("Customer accounts"),
        description=_("Customers sign up, sign in and manage their profile and data."),
        icon="user",
        urls="modules.accounts.urls",
        url_prefix="account",
        always_on=True,
        furnish="modules.accounts.services.accounts_furnish",
        api_routes=(("account", "modules.accounts.api.AccountViewSet", "account"),),
        # the header links to sign-in or "My account"; the section nav is for content
        extra={"in_nav": False},
        scheduled_tasks=(ScheduledTask("accounts.outbox_sweep", every_seconds=300),),
    )
)
