"""Forum and community moderators get a group of their own, "Community moderators", instead of
Wagtail's "Moderators" (whose initial data lets it add, edit and publish every page). Portals
made before keep Wagtail's group as it was, without the customers-admin right this app gave it;
an admin puts their community moderators into the new group."""

from django.db import migrations

NEW = "Community moderators"
PERMISSIONS = (("wagtailadmin", "access_admin"), ("accounts", "view_customerprofile"))


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=NEW)
    for app_label, codename in PERMISSIONS:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is not None:  # a new database has none before post_migrate
            group.permissions.add(permission)
    wagtail_moderators = Group.objects.filter(name="Moderators").first()
    if wagtail_moderators is not None:
        wagtail_moderators.permissions.remove(
            *Permission.objects.filter(content_type__app_label="accounts")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_accountsettings_organization_customerprofile"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
