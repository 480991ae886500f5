"""Drives OpenForecast with unchanged boto3 code; only the endpoint differs from a program written for AWS.

Reads the endpoints and credentials from the environment as any boto3 program does (AWS_ENDPOINT_URL_FORECAST,
AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, ...). Prints one JSON line with what it observed; exits non-zero on failure.
"""
import json
import sys

import boto3
from botocore.exceptions import ClientError

from boto3_helpers import create_demand_dataset, wait

forecast = boto3.client("forecast")
s3 = boto3.client("s3")
account = sys.argv[1]
role = f"arn:aws:iam::{account}:role/ForecastAccess"
seen = {}

group = forecast.create_dataset_group(DatasetGroupName="boto_group", Domain="RETAIL")["DatasetGroupArn"]
seen["group_arn"] = group
dataset = create_demand_dataset(forecast, "boto_demand")
forecast.update_dataset_group(DatasetGroupArn=group, DatasetArns=[dataset])

s3.create_bucket(Bucket="boto-bucket")
rows = ["item_id,timestamp,demand"] + [f"item_{i % 3},2024-01-{1 + i // 3:02d} 00:00:00,{i}.5" for i in range(30)]
s3.put_object(Bucket="boto-bucket", Key="input/demand.csv", Body="\n".join(rows).encode())

job = forecast.create_dataset_import_job(
    DatasetImportJobName="boto_import",
    DatasetArn=dataset,
    DataSource={"S3Config": {"Path": "s3://boto-bucket/input/", "RoleArn": role}},
)["DatasetImportJobArn"]
described = wait(forecast.describe_dataset_import_job, timeout=60, DatasetImportJobArn=job)
seen["import_status"] = described["Status"]
seen["import_message"] = described.get("Message")
seen["demand_count"] = described.get("FieldStatistics", {}).get("demand", {}).get("Count")
seen["creation_time_type"] = type(described["CreationTime"]).__name__

try:
    forecast.describe_dataset_group(DatasetGroupArn=group + "_missing")
except ClientError as e:
    seen["missing_error"] = e.response["Error"]["Code"]

try:
    forecast.create_dataset_group(DatasetGroupName="bad-name", Domain="RETAIL")
except ClientError as e:
    seen["validation_error"] = e.response["Error"]["Code"]
    seen["validation_message"] = e.response["Error"]["Message"]

paginator = forecast.get_paginator("list_dataset_groups")
seen["paginated_groups"] = sum(len(p["DatasetGroups"]) for p in paginator.paginate(PaginationConfig={"PageSize": 1}))

print(json.dumps(seen))
