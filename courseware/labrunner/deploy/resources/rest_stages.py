"""A REST API's stages and who may call them: deployments, stages, API keys and usage plans,
stored as API Gateway would store them.

Applied after the API itself (`.rest_api`): the stage a deployment creates, the stages a
template declares, and the keys and plans that govern who may call which stage.
"""

from ...client.aws import AccountAws
from .naming import generated_name, patch_value, tags_of

METHOD_SETTINGS = {
    "ThrottlingBurstLimit": "throttling/burstLimit",
    "ThrottlingRateLimit": "throttling/rateLimit",
    "LoggingLevel": "logging/loglevel",
    "DataTraceEnabled": "logging/dataTrace",
    "MetricsEnabled": "metrics/enabled",
    "CachingEnabled": "caching/enabled",
    "CacheTtlInSeconds": "caching/ttlInSeconds",
    "CacheDataEncrypted": "caching/dataEncrypted",
}


def rest_deployment(aws: AccountAws, logical_id: str, properties: dict, created: dict) -> str:
    args = {"restApiId": properties["RestApiId"]}
    stage = properties.get("StageDescription") or {}
    optional = {
        "stageName": properties.get("StageName"),
        "description": properties.get("Description"),
        "variables": stage.get("Variables"),
    }
    args |= {key: value for key, value in optional.items() if value}
    return aws.client("apigateway").create_deployment(**args)["id"]


def rest_stage(aws: AccountAws, logical_id: str, properties: dict, created: dict) -> str:
    client, name = aws.client("apigateway"), properties["StageName"]
    args = {"restApiId": properties["RestApiId"], "stageName": name, "deploymentId": properties["DeploymentId"]}
    optional = {
        "description": properties.get("Description"),
        "variables": properties.get("Variables"),
        "cacheClusterEnabled": properties.get("CacheClusterEnabled"),
        "cacheClusterSize": properties.get("CacheClusterSize"),
        "tracingEnabled": properties.get("TracingEnabled"),
        "tags": tags_of(properties) or None,
    }
    args |= {key: value for key, value in optional.items() if value is not None}
    if "variables" in args:
        args["variables"] = {key: str(value) for key, value in args["variables"].items()}
    client.create_stage(**args)
    patches = []
    for setting in properties.get("MethodSettings") or []:
        resource = str(setting.get("ResourcePath", "/*"))
        resource = "*" if resource == "/*" else resource.replace("/", "~1")
        prefix = f"/{resource}/{setting.get('HttpMethod', '*')}/"
        patches += [
            {"op": "replace", "path": prefix + path, "value": patch_value(setting[key])}
            for key, path in METHOD_SETTINGS.items()
            if key in setting
        ]
    for key, value in (properties.get("AccessLogSetting") or {}).items():
        path = "/accessLogSettings/" + key[0].lower() + key[1:]
        patches.append({"op": "replace", "path": path, "value": str(value)})
    if patches:
        client.update_stage(restApiId=args["restApiId"], stageName=name, patchOperations=patches)
    return name


def api_key(aws: AccountAws, logical_id: str, properties: dict, created: dict) -> str:
    args = {
        "name": properties.get("Name") or generated_name(logical_id),
        "enabled": bool(properties.get("Enabled", False)),
    }
    optional = {
        "description": properties.get("Description"),
        "value": properties.get("Value"),
        "customerId": properties.get("CustomerId"),
        "generateDistinctId": properties.get("GenerateDistinctId"),
        "tags": tags_of(properties) or None,
    }
    args |= {key: value for key, value in optional.items() if value is not None}
    stage_keys = [
        {"restApiId": key["RestApiId"], "stageName": key["StageName"]} for key in properties.get("StageKeys") or []
    ]
    if stage_keys:
        args["stageKeys"] = stage_keys
    return aws.client("apigateway").create_api_key(**args)["id"]


def throttle(settings: dict) -> dict:
    found = {}
    if "BurstLimit" in settings:
        found["burstLimit"] = int(settings["BurstLimit"])
    if "RateLimit" in settings:
        found["rateLimit"] = float(settings["RateLimit"])
    return found


def usage_plan(aws: AccountAws, logical_id: str, properties: dict, created: dict) -> str:
    args: dict = {"name": properties.get("UsagePlanName") or generated_name(logical_id)}
    if properties.get("Description"):
        args["description"] = properties["Description"]
    stages = []
    for stage in properties.get("ApiStages") or []:
        entry = {"apiId": stage["ApiId"], "stage": stage["Stage"]}
        if stage.get("Throttle"):
            entry["throttle"] = {path: throttle(value) for path, value in stage["Throttle"].items()}
        stages.append(entry)
    if stages:
        args["apiStages"] = stages
    if properties.get("Throttle"):
        args["throttle"] = throttle(properties["Throttle"])
    quota = properties.get("Quota") or {}
    if quota:
        args["quota"] = {"period": str(quota["Period"]).upper(), "limit": int(quota["Limit"])}
        if "Offset" in quota:
            args["quota"]["offset"] = int(quota["Offset"])
    if tags_of(properties):
        args["tags"] = tags_of(properties)
    return aws.client("apigateway").create_usage_plan(**args)["id"]


def usage_plan_key(aws: AccountAws, logical_id: str, properties: dict, created: dict) -> str:
    aws.client("apigateway").create_usage_plan_key(
        usagePlanId=properties["UsagePlanId"],
        keyId=properties["KeyId"],
        keyType=properties.get("KeyType", "API_KEY"),
    )
    return properties["KeyId"]
