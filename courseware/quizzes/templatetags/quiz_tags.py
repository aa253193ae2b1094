from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """`given|lookup:item.id` for answers keyed by opaque id."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def has(collection, item) -> bool:
    return collection is not None and item in collection


@register.filter
def points(value) -> str:
    number = float(value)
    return f"{number:g} point{'s' if number != 1 else ''}"


@register.filter
def percent(fraction) -> str:
    """0.6667 -> '67%': a share of the points, as the review and the tries line show it."""
    if fraction is None:
        return ""
    return f"{float(fraction) * 100:.0f}%"
