"""Reads about customers that every module may use (modules import these, never the models)."""

from __future__ import annotations


def display_name(user) -> str:
    """The name shown beside a person's posts: their profile's display name, else their full
    name, else the part of their email before the @ (never the whole address)."""
    if user is None:
        return ""
    profile = getattr(user, "customer_profile", None)
    name = getattr(profile, "display_name", "") if profile is not None else ""
    if name:
        return name
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    if full:
        return full
    email = getattr(user, "email", "") or getattr(user, "username", "")
    return email.split("@", 1)[0]


def is_staff_member(user) -> bool:
    """Staff of the portal (admins, agents, moderators): they get a staff badge on their posts."""
    return bool(user is not None and user.is_authenticated and (user.is_staff or user.is_superuser))
