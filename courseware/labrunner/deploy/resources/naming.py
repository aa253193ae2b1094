"""What CloudFormation does the same way for every resource it creates: the stack they belong
to, the physical names it makes up, tags, and property values written into patch operations."""

import secrets
import string

STACK = "lab"  # every lab deploys one stack, replaced on each deploy


def generated_name(logical_id: str) -> str:
    """A physical name as CloudFormation makes one up: stack-logicalid-RANDOM."""
    suffix = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(12))
    return f"{STACK}-{logical_id}-{suffix}"


def tags_of(properties: dict) -> dict[str, str]:
    tags = properties.get("Tags") or {}
    if isinstance(tags, list):  # [{Key, Value}] on AWS::ApiGateway::*
        return {str(tag["Key"]): str(tag["Value"]) for tag in tags}
    return {str(key): str(value) for key, value in tags.items()}


def patch_value(value) -> str:
    """A boolean or number as a patch operation's value."""
    return str(value).lower() if isinstance(value, bool) else str(value)
