"""Money and volumes as people read them, for any page that shows prices."""

from decimal import Decimal, InvalidOperation

from django import template

from courseware.pricing.engine.core import quantity, usd
from courseware.pricing.tabs import TABS

register = template.Library()


@register.filter
def money(value) -> str:
    """An amount (a decimal string or number) for reading: $0.000000565, $0.56, $1,234.57."""
    try:
        return usd(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


@register.filter
def volume(value) -> str:
    """A count or size with thousands separators: 3,000,000; 0.5."""
    try:
        return quantity(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


@register.filter
def service_title(name: str) -> str:
    """ "apigateway" -> "API Gateway": the calculator tab's name for a service."""
    return TABS[name].title if name in TABS else name
