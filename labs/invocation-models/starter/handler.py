import json


def order_total(order: dict) -> float:
    """The order's total; raises ValueError when the order cannot be processed."""
    order_id = order.get("order_id")
    if not order_id:
        raise ValueError("the order has no order_id")
    items = order.get("items")
    if not items:
        raise ValueError(f"order {order_id} has no items")
    total = 0.0
    for item in items:
        # TODO (step 1): reject a quantity that is not a whole number of at least 1.
        total += item["qty"] * float(item.get("price", 0))
    return round(total, 2)


def handler(event, context):
    print("received", json.dumps(event))  # one line per attempt: the grader counts them
    try:
        total = order_total(event)
    except ValueError as error:
        # TODO (step 2): this hides the failure. Lambda sees a normal return value, so the
        # caller gets no error and an asynchronous invocation is never retried.
        print(f"rejected: {error}")
        return {"error": str(error)}
    print(f"order {event['order_id']} accepted, total {total}")
    return {"order_id": event["order_id"], "total": total}
