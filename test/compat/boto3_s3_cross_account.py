"""Account two tries every S3 operation on account one's bucket with unchanged boto3 code.

Account one's credentials come from the usual AWS_* variables, account two's from OTHER_ACCESS_KEY_ID and
OTHER_SECRET_ACCESS_KEY; the endpoint from AWS_ENDPOINT_URL_S3. argv[1] is account one's bucket, holding
secret.csv. Prints one JSON line with what each call answered.
"""
import io
import json
import os
import sys
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

bucket = sys.argv[1]
config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, region_name="us-east-1")
one = boto3.client("s3", config=config)
two = boto3.client(
    "s3",
    config=config,
    aws_access_key_id=os.environ["OTHER_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["OTHER_SECRET_ACCESS_KEY"],
)
seen = {"refused": {}}


def outcome(call):
    try:
        call()
        return ["succeeded", None]
    except ClientError as error:
        return [error.response["ResponseMetadata"]["HTTPStatusCode"], error.response["Error"]["Code"]]


def snapshot():
    objects = {}
    for item in one.list_objects_v2(Bucket=bucket).get("Contents", []):
        objects[item["Key"]] = one.get_object(Bucket=bucket, Key=item["Key"])["Body"].read().decode()
    return objects


before = snapshot()
two.create_bucket(Bucket="boto-account-two")
upload_id = one.create_multipart_upload(Bucket=bucket, Key="pending.csv")["UploadId"]
attempts = {
    "head_bucket": lambda: two.head_bucket(Bucket=bucket),
    "get_bucket_location": lambda: two.get_bucket_location(Bucket=bucket),
    "list_objects": lambda: two.list_objects(Bucket=bucket),
    "list_objects_v2": lambda: two.list_objects_v2(Bucket=bucket),
    "get_object": lambda: two.get_object(Bucket=bucket, Key="secret.csv"),
    "head_object": lambda: two.head_object(Bucket=bucket, Key="secret.csv"),
    "put_object_new": lambda: two.put_object(Bucket=bucket, Key="planted.csv", Body=b"x"),
    "put_object_overwrite": lambda: two.put_object(Bucket=bucket, Key="secret.csv", Body=b"x"),
    "delete_object": lambda: two.delete_object(Bucket=bucket, Key="secret.csv"),
    "delete_objects": lambda: two.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "secret.csv"}]}),
    "copy_object_from": lambda: two.copy_object(
        Bucket="boto-account-two", Key="stolen.csv", CopySource={"Bucket": bucket, "Key": "secret.csv"}
    ),
    "copy_object_into": lambda: two.copy_object(
        Bucket=bucket, Key="secret.csv", CopySource={"Bucket": "boto-account-two", "Key": "nothing.csv"}
    ),
    "create_multipart_upload": lambda: two.create_multipart_upload(Bucket=bucket, Key="mp.csv"),
    "upload_part": lambda: two.upload_part(
        Bucket=bucket, Key="pending.csv", UploadId=upload_id, PartNumber=1, Body=b"x"
    ),
    "list_parts": lambda: two.list_parts(Bucket=bucket, Key="pending.csv", UploadId=upload_id),
    "list_multipart_uploads": lambda: two.list_multipart_uploads(Bucket=bucket),
    "complete_multipart_upload": lambda: two.complete_multipart_upload(
        Bucket=bucket,
        Key="pending.csv",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"0"'}]},
    ),
    "abort_multipart_upload": lambda: two.abort_multipart_upload(Bucket=bucket, Key="pending.csv", UploadId=upload_id),
    "get_bucket_cors": lambda: two.get_bucket_cors(Bucket=bucket),
    "put_bucket_cors": lambda: two.put_bucket_cors(
        Bucket=bucket, CORSConfiguration={"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]}
    ),
    "delete_bucket_cors": lambda: two.delete_bucket_cors(Bucket=bucket),
    "delete_bucket": lambda: two.delete_bucket(Bucket=bucket),
    "upload_fileobj": lambda: two.upload_fileobj(io.BytesIO(b"x" * 10), bucket, "managed.csv"),
    "download_fileobj": lambda: two.download_fileobj(bucket, "secret.csv", io.BytesIO()),
}
for name, attempt in attempts.items():
    seen["refused"][name] = outcome(attempt)

seen["buckets_one"] = [b["Name"] for b in one.list_buckets()["Buckets"]]
seen["buckets_two"] = [b["Name"] for b in two.list_buckets()["Buckets"]]
seen["create_taken"] = outcome(lambda: two.create_bucket(Bucket=bucket))


def fetch(url):
    try:
        with urllib.request.urlopen(url) as response:
            return [response.status, response.read().decode()]
    except urllib.error.HTTPError as error:
        return [error.code, error.read().decode()]


seen["presigned_two"] = fetch(
    two.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "secret.csv"}, ExpiresIn=60)
)
seen["presigned_one"] = fetch(
    one.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "secret.csv"}, ExpiresIn=60)
)
# boto3 presigns with signature version 2 by default here; both versions must carry their signer's rights.
v4 = boto3.client(
    "s3",
    config=Config(s3={"addressing_style": "path"}, signature_version="s3v4", region_name="us-east-1"),
    aws_access_key_id=os.environ["OTHER_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["OTHER_SECRET_ACCESS_KEY"],
)
seen["presigned_two_v4"] = fetch(
    v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "secret.csv"}, ExpiresIn=60)
)
tampered = one.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "secret.csv"}, ExpiresIn=60)
seen["presigned_one_tampered"] = fetch(tampered.replace("Signature=", "Signature=A"))
seen["unchanged"] = snapshot() == before
seen["object_count"] = len(before)
print(json.dumps(seen))
