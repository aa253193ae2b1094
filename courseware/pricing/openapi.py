"""The pricing API's OpenAPI description, generated from the engine's own input fields."""

from .engine import lambda_, scenario
from .engine.registry import SERVICES

KIND = {
    "int": {"type": "integer"},
    "decimal": {"type": "number"},
    "bool": {"type": "boolean"},
    "choice": {"type": "string"},
}

ERROR = {
    "description": "Bad input: the field and what is wrong with it",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
ESTIMATE = {
    "description": "The estimate with its working",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Estimate"}}},
}


def parameters(fields) -> list[dict]:
    result = []
    for field in fields:
        schema = dict(KIND[field.kind])
        if field.choices:
            schema["enum"] = list(field.choices)
        if field.default is not None:
            schema["default"] = field.default if isinstance(field.default, bool | int | str) else str(field.default)
        if field.minimum is not None:
            schema["minimum"] = float(field.minimum) if field.kind == "decimal" else field.minimum
        if field.maximum is not None:
            schema["maximum"] = float(field.maximum) if field.kind == "decimal" else field.maximum
        description = field.help + (f" ({field.unit})" if field.unit else "")
        result.append(
            {
                "name": field.name,
                "in": "query",
                "required": False,
                "description": description,
                "schema": schema,
            }
        )
    return result


def operation(summary: str, fields, ok: dict = ESTIMATE) -> dict:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters(fields),
            "responses": {"200": ok, "400": ERROR},
        }
    }


LINE = {
    "type": "object",
    "properties": {
        name: {"type": "string"}
        for name in ("service", "label", "quantity", "unit", "unit_price", "cost", "cost_usd", "formula")
    }
    | {"per": {"type": "integer"}},
}
SCHEMAS = {
    "Line": LINE,
    "Estimate": {
        "type": "object",
        "required": ["total_usd", "lines", "price_set"],
        "properties": {
            "service": {"type": "string"},
            "total_usd": {"type": "string", "description": "Decimal string, rounded to cents"},
            "total_exact_usd": {"type": "string"},
            "lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line"}},
            "notes": {"type": "array", "items": {"type": "string"}},
            "inputs": {"type": "object"},
            "price_set": {
                "type": "object",
                "properties": {k: {"type": "string"} for k in ("name", "title", "region", "date")},
            },
        },
    },
    "Error": {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            }
        },
    },
}
FREE_FORM = {"description": "JSON result", "content": {"application/json": {"schema": {"type": "object"}}}}


def paths() -> dict:
    """One path per service's estimate, and the sweep, comparison and scenario beside them."""
    found = {
        f"/api/pricing/{name}": operation(f"Estimate the monthly cost of {name}", fields)
        for name, (_function, fields) in SERVICES.items()
    }
    found["/api/pricing/lambda/sweep"] = operation(
        "Project cost and duration at every memory size (teaching model)",
        [*lambda_.FIELDS, lambda_.Field("points", "int", 40, "How many memory sizes", "", 2, 200)],
        FREE_FORM,
    )
    found["/api/pricing/apigateway/compare"] = operation(
        "REST API against HTTP API for the same requests", SERVICES["apigateway"][1], FREE_FORM
    )
    found["/api/pricing/scenario"] = operation(
        "API Gateway → Lambda → DynamoDB + logs as one bill", scenario.FIELDS, FREE_FORM
    )
    return found


def document(*, server: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Serverless Course pricing API",
            "version": "1",
            "description": "Monthly cost estimates for AWS serverless services, each line with its working. "
            "Money is returned as decimal strings. Prices come from dated, sourced price sets.",
        },
        "servers": [{"url": server}],
        "paths": paths(),
        "components": {"schemas": SCHEMAS},
    }
