"""Makes a thumbnail and a metadata record for every photo uploaded to the uploads bucket."""

import io
import os

import boto3
from PIL import Image

s3 = boto3.client("s3")
OUTPUT_BUCKET = os.environ["OUTPUT_BUCKET"]
THUMBNAIL_SIZE = (128, 128)


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]  # TODO (step 2): is this the key the photo was uploaded with?
        original = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        with Image.open(io.BytesIO(original)) as image:
            print(f"{key}: {image.format} {image.width}x{image.height}, {len(original)} bytes")
        # TODO (step 3): write a JPEG thumbnail that fits in THUMBNAIL_SIZE to
        # thumbnails/<key> and a JSON metadata record to metadata/<key>.json, in OUTPUT_BUCKET.
    return {"thumbnails": []}
