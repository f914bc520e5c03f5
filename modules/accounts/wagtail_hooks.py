from wagtail import hooks

from modules.accounts import users_admin  # noqa: F401  (the seats' bulk-action door)
from modules.accounts.viewsets import CustomersGroup


@hooks.register("register_admin_viewset")
def register_customers():
    return CustomersGroup()
