from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from billing.entitlements import (
            api_allowed,
            modules_not_in_plan,
            platform_badge_shown,
            seat_refusal,
            storage_refusal,
        )
        from billing.plans import connect_signals
        from cms import limits

        connect_signals()
        # the module switches ask the plan through cms.limits (cms never imports billing)
        limits.register_module_check(modules_not_in_plan)
        limits.register_api_check(api_allowed)
        limits.register_storage_check(storage_refusal)
        limits.register_seat_check(seat_refusal)
        limits.register_branding_check(platform_badge_shown)
