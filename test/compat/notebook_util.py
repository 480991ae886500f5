"""The notebooks' `util` module as far as the Item-Level Explainability notebook uses it: the IAM role helper, the
wait on a resource's status, and the reader of an explainability export's CSV parts. Written after the behaviour of
amazon-forecast-samples' notebooks/common/util (create_role and attach_role_policy, or on EntityAlreadyExists the
role's ARN from boto3's IAM resource; poll until ACTIVE or CREATE_FAILED), with shorter sleeps so that a test runs
in seconds: its one-minute wait for IAM propagation is left out, and it polls every 0.2 s instead of 10 s.
"""
import csv
import io
import json
import os
import shutil
import time

import boto3

FORECAST_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "forecast.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def get_or_create_iam_role(role_name):
    iam = boto3.client("iam")
    try:
        role_arn = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(FORECAST_TRUST))["Role"][
            "Arn"
        ]
        iam.attach_role_policy(RoleName=role_name, PolicyArn="arn:aws:iam::aws:policy/AmazonForecastFullAccess")
        iam.attach_role_policy(RoleName=role_name, PolicyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess")
    except iam.exceptions.EntityAlreadyExistsException:
        role_arn = boto3.resource("iam").Role(role_name).arn
    return role_arn


def delete_iam_role(role_name):
    iam = boto3.client("iam")
    iam.detach_role_policy(PolicyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess", RoleName=role_name)
    iam.detach_role_policy(PolicyArn="arn:aws:iam::aws:policy/AmazonForecastFullAccess", RoleName=role_name)
    iam.delete_role(RoleName=role_name)


def wait(callback, time_interval=0.2, timeout=300):
    """True once the described resource is ACTIVE, False on CREATE_FAILED."""
    deadline = time.time() + timeout
    while True:
        status = callback()["Status"]
        if status in ("ACTIVE", "CREATE_FAILED"):
            return status == "ACTIVE"
        if time.time() > deadline:
            raise SystemExit(f"timed out in status {status}")
        time.sleep(time_interval)


def read_explainability_export(bucket_name, s3_path, local_dir):
    """As the notebook's reader: every object under the prefix whose key contains "csv" and is not empty is
    downloaded through boto3's S3 resource, then each file is read with its header row; returns all rows."""
    s3 = boto3.resource("s3")
    depth = len(s3_path.split("/")) - 1
    if os.path.isdir(local_dir):
        shutil.rmtree(local_dir)
    os.makedirs(local_dir)
    for part in s3.Bucket(bucket_name).objects.filter(Prefix=s3_path):
        if "csv" in part.key and s3.Object(bucket_name, part.key).content_length > 0:
            s3.Bucket(bucket_name).download_file(part.key, os.path.join(local_dir, part.key.split("/")[depth]))
    rows = []
    for entry in sorted(os.listdir(local_dir)):
        with open(os.path.join(local_dir, entry), newline="") as f:
            rows.extend(csv.DictReader(io.StringIO(f.read())))
    return rows
