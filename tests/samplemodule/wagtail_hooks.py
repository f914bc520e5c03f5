from wagtail import hooks
from wagtail.admin.menu import MenuItem


@hooks.register("register_admin_menu_item")
def register_notes_menu_item():
    return MenuItem(
        "Sample notes", "/sample/", name="sample-notes", icon_name="doc-full", order=900
    )
