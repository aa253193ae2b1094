import json


def handler(event, context):
    # TODO: greet event["name"] (or "world") using the GREETING environment variable,
    # and report the function name, memory, request id and whether this is a cold start.
    print("received", json.dumps(event))
    return {"message": "Hello, world!"}
