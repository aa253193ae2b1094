import json

from django import template

register = template.Library()


@register.filter
def pretty_json(value) -> str:
    return json.dumps(value, indent=2, default=str)


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, or None."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def file_mode(name: str) -> str:
    """The CodeMirror mode for a lab file."""
    return "yaml" if name.endswith((".yaml", ".yml")) else "python" if name.endswith(".py") else "text"


@register.filter
def dom_id(name: str) -> str:
    return "file-" + "".join(c if c.isalnum() else "-" for c in name)


@register.filter
def log_lines(logs: str) -> list[dict]:
    """A log for the page: each line, with a REPORT line split into its fields, so the page can
    wrap it between fields instead of clipping the figures the lab is about."""
    lines = []
    for text in (logs or "").splitlines():
        fields = text.split("\t") if text.startswith("REPORT ") else []
        lines.append({"text": text, "fields": [item for item in fields if item.strip()]})
    return lines
