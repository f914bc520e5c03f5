from wagtail import hooks
from wagtail.permissions import register_permission_policy

from modules.accounts.models import CustomerProfile
from modules.accounts.viewsets import CustomerPermissionPolicy, CustomersGroup

register_permission_policy(CustomerProfile, CustomerPermissionPolicy(CustomerProfile))


@hooks.register("register_admin_viewset")
def register_customers():
    return CustomersGroup()
