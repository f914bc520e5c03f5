from django import template

from modules.accounts.selectors import display_name, is_staff_member

register = template.Library()

# The name shown for the author of an idea or comment ("Deleted user" once they left).
register.filter("person", display_name)
register.filter("is_staff", is_staff_member)
