"""moto's Forecast test cases (tests/test_forecast/test_forecast.py in getmoto/moto), rewritten for a real server.

moto records how AWS answers; its 21 cases (7 of them one per domain) check dataset groups: create, list,
describe, update and delete, and the errors for a bad domain, a bad name, a duplicate, a missing group and a
missing dataset. Each case here runs on an empty account (every dataset group is deleted first, as moto starts
each test from a fresh backend) and in the server's account and region instead of moto's defaults.

One check is kept apart: for a bad domain moto expects its own rendering of the enum set (a Python list, in
moto's order, after "enum value set" without a colon). AWS's validation messages read
"Member must satisfy enum value set: [A, B, ...]" in the model's order, so the case checks that form and
reports separately whether moto's literal string matched ("moto_literal").

Usage: boto3_moto_cases.py <account id>; endpoints, keys and region come from the AWS_* environment.
Prints one JSON line: {"cases": {name: null | failure}, "moto_literal": {name: bool}}.
"""

import json
import sys
import time

import boto3
from botocore.exceptions import ClientError

ACCOUNT = sys.argv[1]
client = boto3.client("forecast")
REGION = client.meta.region_name
DOMAINS = ["RETAIL", "CUSTOM", "INVENTORY_PLANNING", "EC2_CAPACITY", "WORK_FORCE", "WEB_TRAFFIC", "METRICS"]


def group_arn(name):
    return f"arn:aws:forecast:{REGION}:{ACCOUNT}:dataset-group/{name}"


def empty_account():
    for page in client.get_paginator("list_dataset_groups").paginate():
        for group in page["DatasetGroups"]:
            client.delete_dataset_group(DatasetGroupArn=group["DatasetGroupArn"])
    deadline = time.time() + 30
    while client.list_dataset_groups()["DatasetGroups"]:
        if time.time() > deadline:
            raise RuntimeError("dataset groups still listed 30 s after their deletion")
        time.sleep(0.1)


def error_of(call):
    """The (code, message) that call raises; fails the case when it succeeds."""
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    raise AssertionError("the call succeeded; an error was expected")


def expect_equal(seen, wanted):
    if seen != wanted:
        raise AssertionError(f"got {seen!r}, wanted {wanted!r}")


cases = {}
moto_literal = {}


def case(name):
    def register(fn):
        cases[name] = fn
        return fn

    return register


def create_in(domain):
    def run():
        response = client.create_dataset_group(DatasetGroupName="example_dataset_group", Domain=domain)
        expect_equal(response["ResponseMetadata"]["HTTPStatusCode"], 200)
        expect_equal(response["DatasetGroupArn"], group_arn("example_dataset_group"))

    return run


for _domain in DOMAINS:
    case(f"create dataset group in {_domain}")(create_in(_domain))


@case("create with an invalid domain")
def _():
    code, message = error_of(lambda: client.create_dataset_group(DatasetGroupName="example_dataset_group", Domain="INVALID"))
    expect_equal(code, "ValidationException")
    prefix = (
        "1 validation error detected: Value 'INVALID' at 'domain' failed to satisfy constraint: "
        "Member must satisfy enum value set: ["
    )
    if not message.startswith(prefix) or sorted(message[len(prefix) : -1].split(", ")) != sorted(DOMAINS):
        raise AssertionError(f"got {message!r}")
    moto_literal["create with an invalid domain"] = message == (
        "1 validation error detected: Value 'INVALID' at 'domain' failed to satisfy constraint: Member must "
        "satisfy enum value set ['INVENTORY_PLANNING', 'METRICS', 'RETAIL', 'EC2_CAPACITY', 'CUSTOM', "
        "'WEB_TRAFFIC', 'WORK_FORCE']"
    )


