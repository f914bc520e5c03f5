from django import template

from tenants.admin_notices import notices_for

register = template.Library()


@register.inclusion_tag("tenants/admin/notices.html", takes_context=True)
def admin_notices(context):
    request = context.get("request")
    notices = notices_for(request) if request is not None else []
    return {"notices": notices, "csrf_token": context.get("csrf_token")}
