"""What runs for a low rating (see the brief). Not built yet."""


def handler(event, context):
    raise NotImplementedError("escalation is not built yet")
