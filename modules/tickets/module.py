from django.utils.translation import gettext_lazy as _

from modules.registry import ModuleSpec, ScheduledTask, register

SPEC = register(
    ModuleSpec(
        key="tickets",
        label=_("Tickets"),
        description=_(
            "Customers submit requests and follow their status; agents answer them in the admin."
        ),
        icon="mail",
        urls="modules.tickets.urls",
        url_prefix="tickets",
        api_routes=(
            ("tickets", "modules.tickets.api.CustomerTicketViewSet", "ticket"),
            ("agent/tickets", "modules.tickets.api.AgentTicketViewSet", "agent-ticket"),
        ),
        admin_menu_items=("tickets", "ticket-setup", "ticket-reports"),
        permissions=(
            "tickets.view_all_tickets",
            "tickets.manage_tickets",
            "tickets.reply_tickets",
            "tickets.view_ticket_reports",
        ),
        furnish="modules.tickets.services.tickets_furnish",
        demo_content="modules.tickets.demo.tickets_demo_content",
        scheduled_tasks=(
            ScheduledTask("tickets.sla_escalate", every_seconds=600),
            ScheduledTask("tickets.auto_close", every_seconds=3600),
            ScheduledTask("tickets.inbound_sweep", every_seconds=600),
        ),
        extra={
            "nav_url": "/tickets/",
            "account_activity": "modules.tickets.hooks.account_activity",
            "export_user_data": "modules.tickets.hooks.export_user_data",
            "anonymise_user": "modules.tickets.hooks.anonymise_user",
            "account_verified": "modules.tickets.hooks.account_verified",
            # platform inbound email (tenants.inbound) hands messages for this portal here
            "inbound_email": "modules.tickets.inbound.receive",
        },
    )
)
