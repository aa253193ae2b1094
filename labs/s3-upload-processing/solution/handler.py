"""Makes a thumbnail and a metadata record for every photo uploaded to the uploads bucket."""

import io
import json
import os
import urllib.parse

import boto3
from PIL import Image

s3 = boto3.client("s3")
OUTPUT_BUCKET = os.environ["OUTPUT_BUCKET"]
THUMBNAIL_SIZE = (128, 128)


def handler(event, context):
    written = []
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        # S3 URL-encodes the key in the event: "été à Paris.png" arrives as "%C3%A9t%C3%A9+%C3%A0+Paris.png".
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        if bucket == OUTPUT_BUCKET:
            # Never process our own output, even if someone points the output bucket at us.
            print(f"skipping s3://{bucket}/{key}: it is this function's output")
            continue
        original = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        with Image.open(io.BytesIO(original)) as image:
            width, height, kind = image.width, image.height, image.format
            thumbnail = image.convert("RGB")  # JPEG has no alpha channel or palette
        thumbnail.thumbnail(THUMBNAIL_SIZE)  # fits the box, keeps the aspect ratio
        out = io.BytesIO()
        thumbnail.save(out, format="JPEG", quality=85)

        # Keys derived from the upload's key: a duplicate event rewrites the same objects.
        thumbnail_key = f"thumbnails/{key}"
        s3.put_object(Bucket=OUTPUT_BUCKET, Key=thumbnail_key, Body=out.getvalue(), ContentType="image/jpeg")
        metadata = {
            "key": key,
            "size": len(original),
            "width": width,
            "height": height,
            "format": kind,
            "thumbnail": thumbnail_key,
        }
        s3.put_object(
            Bucket=OUTPUT_BUCKET,
            Key=f"metadata/{key}.json",
            Body=json.dumps(metadata).encode(),
            ContentType="application/json",
        )
        print(json.dumps(metadata))
        written.append(thumbnail_key)
    return {"thumbnails": written}
