"""The carrier: ship an order to its address, and record the tracking number."""

import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE"])
DELIVERS_TO = {"AT", "BE", "DE", "ES", "FR", "IE", "IT", "NL", "PT", "SK"}


class ShippingUnavailable(Exception):
    """The carrier does not deliver there."""


def ship(event, context):
    order_id, country = event["order_id"], event["address"]["country"]
    if country not in DELIVERS_TO:
        raise ShippingUnavailable(f"no carrier delivers order {order_id} to {country}")
    tracking_number = f"TRK-{order_id}"
    table.update_item(
        Key={"order_id": order_id},
        UpdateExpression="SET tracking_number = :tracking",
        ExpressionAttributeValues={":tracking": tracking_number},
    )
    print(f"shipped order {order_id} to {country}: {tracking_number}")
    return {"tracking_number": tracking_number}
