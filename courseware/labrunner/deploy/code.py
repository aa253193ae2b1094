"""The learner's code on its way to Lambda: packages uploaded as `sam deploy` uploads them (the
zips themselves are `.packages`'), and the syntax errors Lambda would report only when invoked."""

import hashlib

from botocore.exceptions import ClientError

from ..client.aws import AccountAws


def upload_code(aws: AccountAws, body: bytes) -> tuple[str, str]:
    """A package into the account's artifacts bucket, named by its digest, as `sam deploy` does."""
    bucket = f"lab-artifacts-{aws.account_id}"
    key = hashlib.sha256(body).hexdigest()[:32] + ".zip"
    s3 = aws.client("s3")
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError:
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    return bucket, key


def syntax_warnings(files: dict[str, str]) -> list[str]:
    """Lambda accepts code that does not compile and fails on invoke; say so at deploy."""
    found = []
    for name, text in sorted(files.items()):
        if name.endswith(".py"):
            try:
                compile(text, name, "exec")
            except SyntaxError as error:
                found.append(
                    f"{name}:{error.lineno}: SyntaxError: {error.msg} "
                    "(invoking will fail with Runtime.UserCodeSyntaxError)"
                )
    return found