def invalid_name(name):
    def run():
        code, message = error_of(lambda: client.create_dataset_group(DatasetGroupName=name, Domain="CUSTOM"))
        expect_equal(code, "ValidationException")
        wanted = f"1 validation error detected: Value '{name}' at 'datasetGroupName' failed to satisfy constraint: Member must"
        if wanted not in message:
            raise AssertionError(f"got {message!r}")

    return run


case("create with the name ' '")(invalid_name(" "))
case("create with a 64-character name")(invalid_name("a" * 64))


@case("create a duplicate")
def _():
    client.create_dataset_group(DatasetGroupName="name", Domain="RETAIL")
    code, _message = error_of(lambda: client.create_dataset_group(DatasetGroupName="name", Domain="RETAIL"))
    expect_equal(code, "ResourceAlreadyExistsException")


@case("list: empty by default")
def _():
    expect_equal(client.list_dataset_groups()["DatasetGroups"], [])


@case("list: one group")
def _():
    client.create_dataset_group(DatasetGroupName="hello", Domain="CUSTOM")
    groups = client.list_dataset_groups()["DatasetGroups"]
    expect_equal(len(groups), 1)
    expect_equal(groups[0]["DatasetGroupArn"], group_arn("hello"))


@case("delete")
def _():
    client.create_dataset_group(DatasetGroupName="name", Domain="CUSTOM")
    client.delete_dataset_group(DatasetGroupArn=group_arn("name"))


@case("delete a missing group")
def _():
    missing = group_arn("missing")
    code, message = error_of(lambda: client.delete_dataset_group(DatasetGroupArn=missing))
    expect_equal((code, message), ("ResourceNotFoundException", f"No resource found {missing}"))


@case("update with no datasets")
def _():
    client.create_dataset_group(DatasetGroupName="name", Domain="CUSTOM")
    client.update_dataset_group(DatasetGroupArn=group_arn("name"), DatasetArns=[])


@case("update a missing group")
def _():
    missing = group_arn("test")
    code, message = error_of(lambda: client.update_dataset_group(DatasetGroupArn=missing, DatasetArns=[]))
    expect_equal((code, message), ("ResourceNotFoundException", f"No resource found {missing}"))


@case("describe")
def _():
    client.create_dataset_group(DatasetGroupName="test", Domain="CUSTOM")
    seen = client.describe_dataset_group(DatasetGroupArn=group_arn("test"))
    expect_equal((seen.get("DatasetGroupArn"), seen.get("Domain"), seen.get("DatasetArns")), (group_arn("test"), "CUSTOM", []))


@case("describe a missing group")
def _():
    missing = group_arn("name")
    code, message = error_of(lambda: client.describe_dataset_group(DatasetGroupArn=missing))
    expect_equal((code, message), ("ResourceNotFoundException", f"No resource found {missing}"))


@case("create naming a missing dataset")
def _():
    # moto's case names a dataset group's ARN as the dataset: it is no dataset, so it is not found either.
    missing = group_arn("name")
    code, message = error_of(
        lambda: client.create_dataset_group(DatasetGroupName="name", Domain="CUSTOM", DatasetArns=[missing])
    )
    expect_equal((code, message), ("InvalidInputException", f"Dataset arns: [{missing}] are not found"))


@case("update naming a missing dataset")
def _():
    client.create_dataset_group(DatasetGroupName="test", Domain="CUSTOM")
    missing = f"arn:aws:forecast:{REGION}:{ACCOUNT}:dataset/name"
    code, message = error_of(lambda: client.update_dataset_group(DatasetGroupArn=group_arn("test"), DatasetArns=[missing]))
    expect_equal((code, message), ("InvalidInputException", f"Dataset arns: [{missing}] are not found"))


results = {}
for name, run in cases.items():
    try:
        empty_account()
        run()
        results[name] = None
    except Exception as e:  # noqa: BLE001 - every failure is reported, none stops the others
        results[name] = f"{type(e).__name__}: {e}"
print(json.dumps({"cases": results, "moto_literal": moto_literal}))
