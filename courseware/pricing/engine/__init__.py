"""The pricing engine: plain Python and Decimal, no Django. Every figure comes with its working."""

from .catalog import PriceSet, price_set, price_sets
from .core import Estimate, Line, PricingInputError

__all__ = ["Estimate", "Line", "PriceSet", "PricingInputError", "price_set", "price_sets"]
