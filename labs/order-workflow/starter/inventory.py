"""The warehouse: reserve the items of an order, or say that one is out of stock."""

OUT_OF_STOCK = {"LAMP-9"}  # sold out until next season


class OutOfStock(Exception):
    """An item cannot be reserved: no retry will bring it back."""


def reserve(event, context):
    missing = [item["sku"] for item in event["items"] if item["sku"] in OUT_OF_STOCK]
    if missing:
        raise OutOfStock(f"out of stock for order {event['order_id']}: {', '.join(missing)}")
    print(f"reserved {len(event['items'])} item(s) for order {event['order_id']}")
    return {"reservation_id": f"res-{event['order_id']}"}
