from wagtail import hooks

from modules.accounts.viewsets import CustomersGroup


@hooks.register("register_admin_viewset")
def register_customers():
    return CustomersGroup()
