from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "courseware.pricing"
    label = "pricing"
    verbose_name = "Pricing calculator"
