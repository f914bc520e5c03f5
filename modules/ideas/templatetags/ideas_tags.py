from django import template
from django.utils.translation import gettext as _

from modules.accounts.selectors import display_name, is_staff_member

register = template.Library()


@register.filter
def person(user) -> str:
    """The name shown for the author of an idea or comment ("Deleted user" once they left)."""
    return display_name(user) if user is not None else _("Deleted user")


@register.filter
def is_staff(user) -> bool:
    return is_staff_member(user)
