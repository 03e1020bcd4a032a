"""Parts of a page that other slices add, so that the page's own slice never imports them.

A lower slice (accounts, needs) owns a page and a `PageSections` for it; a slice above it gives a template and
a function that loads what that template shows; the app factory makes the connection (`add`). The page's view
calls `render(subject)` and places the parts, in the order they were added.
"""
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import render_template
from markupsafe import Markup

Subject = TypeVar("Subject")


@dataclass(frozen=True)
class Section(Generic[Subject]):
    template: str
    load: Callable[[Subject], Mapping[str, object]]


class PageSections(Generic[Subject]):
    """The sections of one page, by name; adding a name again replaces it (apps are built many times in tests)."""

    def __init__(self) -> None:
        self._sections: dict[str, Section[Subject]] = {}

    def add(self, name: str, template: str, load: Callable[[Subject], Mapping[str, object]]) -> None:
        self._sections[name] = Section(template, load)

    def render(self, subject: Subject) -> list[Markup]:
        """Each section rendered for `subject` (e.g. the user whose account page it is)."""
        return [Markup(render_template(section.template, **section.load(subject)))  # noqa: S704 - autoescaped by Jinja
                for section in self._sections.values()]
