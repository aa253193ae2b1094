import json
import os

cold_start = True  # module level: runs once per execution environment


def handler(event, context):
    global cold_start
    was_cold, cold_start = cold_start, False
    print("received", json.dumps(event))
    name = event.get("name") or "world"
    greeting = os.environ.get("GREETING", "Hello")
    return {
        "message": f"{greeting}, {name}!",
        "function": context.function_name,
        "memory_mb": int(context.memory_limit_in_mb),
        "request_id": context.aws_request_id,
        "cold_start": was_cold,
    }
