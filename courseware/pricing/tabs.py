"""The calculator page's tabs: one for each service the engine prices, and the scenario builder.

A tab is the engine's own input fields (the same list that validates the API and builds the
`price` command), the field that picks a mode (REST or HTTP, on-demand or provisioned) and the
fields each mode uses, and the volume the cost chart varies. Nothing here prices anything.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from .engine import apigateway, dynamodb, lambda_, messaging, scenario, stepfunctions, storage
from .engine.core import Field


@dataclass(frozen=True)
class Tab:
    slug: str  # the engine's service name, or "scenario"
    title: str  # the tab's name
    heading: str  # the form's heading
    description: str
    fields: list[Field]
    scale: dict[str, str]  # mode (or "") -> the volume field the cost chart varies
    modes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # mode -> fields it uses
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # yes/no field -> fields it governs

    @property
    def mode_field(self) -> str | None:
        return self.fields[0].name if self.modes else None

    @property
    def url(self) -> str:
        if self.slug == "lambda":
            return reverse("pricing:calculator")
        return reverse("pricing:service", args=[self.slug])

    @property
    def csv_url(self) -> str:
        if self.slug == "lambda":
            return reverse("pricing:calculator_csv")
        return reverse("pricing:service_csv", args=[self.slug])

    def applies(self, item: Field, mode: str | None, off: set[str] = frozenset()) -> bool:
        """Whether a field counts in `mode` (the mode field itself and price_set always do), with
        the parts named in `off` left out."""
        if self.part_of(item) in off:
            return False
        if not self.modes or item.name in (self.mode_field, "price_set"):
            return True
        return item.name in self.modes.get(mode or "", ())

    def part_of(self, item: Field) -> str:
        """The yes/no field that includes this one's part of a scenario, or ""."""
        return next((toggle for toggle, names in self.parts.items() if item.name in names), "")

    def modes_of(self, item: Field) -> list[str]:
        """The modes a field belongs to; empty when it belongs to all."""
        if not self.modes or item.name in (self.mode_field, "price_set"):
            return []
        return [mode for mode, names in self.modes.items() if item.name in names]

    def scale_field(self, mode: str | None) -> Field:
        name = self.scale.get(mode or "", self.scale.get(""))
        return next(item for item in self.fields if item.name == name)


TABS = {
    tab.slug: tab
    for tab in (
        Tab(
            "lambda",
            "Lambda",
            "Your function",
            "Requests and duration (GB-seconds), with the free tier, /tmp and provisioned concurrency.",
            lambda_.FIELDS,
            {"": "requests"},
        ),
        Tab(
            "apigateway",
            "API Gateway",
            "Your API",
            "REST, HTTP and WebSocket APIs: requests in tiers, the REST cache, message metering.",
            apigateway.FIELDS,
            {"": "requests", "websocket": "messages"},
            apigateway.TYPE_FIELDS,
        ),
        Tab(
            "dynamodb",
            "DynamoDB",
            "Your table",
            "On-demand request units or provisioned capacity, and storage, with the free tier.",
            dynamodb.FIELDS,
            {"": "reads", "provisioned": "rcu"},
            dynamodb.MODE_FIELDS,
        ),
        Tab(
            "sqs",
            "SQS",
            "Your queue",
            "Requests in 64 KB chunks, standard or FIFO.",
            messaging.SQS_FIELDS,
            {"": "messages"},
        ),
        Tab(
            "sns", "SNS", "Your topic", "Publishes and deliveries by protocol.", messaging.SNS_FIELDS, {"": "publishes"}
        ),
        Tab(
            "stepfunctions",
            "Step Functions",
            "Your workflow",
            "Standard workflows (state transitions) or Express workflows (requests and GB-seconds).",
            stepfunctions.FIELDS,
            {"": "executions"},
            stepfunctions.TYPE_FIELDS,
        ),
        Tab(
            "s3",
            "S3",
            "Your bucket",
            "S3 Standard storage in tiers, PUT and GET requests.",
            storage.S3_FIELDS,
            {"": "storage_gb"},
        ),
        Tab(
            "logs",
            "CloudWatch Logs",
            "Your logs",
            "Log data ingested and stored, with the free tier.",
            storage.LOGS_FIELDS,
            {"": "ingested_gb"},
        ),
        Tab(
            "scenario",
            "Whole workload",
            "Your workload",
            "Build a request path, API Gateway → Lambda → DynamoDB with its logs, leaving out what you do "
            "not use: one bill, service by service.",
            scenario.FIELDS,
            {"": "requests"},
            parts={
                "include_dynamodb": ("reads_per_request", "writes_per_request", "item_kb", "storage_gb"),
                "include_logs": ("log_kb_per_request",),
            },
        ),
    )
}
