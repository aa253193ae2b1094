import json

from django import template

register = template.Library()


@register.filter
def pretty_json(value) -> str:
    return json.dumps(value, indent=2, default=str)


@register.filter
def file_mode(name: str) -> str:
    """The CodeMirror mode for a lab file."""
    return "yaml" if name.endswith((".yaml", ".yml")) else "python" if name.endswith(".py") else "text"


@register.filter
def dom_id(name: str) -> str:
    return "file-" + "".join(c if c.isalnum() else "-" for c in name)
