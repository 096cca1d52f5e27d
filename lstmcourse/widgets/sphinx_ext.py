"""Placeholder for the book's ``widget`` directive (replaced by the widgets issue)."""

from docutils import nodes
from docutils.parsers.rst import Directive


class WidgetDirective(Directive):
    required_arguments = 1

    def run(self):
        name = self.arguments[0]
        return [nodes.raw("", f'<div data-widget="{name}"></div>', format="html")]


def setup(app):
    app.add_directive("widget", WidgetDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
