"""The payment service: charge an order's total, and refund it.

Every order has one item in OrdersTable (key `order_id`) that records what happened to it:
`attempts` (charge attempts), `payment_status` (CHARGED, REFUNDED) and, once shipped, `tracking_number`.

The payment provider is not always reliable. An order with `"payment": "flaky"` stands for a
provider that times out on the first attempt and answers the second; `"payment": "declined"` is a
card the bank refuses, however many times you ask.
"""

import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE"])


class PaymentGatewayTimeout(Exception):
    """The provider did not answer: worth trying again."""


class PaymentDeclined(Exception):
    """The bank said no: trying again will not change its mind."""


def charge(event, context):
    order_id = event["order_id"]
    attempt = table.update_item(
        Key={"order_id": order_id},
        UpdateExpression="ADD attempts :one",
        ExpressionAttributeValues={":one": 1},
        ReturnValues="UPDATED_NEW",
    )["Attributes"]["attempts"]
    print(f"charging order {order_id}, attempt {attempt}")
    if event.get("payment") == "declined":
        raise PaymentDeclined(f"the card for order {order_id} was declined")
    if event.get("payment") == "flaky" and attempt == 1:
        raise PaymentGatewayTimeout(f"the payment provider did not answer for order {order_id}")
    payment_id = f"pay-{order_id}"  # one payment per order: a retry never charges twice
    table.update_item(
        Key={"order_id": order_id},
        UpdateExpression="SET payment_status = :charged, payment_id = :id, amount = :amount",
        ExpressionAttributeValues={":charged": "CHARGED", ":id": payment_id, ":amount": str(event["total"])},
    )
    return {"payment_id": payment_id, "amount": event["total"]}


def refund(event, context):
    order_id = event["order_id"]
    print(f"refunding order {order_id}")
    table.update_item(
        Key={"order_id": order_id},
        UpdateExpression="SET payment_status = :refunded",
        ExpressionAttributeValues={":refunded": "REFUNDED"},
    )
    return {"refunded": order_id}
