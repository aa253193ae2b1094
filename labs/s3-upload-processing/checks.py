"""Checks for S3 upload processing. Each gets `lab` (a LabContext bound to a fresh account).

The checks upload real PNGs to UploadsBucket with boto3 and watch what S3's notification makes
the function write to OutputBucket. S3 invokes the function asynchronously, so every check waits
for the effect (`lab.wait_until`) instead of reading a response.

A solution that writes back into the bucket that triggers it would invoke itself forever, and
the lab backend has no recursive loop detection: the loop check counts invocations for one
upload and, when it sees a loop (or a write back into the uploads bucket that could start one),
removes the buckets' notifications itself, taking the trigger away, so grading always ends.
"""

import json
import struct
import uuid
import zlib

from courseware.labrunner.grading import Fail, check

UPLOADS, OUTPUT = "UploadsBucket", "OutputBucket"
BOX = 128  # the thumbnail must fit in 128 x 128
WAIT_S = 10  # the first invocation is a cold start that imports Pillow
QUIET_S = 2.0  # a loop's next round usually comes within this (a write back into UploadsBucket brakes anyway)


# -- images without Pillow (the grader does not install it) -------------------------------------
def png(width: int, height: int) -> bytes:
    """An RGB PNG with a gradient (so its thumbnail is not trivially compressible)."""
    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in (x * 255 // width, y * 255 // height, 128))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a JPEG's start-of-frame marker, or None if `data` is not a JPEG."""
    if not data.startswith(b"\xff\xd8"):
        return None
    at = 2
    while at + 9 < len(data):
        if data[at] != 0xFF:
            return None
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2 : at + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + length
    return None


# -- helpers ------------------------------------------------------------------------------------
def upload(lab, name: str, width: int, height: int) -> tuple[str, bytes]:
    """Uploads a width x height PNG as uploads/<name>; returns its key and bytes."""
    if lab.__dict__.get("_braked"):
        raise Fail("Not run: the grader removed the buckets' notifications (see the recursive loop check).")
    key, body = f"uploads/{name}", png(width, height)
    lab.__dict__.setdefault("_uploaded", set()).add(key)
    logs = lab.logs()  # what the function had logged before this upload's event
    lab.__dict__.setdefault("_before", {})[key] = (finished(logs), len(errors_in(logs)))
    lab.client("s3").put_object(Bucket=lab.resource(UPLOADS), Key=key, Body=body, ContentType="image/png")
    return key, body


def output(lab, key: str) -> bytes | None:
    s3 = lab.client("s3")
    try:
        return s3.get_object(Bucket=lab.resource(OUTPUT), Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None


def invocations(lab) -> int:
    return lab.logs().count("START RequestId:")


def finished(logs: str) -> int:
    """Invocations that have ended: Lambda writes REPORT after the handler returned or failed."""
    return logs.count("REPORT RequestId:")


def errors_in(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("[ERROR]")]


def wait_for_output(lab, key: str, upload_key: str) -> bytes:
    """The object `key` of OutputBucket once the function has written it for the upload
    `upload_key`; a Fail naming the function's error, or what it did not write, otherwise."""
    ended, failures = lab.__dict__["_before"][upload_key]

    def ready():
        found = output(lab, key)
        if found is not None:
            return found
        logs = lab.logs()
        errors = errors_in(logs)
        if len(errors) > failures:
            return Fail(f"ThumbnailFunction failed: {errors[-1].removeprefix('[ERROR] ')}")
        if finished(logs) > ended and output(lab, key) is None:  # it ran for the upload and returned
            return Fail(f"ThumbnailFunction ran for {upload_key} without writing {key} to OutputBucket.")
        return None

    found = lab.wait_until(ready, timeout=WAIT_S, interval=0.3)
    if isinstance(found, Fail):
        raise found
    if found is None:
        raise Fail(f"Nothing appeared at {key} in OutputBucket within {WAIT_S} s of the upload.")
    return found


def photo(lab) -> dict:
    """One 300 x 200 photo uploaded and its thumbnail read (several checks look at the same one)."""
    if "_photo" not in lab.__dict__:
        key, body = upload(lab, f"photo-{uuid.uuid4().hex[:8]}.png", 300, 200)
        lab.__dict__["_photo"] = {"key": key, "body": body, "thumbnail": wait_for_output(lab, f"thumbnails/{key}", key)}
    return lab.__dict__["_photo"]


def s3_grants(lab) -> list[dict]:
    """The statements of ThumbnailFunction's resource policy that name S3 as the principal."""
    client = lab.client("lambda")
    try:
        policy = json.loads(client.get_policy(FunctionName=lab.function_name)["Policy"])
    except client.exceptions.ResourceNotFoundException:
        return []
    return [s for s in policy["Statement"] if (s.get("Principal") or {}).get("Service") == "s3.amazonaws.com"]


def brake(lab) -> None:
    """Stops a recursive loop: no bucket notifies anything any more (later uploads are pointless)."""
    lab.__dict__["_braked"] = True
    for bucket in (UPLOADS, OUTPUT):
        lab.client("s3").put_bucket_notification_configuration(
            Bucket=lab.resource(bucket), NotificationConfiguration={}
        )


# -- checks -------------------------------------------------------------------------------------
@check(
    points=2,
    hints=[
        "Deploy the starter and read the error. Who is S3 asking for permission, and where would "
        "that permission be written?",
        "S3 may only invoke a function whose resource policy allows `s3.amazonaws.com`: add an "
        "`AWS::Lambda::Permission` (and `DependsOn` it from the bucket), or use SAM's `Events: S3`. Read "
        "[letting S3 invoke your function](lessons/s3#letting-s3-invoke-your-function).",
    ],
)
def uploads_notify_the_function(lab):
    """UploadsBucket notifies ThumbnailFunction, and the function lets S3 invoke it"""
    config = lab.client("s3").get_bucket_notification_configuration(Bucket=lab.resource(UPLOADS))
    arn = lab.configuration()["FunctionArn"]
    targets = [c for c in config.get("LambdaFunctionConfigurations", []) if c["LambdaFunctionArn"] == arn]
    if not targets:
        raise Fail("UploadsBucket has no notification to ThumbnailFunction.")
    if not any(e.startswith("s3:ObjectCreated:") for c in targets for e in c["Events"]):
        raise Fail("UploadsBucket's notification should be for s3:ObjectCreated:* events.")
    if not s3_grants(lab):
        raise Fail("ThumbnailFunction's resource policy has no statement that lets s3.amazonaws.com invoke it.")
    return "UploadsBucket → ThumbnailFunction, granted."


@check(
    points=2,
    hints=[
        "Upload one photo and count how many times the function ran. Where does its output go, and"
        " does that place notify the function too?",
        "Write the output to a second bucket (or filter the notification to a prefix the output "
        "never uses). Read [event notifications to "
        "Lambda](lessons/s3#event-notifications-to-lambda), point 3.",
    ],
)
def one_upload_one_invocation(lab):
    """One upload invokes the function once: no recursive loop"""
    before, failures = invocations(lab), len(errors_in(lab.logs()))
    key, _ = upload(lab, f"loop-{uuid.uuid4().hex[:8]}.png", 64, 48)
    if not lab.wait_until(lambda: invocations(lab) > before, timeout=WAIT_S, interval=0.3):
        raise Fail(f"Uploading {key} to UploadsBucket did not invoke ThumbnailFunction within {WAIT_S} s.")
    lab.wait_until(lambda: invocations(lab) > before + 1, timeout=QUIET_S, interval=0.3)  # a loop's next round
    count = invocations(lab) - before
    listed = lab.client("s3").list_objects_v2(Bucket=lab.resource(UPLOADS)).get("Contents", [])
    written = sorted({o["Key"] for o in listed} - lab.__dict__["_uploaded"], key=len)
    if written and count == 1:  # its write is a new upload: give the loop's next round time to show
        lab.wait_until(lambda: invocations(lab) > before + 1, timeout=WAIT_S / 2, interval=0.3)
        count = invocations(lab) - before
    retried = len(errors_in(lab.logs())) > failures  # Lambda retries a failed asynchronous event: not a loop
    looping = count > 1 and (written or not retried)
    if looping or written:
        brake(lab)  # a loop runs until the account is deleted; a write into UploadsBucket can start one
    if looping:
        where = f" It wrote {written[0]!r} into UploadsBucket, a new upload." if written else ""
        raise Fail(
            f"One upload invoked ThumbnailFunction {count} times in a few seconds: it triggers itself.{where} "
            "The grader removed the buckets' notifications to stop the loop."
        )
    if written:
        raise Fail(
            f"ThumbnailFunction wrote {written[0]!r} into UploadsBucket, the bucket that triggers it: write its "
            "output to OutputBucket. The grader removed the buckets' notifications in case it loops."
        )
    return "One upload, one invocation; nothing written back into UploadsBucket."


@check(
    points=3,
    hints=[
        "Upload a PNG to `uploads/` and list OutputBucket. Is there anything under `thumbnails/`?",
        "Open the upload with Pillow, `convert('RGB')`, `thumbnail((128, 128))`, save it as JPEG and "
        "`put_object` it to `thumbnails/<key>` in `OUTPUT_BUCKET`. Read [worked example: a thumbnail "
        "generator](lessons/s3#worked-example-a-thumbnail-generator).",
    ],
)
def thumbnail_in_the_output_bucket(lab):
    """Each upload gets a JPEG thumbnail that fits in 128 x 128, in OutputBucket"""
    found = photo(lab)
    size = jpeg_size(found["thumbnail"])
    if size is None:
        raise Fail(f"thumbnails/{found['key']} is not a JPEG.")
    if max(size) > BOX:
        raise Fail(f"The thumbnail of a 300 x 200 photo is {size[0]} x {size[1]}; it should fit in {BOX} x {BOX}.")
    if max(size) < BOX // 2:
        raise Fail(f"The thumbnail of a 300 x 200 photo is only {size[0]} x {size[1]}; fill the {BOX}-pixel box.")
    return f"A 300 x 200 PNG became a {size[0]} x {size[1]} JPEG."


@check(
    points=2,
    hints=[
        "What does the metadata record say about the photo, and where is it?",
        "Write JSON with `key`, `size` (bytes), `width`, `height` and `format` to "
        "`metadata/<key>.json` in OutputBucket. Read [buckets, keys and "
        "objects](lessons/s3#buckets-keys-and-objects).",
    ],
)
def metadata_in_the_output_bucket(lab):
    """Each upload gets a JSON metadata record in OutputBucket"""
    found = photo(lab)
    text = wait_for_output(lab, f"metadata/{found['key']}.json", found["key"])
    try:
        record = json.loads(text)
    except ValueError:
        raise Fail(f"metadata/{found['key']}.json is not JSON.") from None
    expected = {"key": found["key"], "size": len(found["body"]), "width": 300, "height": 200}
    wrong = [f"{name} should be {value!r}" for name, value in expected.items() if record.get(name) != value]
    if str(record.get("format", "")).upper() != "PNG":
        wrong.append("format should be 'PNG'")
    if wrong:
        raise Fail(f"In metadata/{found['key']}.json: {'; '.join(wrong)}.")
    return "key, size, width, height and format recorded."


@check(
    points=2,
    hints=[
        "Upload a photo whose name has a space and an accent, and read the function's error. Which"
        " key did it ask S3 for?",
        "S3 URL-encodes keys in events (a space becomes `+`): decode them with "
        "`urllib.parse.unquote_plus`. Read [event notifications to "
        "Lambda](lessons/s3#event-notifications-to-lambda), point 1.",
    ],
)
def keys_with_spaces_and_accents(lab):
    """A photo named with spaces and accents is processed under its own name"""
    key, _ = upload(lab, f"été à Paris {uuid.uuid4().hex[:6]}.png", 200, 200)
    thumbnail = wait_for_output(lab, f"thumbnails/{key}", key)
    if jpeg_size(thumbnail) is None:
        raise Fail(f"thumbnails/{key} is not a JPEG.")
    return f"{key!r} → thumbnails/{key}"


@check(
    points=1,
    hidden=True,
    hints=[
        "Upload a wide photo (400 x 100). What shape is its thumbnail?",
        "`Image.thumbnail` keeps the aspect ratio; `resize((128, 128))` does not. Read [worked "
        "example: a thumbnail generator](lessons/s3#worked-example-a-thumbnail-generator).",
    ],
)
def thumbnail_keeps_the_aspect_ratio(lab):
    """A wide photo keeps its shape"""
    key, _ = upload(lab, f"wide-{uuid.uuid4().hex[:8]}.png", 400, 100)
    size = jpeg_size(wait_for_output(lab, f"thumbnails/{key}", key))
    if size is None or size[0] != BOX or not 30 <= size[1] <= 34:
        raise Fail(f"The thumbnail of a 400 x 100 photo should be 128 x 32, not {size}.")
    return "400 x 100 → 128 x 32."


@check(
    points=1,
    hidden=True,
    hints=[
        "Could a bucket in another account invoke your function with this grant?",
        "Give the permission a `SourceArn` (the uploads bucket's ARN) or a `SourceAccount`. Read "
        "[letting S3 invoke your function](lessons/s3#letting-s3-invoke-your-function).",
    ],
)
def grant_names_the_bucket_or_account(lab):
    """S3's permission is limited to the uploads bucket or this account"""
    bucket_arn = f"arn:aws:s3:::{lab.resource(UPLOADS)}"
    account = lab.configuration()["FunctionArn"].split(":")[4]
    for statement in s3_grants(lab):
        tests = (statement.get("Condition") or {}).values()
        conditions = {key.lower(): value for test in tests for key, value in test.items()}  # "AWS:SourceArn"
        if conditions.get("aws:sourcearn") == bucket_arn or conditions.get("aws:sourceaccount") == account:
            return "The grant is scoped."
    raise Fail("Any bucket, in any account, may invoke ThumbnailFunction: add a SourceArn or SourceAccount.")
