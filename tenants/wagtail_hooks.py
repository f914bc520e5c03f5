"""The tenant's own admin pages and notices that come from the platform side: support access by
an operator (tenants.support_admin), the owner's deletion request (tenants.deletion_admin) and
the custom domains (tenants.domain_admin).
Wagtail discovers this module; each part registers its hooks on import."""

from tenants import deletion_admin, domain_admin, support_admin  # noqa: F401
