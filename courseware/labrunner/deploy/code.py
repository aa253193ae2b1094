"""The learner's code as Lambda receives it: one zip for function and SAM labs alike, uploaded
for a SAM lab as `sam deploy` uploads it, and the syntax errors Lambda would report only when
the function is invoked."""

import hashlib
import io
import zipfile

from botocore.exceptions import ClientError

from ..client.aws import AccountAws


def code_zip(files: dict[str, str]) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name in sorted(files):
            if name != "template.yaml":
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                zipped.writestr(info, files[name])
    return archive.getvalue()


def upload_code(aws: AccountAws, files: dict[str, str]) -> tuple[str, str]:
    bucket = f"lab-artifacts-{aws.account_id}"
    body = code_zip(files)
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
