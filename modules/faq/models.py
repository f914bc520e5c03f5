"""The FAQ's models live in pages.py (Wagtail-shaped); Django finds them here."""

from modules.faq.pages import FaqGroupPage, FaqIndexPage, FaqItem

__all__ = ["FaqGroupPage", "FaqIndexPage", "FaqItem"]
