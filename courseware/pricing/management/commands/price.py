"""`python manage.py price lambda --requests 5000000 --memory-mb 512 ...`: the same breakdown as
the calculator and the API, in a terminal. `price SERVICE --help` lists that service's inputs."""

import json
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from courseware.pricing.engine import PricingInputError
from courseware.pricing.engine.core import usd
from courseware.pricing.engine.lambda_ import memory_sweep
from courseware.pricing.engine.registry import SERVICES, estimate


class Command(BaseCommand):
    help = "Price a serverless service from the command line, with the working for every line."

    def add_arguments(self, parser):
        services = parser.add_subparsers(dest="service", required=True)
        for name, (_function, fields) in SERVICES.items():
            sub = services.add_parser(name, help=f"Estimate {name}")
            for field in fields:
                flag = "--" + field.name.replace("_", "-")
                sub.add_argument(
                    flag,
                    dest=field.name,
                    help=f"{field.help}"
                    + (f" [{field.unit}]" if field.unit else "")
                    + (f" (default {field.default})" if field.default is not None else ""),
                )
            sub.add_argument("--json", action="store_true", help="Print the JSON the API returns.")
            if name == "lambda":
                sub.add_argument(
                    "--sweep",
                    action="store_true",
                    help="Also project cost and duration at every memory size.",
                )

    def handle(self, *args, service, **options):
        as_json, sweep = options.pop("json", False), options.pop("sweep", False)
        fields = {field.name for field in SERVICES[service][1]}
        values = {name: value for name, value in options.items() if name in fields and value is not None}
        try:
            result = estimate(service, values)
            swept = memory_sweep(values) if sweep else None
        except PricingInputError as error:
            raise CommandError(f"--{error.field.replace('_', '-')}: {error.message}") from error
        if as_json:
            self.stdout.write(json.dumps({**result.to_dict(), **({"sweep": swept} if swept else {})}, indent=2))
            return
        data = result.to_dict()
        width = max((len(line.label) for line in result.lines), default=10)
        self.stdout.write(f"{service} · {data['price_set']['title']} (prices dated {data['price_set']['date']})")
        for line in result.lines:
            self.stdout.write(f"  {line.label:<{width}}  {line.formula}")
        self.stdout.write(f"  {'Total':<{width}}  ${data['total_usd']} a month")
        for note in result.notes:
            self.stdout.write(f"  · {note}")
        if swept:
            self.stdout.write(f"\nMemory sweep. {swept['model']}")
            for point in swept["points"]:
                marks = " ← cheapest" if point is swept["cheapest"] else ""
                marks += " ← fastest" if point is swept["fastest"] else ""
                self.stdout.write(
                    f"  {point['memory_mb']:>6} MB  {point['duration_ms']:>12} ms  {usd(Decimal(point['monthly_exact_usd'])):>12}{marks}"
                )
