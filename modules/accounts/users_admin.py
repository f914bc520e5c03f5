"""The Wagtail admin's Users pages (Settings → Users) with the plan's agent seats at the door.

A seat is an active staff account: a member of one of the portal's staff roles (Administrators,
Agents, Light agents, Community moderators) or an administrator (superuser). Each way the admin
makes someone staff asks `cms.limits.seat_refusal` first and, when the plan's seats are all in
use, refuses with a form error on the roles that says so and links to the billing page:

- adding a user with a role or as administrator (the create form);
- giving a user who is not staff a role or administrator rights, or reactivating a staff account
  (the edit form);
- the user list's bulk actions "Assign role" and "Set active state".

Two administrators filling the last seat at the same moment: the forms' saves take a lock per
portal and count again inside it, so the second is refused with the same form error.

Removing roles, deactivating and editing people who already hold a seat always work. Wagtail's
group pages cannot add members, so they are no door. Installed through `PortalUsersConfig`
(modules.accounts.users_app), which replaces `wagtail.users` in the settings.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import CreateView as WagtailCreateView
from wagtail.users.views.users import EditView as WagtailEditView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from cms import limits
from cms.support import support_username
from modules.accounts import services

User = get_user_model()


def holds_role(groups) -> bool:
    return any(group.name in services.ROLE_PERMISSIONS for group in groups or ())


class _SeatsMixin:
    """Refuses a change that makes someone an active staff member when the plan has no seat left;
    keeps `is_staff` in step with the administrator tick after saving."""

    def clean(self):
        data = super().clean()  # type: ignore[misc]
        username = data.get(User.USERNAME_FIELD)
        if username and str(username).lower() == support_username().lower():
            self.add_error(  # type: ignore[attr-defined]
                User.USERNAME_FIELD, _("This username is reserved for the platform's support.")
            )
        self.takes_a_seat = self._takes_a_seat(data)
        if self.takes_a_seat:
            refusal = limits.seat_refusal(adding=1)
            if refusal is not None:
                self.add_error("groups", limits.seat_admin_message(refusal))  # type: ignore[attr-defined]
        return data

    def save(self, commit=True):
        user = super().save(commit=commit)  # type: ignore[misc]
        if commit:
            services.staff_flag_sync(user=user)
        return user

    def _takes_a_seat(self, data) -> bool:
        instance = self.instance  # type: ignore[attr-defined]
        fields = self.fields  # type: ignore[attr-defined]
        superuser = data.get("is_superuser") if "is_superuser" in fields else instance.is_superuser
        staff_after = bool(superuser) or holds_role(data.get("groups"))
        active_after = data.get("is_active", True) if "is_active" in fields else instance.is_active
        if not (staff_after and active_after):
            return False
        # Already an active staff member: their seat is theirs (the form still runs before the
        # instance is updated, so these are the stored values).
        return not (instance.pk and instance.is_active and instance.is_staff)


class SeatUserCreationForm(_SeatsMixin, UserCreationForm):
    pass


class SeatUserEditForm(_SeatsMixin, UserEditForm):
    pass


def _seats_lock() -> None:
    """Hold this portal's seat lock until the transaction ends (one PostgreSQL advisory lock per
    schema): whoever takes a seat counts the seats in use inside it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"seats:{connection.schema_name}"]
        )


class _SeatLockedSave:
    """The form's check ran without a lock: another administrator may have taken the last seat
    since. A save that takes a seat counts again under the portal's seat lock, in the same
    transaction as the save, and shows the form with the error if the seat is gone."""

    def form_valid(self, form):
        if not getattr(form, "takes_a_seat", False):
            return super().form_valid(form)  # type: ignore[misc]
        with transaction.atomic():
            _seats_lock()
            refusal = limits.seat_refusal(adding=1)
            if refusal is not None:
                form.add_error("groups", limits.seat_admin_message(refusal))
                # as Wagtail's own validation does for an invalid form
                self.produced_error_message = self.get_error_message()  # type: ignore[attr-defined]
                return self.form_invalid(form)  # type: ignore[attr-defined]
            return super().form_valid(form)  # type: ignore[misc]


class SeatCreateView(_SeatLockedSave, WagtailCreateView):
    pass


class SeatEditView(_SeatLockedSave, WagtailEditView):
    pass


class UserViewSet(WagtailUserViewSet):
    add_view_class = SeatCreateView
    edit_view_class = SeatEditView

    def get_form_class(self, for_update=False):
        return SeatUserEditForm if for_update else SeatUserCreationForm


def _bulk_seats_needed(action_type: str, objects, form) -> tuple[int, str]:
    """(seats the bulk action would take, the form field to put the error on)."""
    data = getattr(form, "cleaned_data", None) or {}
    if action_type == "assign_role":
        role = data.get("role")
        if role is None or role.name not in services.ROLE_PERMISSIONS:
            return 0, "role"
        return sum(1 for user in objects if user.is_active and not user.is_staff), "role"
    if action_type == "set_active_state" and data.get("mark_as_active"):
        return sum(1 for user in objects if user.is_staff and not user.is_active), "mark_as_active"
    return 0, ""


@hooks.register("before_bulk_action")
def seats_before_bulk_action(request, action_type, objects, action):
    """The users list's bulk "Assign role" and "Set active state": refused, with the form shown
    again and its error, when the people they would make active staff do not fit in the plan."""
    if getattr(action, "model", None) is not User:
        return None
    form = getattr(action, "cleaned_form", None)
    adding, field = _bulk_seats_needed(action_type, objects, form)
    if not adding:
        return None
    refusal = limits.seat_refusal(adding=adding)
    if refusal is None:
        return None
    assert form is not None
    form.add_error(field, limits.seat_admin_message(refusal))
    return action.form_invalid(form)
