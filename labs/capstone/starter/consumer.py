"""The queue's consumer (see the brief). Not built yet."""


def handler(event, context):
    raise NotImplementedError("the consumer is not built yet")
