"""The STS call and IAM role helper of AWS's Forecast notebooks, run unchanged against OpenForecast.

`get_or_create_iam_role` and `delete_iam_role` are written as the notebooks' util module writes them (without its
one-minute sleep for IAM propagation); then the role is used for a Forecast import, errors are provoked, and the
role is taken apart again. Only the endpoint variables (AWS_ENDPOINT_URL_STS, _IAM, _FORECAST, _S3) point boto3 at
OpenForecast. Prints one JSON line with what it observed; exits non-zero on failure.
"""
import json

import boto3
from botocore.exceptions import ClientError

from boto3_helpers import create_demand_dataset, wait

seen = {}


def get_or_create_iam_role(role_name):
    iam = boto3.client("iam")
    assume_role_policy_document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "forecast.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    try:
        create_role_response = iam.create_role(
            RoleName=role_name, AssumeRolePolicyDocument=json.dumps(assume_role_policy_document)
        )
        role_arn = create_role_response["Role"]["Arn"]
        print("Created", role_arn)
    except iam.exceptions.EntityAlreadyExistsException:
        print("The role " + role_name + " exists, ignore to create it")
        role_arn = boto3.resource("iam").Role(role_name).arn
    print("Attaching policies")
    iam.attach_role_policy(RoleName=role_name, PolicyArn="arn:aws:iam::aws:policy/AmazonForecastFullAccess")
    iam.attach_role_policy(RoleName=role_name, PolicyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess")
    print("Done.")
    return role_arn


def delete_iam_role(role_name):
    iam = boto3.client("iam")
    iam.detach_role_policy(PolicyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess", RoleName=role_name)
    iam.detach_role_policy(PolicyArn="arn:aws:iam::aws:policy/AmazonForecastFullAccess", RoleName=role_name)
    iam.delete_role(RoleName=role_name)


def error_code(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
    raise SystemExit(f"{call.__name__} did not fail")


identity = boto3.client("sts").get_caller_identity()
account_id = identity["Account"]
seen["identity"] = {k: identity[k] for k in ("Account", "UserId", "Arn")}

role_arn = get_or_create_iam_role("ForecastNotebookRole")
seen["role_arn"] = role_arn
seen["again_arn"] = get_or_create_iam_role("ForecastNotebookRole")

iam = boto3.client("iam")
role = iam.get_role(RoleName="ForecastNotebookRole")["Role"]
seen["trust_principal"] = role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"]
seen["create_date_type"] = type(role["CreateDate"]).__name__
seen["role_id_prefix"] = role["RoleId"][:4]
seen["attached"] = [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="ForecastNotebookRole")["AttachedPolicies"]]
iam.put_role_policy(
    RoleName="ForecastNotebookRole",
    PolicyName="ReadBucket",
    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}),
)

forecast = boto3.client("forecast")
s3 = boto3.client("s3")
s3.create_bucket(Bucket="notebook-bucket")
rows = ["item_id,timestamp,demand"] + [f"item_{i % 3},2024-01-{1 + i // 3:02d},{i}.5" for i in range(30)]
s3.put_object(Bucket="notebook-bucket", Key="demand.csv", Body="\n".join(rows).encode())
dataset = create_demand_dataset(forecast, "notebook_demand")
job = forecast.create_dataset_import_job(
    DatasetImportJobName="notebook_import",
    DatasetArn=dataset,
    DataSource={"S3Config": {"Path": "s3://notebook-bucket/demand.csv", "RoleArn": role_arn}},
)["DatasetImportJobArn"]
described = wait(forecast.describe_dataset_import_job, timeout=60, DatasetImportJobArn=job)
seen["import_status"] = described["Status"]
seen["import_message"] = described.get("Message")
seen["unknown_role"] = error_code(
    forecast.create_dataset_import_job,
    DatasetImportJobName="notebook_import_2",
    DatasetArn=dataset,
    DataSource={"S3Config": {"Path": "s3://notebook-bucket/demand.csv", "RoleArn": f"arn:aws:iam::{account_id}:role/NoSuchRole"}},
)

seen["errors"] = {
    "delete_attached": error_code(iam.delete_role, RoleName="ForecastNotebookRole"),
    "malformed": error_code(iam.create_role, RoleName="Broken", AssumeRolePolicyDocument="{not json"),
    "bad_name": error_code(iam.create_role, RoleName="bad name!", AssumeRolePolicyDocument="{}"),
    "missing_role": error_code(iam.get_role, RoleName="NoSuchRole"),
    "detach_unattached": error_code(
        iam.detach_role_policy, RoleName="ForecastNotebookRole", PolicyArn="arn:aws:iam::aws:policy/AWSLambdaExecute"
    ),
    "missing_inline": error_code(iam.delete_role_policy, RoleName="ForecastNotebookRole", PolicyName="Nope"),
    "same_name_other_case": error_code(
        iam.create_role, RoleName="forecastnotebookrole", AssumeRolePolicyDocument=json.dumps({"Statement": []})
    ),
}
try:
    delete_iam_role("ForecastNotebookRole")
except ClientError as e:
    seen["delete_with_inline"] = [e.response["Error"]["Code"], e.response["Error"]["Message"]]
seen["attached_after_detach"] = iam.list_attached_role_policies(RoleName="ForecastNotebookRole")["AttachedPolicies"]
iam.delete_role_policy(RoleName="ForecastNotebookRole", PolicyName="ReadBucket")
iam.delete_role(RoleName="ForecastNotebookRole")
seen["after_delete"] = error_code(iam.get_role, RoleName="ForecastNotebookRole")
print(json.dumps(seen, default=str))
