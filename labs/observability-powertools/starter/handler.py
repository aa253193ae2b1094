"""Place an order: check stock, add VAT, charge the customer.

It works, but it is hard to see inside: free-text prints, no metrics, no traces, and a retried
event charges the customer again. The steps in the instructions fix all of that.
"""

import json
from decimal import Decimal

import shop


def handler(event, context):
    # TODO (Logger): replace the prints with structured log lines that carry the order id.
    print("placing order", json.dumps(event))
    order_id = event["order_id"]
    if not shop.check_stock(event["items"]):
        print("out of stock:", order_id)
        return {"order_id": order_id, "status": "rejected", "reason": "out of stock"}
    # TODO (Metrics): time each dependency call and count the orders placed.
    rate = shop.tax_rate(event["country"])
    subtotal = sum(Decimal(str(item["price"])) * item["qty"] for item in event["items"])
    total = (subtotal * (1 + rate)).quantize(Decimal("0.01"))
    # TODO (Idempotency): a second delivery of the same order must not charge again.
    payment_id = shop.charge(order_id, event["customer_id"], total)
    print(f"order {order_id} placed, total {total}, payment {payment_id}")
    return {"order_id": order_id, "status": "placed", "total": str(total), "payment_id": payment_id}
