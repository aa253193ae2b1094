"""API Gateway, DynamoDB, SQS, SNS, Step Functions, S3 and CloudWatch Logs pricing: hand-checked
examples at every tier boundary, free tiers on and off, validation, and properties."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courseware.pricing.engine import PricingInputError
from courseware.pricing.engine.apigateway import apigateway_estimate, rest_vs_http
from courseware.pricing.engine.catalog import price_set
from courseware.pricing.engine.dynamodb import dynamodb_estimate
from courseware.pricing.engine.messaging import sns_estimate, sqs_estimate
from courseware.pricing.engine.registry import SERVICES, estimate
from courseware.pricing.engine.stepfunctions import stepfunctions_estimate
from courseware.pricing.engine.storage import logs_estimate, s3_estimate

M = 1_000_000


def cost(service: str, **values) -> Decimal:
    return estimate(service, values).total


# API Gateway: REST


def test_rest_first_tier_ends_at_333m():
    # 333M × $3.50/1M = $1,165.50
    assert cost("apigateway", api_type="rest", requests=333 * M) == Decimal("1165.50")


def test_rest_one_million_past_the_first_boundary():
    # $1,165.50 + 1M × $2.80/1M = $1,168.30
    result = apigateway_estimate({"api_type": "rest", "requests": 334 * M})
    assert result.total == Decimal("1168.30")
    assert [line.cost for line in result.lines] == [Decimal("1165.50"), Decimal("2.80")]
    assert result.lines[1].label == "REST API requests, tier 2 (333,000,000–1,000,000,000 requests)"


def test_rest_second_and_third_boundaries():
    # 1B: $1,165.50 + 667 × $2.80 = $1,165.50 + $1,867.60 = $3,033.10
    assert cost("apigateway", requests=1_000 * M) == Decimal("3033.10")
    # 20B: $3,033.10 + 19,000 × $2.38 = $3,033.10 + $45,220 = $48,253.10
    assert cost("apigateway", requests=20_000 * M) == Decimal("48253.10")
    # 21B: $48,253.10 + 1,000 × $1.51 = $49,763.10
    assert cost("apigateway", requests=21_000 * M) == Decimal("49763.10")


def test_rest_cache_is_billed_per_hour():
    # 1M × $3.50/1M = $3.50; cache 0.5 GB: 730 h × $0.020 = $14.60 -> $18.10
    result = apigateway_estimate({"requests": M, "cache_size_gb": "0.5"})
    assert result.total == Decimal("18.10")
    assert result.lines[1].label == "REST API cache (0.5 GB)"
    assert any("unconfirmed" in note for note in result.notes)
    # 237 GB for 100 h: 100 × $3.80 = $380.00
    assert cost("apigateway", requests=0, cache_size_gb=237, cache_hours=100) == Decimal("380.00")


def test_rest_cache_size_must_be_a_listed_size():
    with pytest.raises(PricingInputError) as error:
        apigateway_estimate({"cache_size_gb": 1})
    assert error.value.field == "cache_size_gb"
    assert "0.5, 1.6, 6.1" in error.value.message


# API Gateway: HTTP and WebSocket


def test_http_boundary_at_300m():
    # 300M × $1.00/1M = $300.00; 301M: $300.00 + 1M × $0.90/1M = $300.90
    assert cost("apigateway", api_type="http", requests=300 * M) == Decimal("300.00")
    assert cost("apigateway", api_type="http", requests=301 * M) == Decimal("300.90")


def test_http_meters_512_kb_increments():
    # 600 KB = 2 × 512 KB increments: 1M requests -> 2M metered × $1.00/1M = $2.00
    result = apigateway_estimate({"api_type": "http", "requests": M, "request_kb": 600})
    assert result.total == Decimal("2.00")
    assert result.extra["metered_requests"] == "2000000"
    # exactly 512 KB counts once; 513 KB twice
    assert cost("apigateway", api_type="http", requests=M, request_kb=512) == Decimal("1.00")
    assert cost("apigateway", api_type="http", requests=M, request_kb=513) == Decimal("2.00")


def test_websocket_messages_and_minutes():
    # 33 KB = 2 × 32 KB increments: 1M -> 2M × $1.00/1M = $2.00; 1M min × $0.25/1M = $0.25
    result = apigateway_estimate({"api_type": "websocket", "messages": M, "message_kb": 33, "connection_minutes": M})
    assert result.total == Decimal("2.25")
    assert any("unconfirmed" in note for note in result.notes)
    # 1B messages: 1,000 × $1.00 = $1,000; 1.001B: + 1 × $0.80 = $1,000.80
    ws = {"api_type": "websocket", "connection_minutes": 0}
    assert cost("apigateway", **ws, messages=1_000 * M) == Decimal("1000.00")
    assert cost("apigateway", **ws, messages=1_001 * M) == Decimal("1000.80")


def test_rest_vs_http_for_the_same_requests():
    # 45M: REST 45 × $3.50 = $157.50; HTTP 45 × $1.00 = $45.00; saving $112.50 = 71.4%
    result = rest_vs_http({"requests": 45 * M, "cache_size_gb": "0.5"})
    assert (result["rest"]["total_usd"], result["http"]["total_usd"]) == ("157.50", "45.00")
    assert (result["saving_usd"], result["saving_percent"]) == ("112.50", "71.4")
    assert any("lack" in note for note in result["notes"])
    assert rest_vs_http({"requests": 0})["saving_percent"] == "0.0"


# DynamoDB


def test_dynamodb_read_units_by_consistency():
    # 5 KB strong read: ceil(5/4) = 2 RRU; eventual: 2 / 2 = 1 RRU
    base = {"reads": M, "writes": 0, "item_kb": 5, "storage_gb": 0}
    strong = dynamodb_estimate({**base, "consistency": "strong"})
    eventual = dynamodb_estimate({**base, "consistency": "eventual"})
    assert (strong.extra["read_request_units"], eventual.extra["read_request_units"]) == (
        "2000000",
        "1000000",
    )
    # 2M × $0.125/1M = $0.25; 1M × $0.125/1M = $0.125
    assert (strong.total, eventual.total) == (Decimal("0.25"), Decimal("0.125"))


def test_dynamodb_writes_and_storage_free_tier():
    # 5 KB write: ceil(5/1) = 5 WRU: 1M -> 5M × $0.625/1M = $3.125
    # storage 100 GB: (100 − 25 free) × $0.25 = $18.75; without free tier 100 × $0.25 = $25.00
    values = {"reads": 0, "writes": M, "item_kb": 5, "storage_gb": 100}
    assert cost("dynamodb", **values) == Decimal("3.125") + Decimal("18.75")
    assert cost("dynamodb", **values, free_tier=False) == Decimal("3.125") + Decimal("25.00")


def test_dynamodb_provisioned_with_and_without_free_tier():
    # free: (100 − 25) RCU × 730 h × $0.00013 = $7.1175; (50 − 25) WCU × 730 × $0.00065 = $11.8625
    # storage 1 GB is inside the 25 GB free -> $18.98
    values = {"capacity_mode": "provisioned", "rcu": 100, "wcu": 50, "storage_gb": 1}
    assert cost("dynamodb", **values) == Decimal("18.98")
    # no free tier: 100 × 730 × $0.00013 = $9.49; 50 × 730 × $0.00065 = $23.725; 1 × $0.25
    assert cost("dynamodb", **values, free_tier=False) == Decimal("33.465")
    # under the free capacity: nothing to pay
    assert cost("dynamodb", capacity_mode="provisioned", rcu=10, wcu=25, storage_gb=25) == 0


def test_dynamodb_on_demand_has_no_free_requests():
    # 1M eventual 1 KB reads = 0.5M RRU × $0.125/1M = $0.0625, free tier or not
    values = {"reads": M, "writes": 0, "item_kb": 1, "storage_gb": 0}
    assert cost("dynamodb", **values) == cost("dynamodb", **values, free_tier=False)
    assert cost("dynamodb", **values) == Decimal("0.0625")


# SQS and SNS


def test_sqs_65_kb_is_two_chunks():
    # 65 KB = 2 chunks: send 2 + receive 2 + delete 1 = 5 requests/message; 1M messages = 5M
    # (5M − 1M free) × $0.40/1M = $1.60; FIFO × $0.50 = $2.00; no free tier 5M × $0.40 = $2.00
    result = sqs_estimate({"messages": M, "message_kb": 65})
    assert result.extra["chunks_per_message"] == 2
    assert result.extra["requests"] == "5000000"
    assert result.total == Decimal("1.60")
    assert cost("sqs", messages=M, message_kb=65, queue_type="fifo") == Decimal("2.00")
    assert cost("sqs", messages=M, message_kb=65, free_tier=False) == Decimal("2.00")


def test_sqs_64_kb_is_one_chunk_and_requests_per_message():
    # 64 KB = 1 chunk: 3M requests, (3M − 1M) × $0.40/1M = $0.80
    assert cost("sqs", messages=M, message_kb=64) == Decimal("0.80")
    # 1 request per message (send only) at 65 KB: 2 requests; 2M − 1M free = 1M × $0.40 = $0.40
    assert cost("sqs", messages=M, message_kb=65, requests_per_message=1) == Decimal("0.40")
    # 4 per message at 65 KB: 2 × 2 + 2 × 1 = 6 -> 5M × $0.40 = $2.00
    assert cost("sqs", messages=M, message_kb=65, requests_per_message=4) == Decimal("2.00")


def test_sqs_inside_the_free_tier():
    # 300,000 messages × 3 = 900,000 requests < 1M free
    assert cost("sqs", messages=300_000) == 0


def test_sns_free_tiers_on_and_off():
    # free: publishes (3M − 1M) × $0.50/1M = $1.00; HTTP (1.1M − 100K) × $0.60/1M = $0.60;
    # email (101,000 − 1,000) × $2.00/100K = $2.00; SQS, Lambda free -> $3.60
    values = {
        "publishes": 3 * M,
        "http_deliveries": 1_100_000,
        "email_deliveries": 101_000,
        "sqs_deliveries": 5 * M,
        "lambda_deliveries": 5 * M,
    }
    assert cost("sns", **values) == Decimal("3.60")
    # no free tier: $1.50 + 1.1 × $0.60 = $0.66 + 1.01 × $2.00 = $2.02 -> $4.18
    assert cost("sns", **values, free_tier=False) == Decimal("4.18")


def test_sns_chunks_published_data():
    # 65 KB = 2 chunks: 1M publishes -> 2M requests; (2M − 1M) × $0.50/1M = $0.50
    result = sns_estimate({"publishes": M, "message_kb": 65})
    assert result.extra["publish_requests"] == "2000000"
    assert result.total == Decimal("0.50")


# Step Functions


def test_standard_4000_free_transitions():
    # 400 × 10 = 4,000 transitions, all free; 401 × 10 = 4,010: 10 × $0.025/1,000 = $0.00025
    assert cost("stepfunctions", executions=400, transitions_per_execution=10) == 0
    assert cost("stepfunctions", executions=401, transitions_per_execution=10) == Decimal("0.00025")
    # free tier off: 4,000 × $0.025/1,000 = $0.10
    assert cost("stepfunctions", executions=400, transitions_per_execution=10, free_tier=False) == Decimal("0.10")


def test_express_rounds_duration_and_memory():
    # 150 ms -> 200 ms, 100 MB -> 128 MB = 0.125 GB: 1M × 0.2 s × 0.125 = 25,000 GB-s
    # 25,000 × $0.00001667 = $0.41675; requests 1M × $1.00/1M = $1.00 -> $1.41675
    result = stepfunctions_estimate({"workflow_type": "express", "executions": M, "duration_ms": 150, "memory_mb": 100})
    assert (result.extra["billed_duration_ms"], result.extra["billed_memory_mb"]) == ("200", 128)
    assert result.extra["gb_seconds"] == "25000"
    assert result.total == Decimal("1.41675")


@pytest.mark.parametrize(("memory", "billed"), [(1, 64), (64, 64), (65, 128), (128, 128), (129, 192)])
def test_express_memory_steps(memory, billed):
    result = stepfunctions_estimate({"workflow_type": "express", "memory_mb": memory})
    assert result.extra["billed_memory_mb"] == billed


# S3 and CloudWatch Logs


def test_s3_storage_tiers_at_50_tb_and_500_tb():
    none = {"put_requests": 0, "get_requests": 0}
    # 50 TB = 51,200 GB × $0.023 = $1,177.60; one GB more: + $0.022 = $1,177.622
    assert cost("s3", storage_gb=51_200, **none) == Decimal("1177.60")
    assert cost("s3", storage_gb=51_201, **none) == Decimal("1177.622")
    # 500 TB = 512,000 GB: $1,177.60 + 460,800 × $0.022 = $1,177.60 + $10,137.60 = $11,315.20
    assert cost("s3", storage_gb=512_000, **none) == Decimal("11315.20")
    # one GB more: + $0.021 = $11,315.221
    assert cost("s3", storage_gb=512_001, **none) == Decimal("11315.221")


def test_s3_requests():
    # 1M PUT: 1,000 × $0.005 = $5.00; 10M GET: 10,000 × $0.0004 = $4.00
    assert cost("s3", storage_gb=0, put_requests=M, get_requests=10 * M) == Decimal("9.00")
    assert any("TB = 1,024 GB" in note for note in s3_estimate({}).notes)


def test_logs_free_tier_applies_to_ingestion():
    # free: (10 − 5) GB × $0.50 = $2.50; 20 GB-months × $0.03 = $0.60 -> $3.10
    assert cost("logs", ingested_gb=10, stored_gb=20) == Decimal("3.10")
    # no free tier: 10 × $0.50 = $5.00 + $0.60 = $5.60
    assert cost("logs", ingested_gb=10, stored_gb=20, free_tier=False) == Decimal("5.60")
    # 3 GB ingested is inside the free 5 GB: storage only, 20 × $0.03
    assert cost("logs", ingested_gb=3, stored_gb=20) == Decimal("0.60")
    assert any("assumption" in note for note in logs_estimate({}).notes)


# Validation and price sets


@pytest.mark.parametrize(
    ("service", "values", "field"),
    [
        ("apigateway", {"api_type": "soap"}, "api_type"),
        ("apigateway", {"requests": -1}, "requests"),
        ("apigateway", {"api_type": "http", "request_kb": "lots"}, "request_kb"),
        ("dynamodb", {"item_kb": 401}, "item_kb"),
        ("dynamodb", {"consistency": "weak"}, "consistency"),
        ("dynamodb", {"capacity_mode": "provisioned", "rcu": "1.5"}, "rcu"),
        ("sqs", {"requests_per_message": 0}, "requests_per_message"),
        ("sqs", {"queue_type": "lifo"}, "queue_type"),
        ("sns", {"free_tier": "maybe"}, "free_tier"),
        ("stepfunctions", {"workflow_type": "express", "duration_ms": 300_001}, "duration_ms"),
        ("s3", {"storage_gb": -1}, "storage_gb"),
        ("logs", {"ingested_gb": "nan"}, "ingested_gb"),
        ("s3", {"price_set": "1999-01"}, "price_set"),
    ],
)
def test_validation_errors_name_the_field(service, values, field):
    with pytest.raises(PricingInputError) as error:
        estimate(service, values)
    assert error.value.field == field


def test_unknown_service():
    with pytest.raises(PricingInputError) as error:
        estimate("ec2", {})
    assert error.value.field == "service"
    assert "apigateway" in error.value.message


@pytest.mark.parametrize("service", sorted(set(SERVICES) - {"lambda"}))
def test_the_2017_price_set_has_no_price_for_these_services(service):
    with pytest.raises(PricingInputError) as error:
        estimate(service, {"price_set": "2017-01"})
    assert error.value.field == "price_set"
    assert "price set '2017-01'" in error.value.message


def test_every_service_has_a_price_set_field_and_answers_with_defaults():
    for name, (function, fields) in SERVICES.items():
        assert "price_set" in [item.name for item in fields], name
        result = function({})
        assert result.total >= 0 and result.lines, name
        assert result.to_dict()["service"] == name


# Properties

QUANTITIES = {
    # service, fixed inputs, the main quantity, its strategy
    "rest": ("apigateway", {"api_type": "rest"}, "requests", st.integers(0, 25_000 * M)),
    "http": ("apigateway", {"api_type": "http"}, "requests", st.integers(0, 1_000 * M)),
    "websocket": (
        "apigateway",
        {"api_type": "websocket"},
        "messages",
        st.integers(0, 2_000 * M),
    ),
    "dynamodb": ("dynamodb", {}, "reads", st.integers(0, 10**12)),
    "dynamodb_storage": ("dynamodb", {}, "storage_gb", st.integers(0, 10**6)),
    "provisioned": ("dynamodb", {"capacity_mode": "provisioned"}, "rcu", st.integers(0, 10**6)),
    "sqs": ("sqs", {}, "messages", st.integers(0, 10**10)),
    "sns": ("sns", {}, "publishes", st.integers(0, 10**10)),
    "standard": ("stepfunctions", {}, "executions", st.integers(0, 10**9)),
    "express": ("stepfunctions", {"workflow_type": "express"}, "executions", st.integers(0, 10**9)),
    "s3": ("s3", {}, "storage_gb", st.integers(0, 10**6)),
    "logs": ("logs", {}, "ingested_gb", st.integers(0, 10**6)),
}


@pytest.mark.parametrize("case", sorted(QUANTITIES))
def test_never_negative_and_monotonic(case):
    service, fixed, field, amounts = QUANTITIES[case]

    @settings(max_examples=40, deadline=None)
    @given(amounts, amounts, st.booleans())
    def check(a, b, free):
        low, high = sorted((a, b))
        values = {**fixed, "free_tier": free}
        cost_low = cost(service, **values, **{field: low})
        cost_high = cost(service, **values, **{field: high})
        assert 0 <= cost_low <= cost_high
        # the free tier never makes a bill negative, and never makes it larger
        assert 0 <= cost_low <= cost(service, **{**values, "free_tier": False}, **{field: low})

    check()


def _tier_boundaries():
    current = price_set("current")
    cases = [
        ("apigateway", {"api_type": "rest"}, "requests", "apigateway.rest.requests"),
        ("apigateway", {"api_type": "http"}, "requests", "apigateway.http.requests"),
        ("apigateway", {"api_type": "websocket"}, "messages", "apigateway.websocket.messages"),
        ("s3", {"put_requests": 0, "get_requests": 0}, "storage_gb", "s3.standard.storage"),
    ]
    for service, fixed, field, key in cases:
        price = current.price(key)
        for below, above in zip(price.tiers, price.tiers[1:], strict=False):
            yield pytest.param(service, fixed, field, below, above, price.per, id=f"{key}@{below.upto}")


@pytest.mark.parametrize(("service", "fixed", "field", "below", "above", "per"), list(_tier_boundaries()))
def test_continuous_across_tier_boundaries(service, fixed, field, below, above, per):
    boundary = int(below.upto)

    @settings(max_examples=25, deadline=None)
    @given(st.integers(1, 1000))
    def check(epsilon):
        at = cost(service, **fixed, **{field: boundary})
        after = cost(service, **fixed, **{field: boundary + epsilon})
        before = cost(service, **fixed, **{field: boundary - epsilon})
        # one step past the boundary costs the next tier's price × ε; one step before, this tier's
        assert 0 <= after - at <= above.price * epsilon / per
        assert after - at == above.price * epsilon / per
        assert at - before == below.price * epsilon / per

    check()


@pytest.mark.parametrize(
    ("service", "values", "field", "boundary", "price_per_unit"),
    [
        # free-tier edges: nothing just below, the unit price just above
        ("sqs", {"requests_per_message": 1}, "messages", M, Decimal("0.40") / M),
        ("sns", {}, "publishes", M, Decimal("0.50") / M),
        (
            "stepfunctions",
            {"transitions_per_execution": 1},
            "executions",
            4000,
            Decimal("0.000025"),
        ),
        ("logs", {"stored_gb": 0}, "ingested_gb", 5, Decimal("0.50")),
        ("dynamodb", {"reads": 0, "writes": 0}, "storage_gb", 25, Decimal("0.25")),
    ],
)
def test_continuous_across_free_tier_edges(service, values, field, boundary, price_per_unit):
    @settings(max_examples=25, deadline=None)
    @given(st.integers(1, 1000))
    def check(epsilon):
        at = cost(service, **values, **{field: boundary})
        assert at == 0
        after = cost(service, **values, **{field: boundary + epsilon})
        assert after == price_per_unit * epsilon

    check()
