"""What the boto3 programs in this folder do alike, as a notebook's util module would hold it.

Each program runs as `python3 test/compat/<program>.py`, so this folder is on sys.path and `import boto3_helpers`
finds this module.
"""
import time


def create_demand_dataset(forecast, name):
    """Creates a daily RETAIL target dataset of item_id, timestamp and demand; returns its ARN."""
    return forecast.create_dataset(
        DatasetName=name,
        Domain="RETAIL",
        DatasetType="TARGET_TIME_SERIES",
        DataFrequency="D",
        Schema={
            "Attributes": [
                {"AttributeName": "item_id", "AttributeType": "string"},
                {"AttributeName": "timestamp", "AttributeType": "timestamp"},
                {"AttributeName": "demand", "AttributeType": "float"},
            ]
        },
    )["DatasetArn"]


def wait(describe, timeout=180, **kwargs):
    """Calls describe(**kwargs) until the resource is ACTIVE, CREATE_FAILED or CREATE_STOPPED; returns that answer."""
    deadline = time.time() + timeout
    while True:
        d = describe(**kwargs)
        if d["Status"] in ("ACTIVE", "CREATE_FAILED", "CREATE_STOPPED"):
            return d
        if time.time() > deadline:
            raise SystemExit(f"timed out after {timeout} s waiting on {kwargs}")
        time.sleep(0.2)
