"""The call sequence of AWS's "Item Level Explainability" notebook (amazon-forecast-samples,
notebooks/advanced/Item_Level_Explainability), run with boto3 against OpenForecast with only the endpoint variables
set. Its data (monthly orders of musical instruments with Loss_Rate and Customer_Request as related time series and
Model_Type as item metadata) is generated here, smaller than the notebook's, so that the run takes seconds.

Steps as in the notebook: caller identity and the util's role helper; dataset group, TTS/RTS/IM datasets and their
imports; an AutoPredictor with US holidays and ExplainPredictor=True, its model-level explainability exported and
read; a forecast; explainabilities of chosen series (all time points, then SPECIFIC time points between a start
and an end), each exported and read back with the notebook's reader; then the role helper's delete.
Argument: a scratch directory. Prints one JSON line with what it saw; exits non-zero on failure.
"""
import json
import math
import os
import sys

import boto3

import notebook_util as util

workdir = sys.argv[1]
os.chdir(workdir)
seen = {}

# Step 0: what the notebooks start with.
identity = boto3.client("sts").get_caller_identity()
seen["account"] = identity["Account"]
REGION = boto3.Session().region_name
bucket_name = "explainability-notebook"
boto3.client("s3").create_bucket(Bucket=bucket_name)
session = boto3.Session(region_name=REGION)
forecast = session.client(service_name="forecast")
role_name = "ForecastNotebookRole-Explainability"
role_arn = util.get_or_create_iam_role(role_name=role_name)
seen["role_arn"] = role_arn
seen["role_again"] = util.get_or_create_iam_role(role_name=role_name)
forecast.list_predictors()

# The data: 8 instruments, 36 months of orders; the related series run 12 months further (the horizon).
ITEMS = [f"Guitar_{i}" for i in range(1, 5)] + [f"Drum_{i}" for i in range(1, 5)]
HISTORY, HORIZON = 36, 12
os.makedirs("InstrumentData", exist_ok=True)


def month(i):
    return f"{2019 + i // 12}-{i % 12 + 1:02d}-01 00:00:00"


def loss_rate(n, i):
    return round(0.02 + 0.01 * ((n * 7 + i * 3) % 5), 3)


def customer_request(n, i):
    return float(5 + (n * 3 + i * 5) % 11)


with open("InstrumentData/TTS.csv", "w") as tts, open("InstrumentData/RTS.csv", "w") as rts:
    for n, item in enumerate(ITEMS):
        base = 40 if item.startswith("Guitar") else 25
        for i in range(HISTORY + HORIZON):
            if i < HISTORY:
                orders = base + 3 * customer_request(n, i) - 200 * loss_rate(n, i) + 4 * math.sin(i / 2)
                tts.write(f"{month(i)},{item},{orders:.2f}\n")
            rts.write(f"{month(i)},{item},{loss_rate(n, i)},{customer_request(n, i)}\n")
with open("InstrumentData/IM.csv", "w") as im:
    for item in ITEMS:
        im.write(f"{item},{'string' if item.startswith('Guitar') else 'percussion'}\n")
with open("InstrumentData/item_subset.csv", "w") as subset:
    subset.write("Guitar_1\nGuitar_2\nDrum_1\n")
with open("InstrumentData/second_item_subset.csv", "w") as subset:
    subset.write("Guitar_3\nDrum_4\n")

# Step 1: dataset group, datasets, imports.
project = "explainability_notebook"
idx = 1
dataset_group = f"{project}_{idx}"
dataset_group_arn = forecast.create_dataset_group(Domain="CUSTOM", DatasetGroupName=dataset_group, DatasetArns=[])[
    "DatasetGroupArn"
]
forecast.describe_dataset_group(DatasetGroupArn=dataset_group_arn)
freq, forecast_horizon, timestamp_format = "M", HORIZON, "yyyy-MM-dd HH:mm:ss"
ts_schema = {
    "Attributes": [
        {"AttributeName": "timestamp", "AttributeType": "timestamp"},
        {"AttributeName": "item_id", "AttributeType": "string"},
        {"AttributeName": "target_value", "AttributeType": "float"},
    ]
}
rts_schema = {
    "Attributes": [
        {"AttributeName": "timestamp", "AttributeType": "timestamp"},
        {"AttributeName": "item_id", "AttributeType": "string"},
        {"AttributeName": "Loss_Rate", "AttributeType": "float"},
        {"AttributeName": "Customer_Request", "AttributeType": "float"},
    ]
}
im_schema = {
    "Attributes": [
        {"AttributeName": "item_id", "AttributeType": "string"},
        {"AttributeName": "Model_Type", "AttributeType": "string"},
    ]
}
ts_dataset_arn = forecast.create_dataset(
    Domain="CUSTOM",
    DatasetType="TARGET_TIME_SERIES",
    DatasetName=f"{project}_tts_{idx}",
    DataFrequency=freq,
    Schema=ts_schema,
)["DatasetArn"]
rts_dataset_arn = forecast.create_dataset(
    Domain="CUSTOM",
    DatasetType="RELATED_TIME_SERIES",
    DataFrequency=freq,
    DatasetName=f"{project}_rts_{idx}",
    Schema=rts_schema,
)["DatasetArn"]
im_dataset_arn = forecast.create_dataset(
    Domain="CUSTOM", DatasetType="ITEM_METADATA", DatasetName=f"{project}_im_{idx}", Schema=im_schema
)["DatasetArn"]
forecast.update_dataset_group(
    DatasetGroupArn=dataset_group_arn, DatasetArns=[ts_dataset_arn, rts_dataset_arn, im_dataset_arn]
)
seen["group_datasets"] = len(forecast.describe_dataset_group(DatasetGroupArn=dataset_group_arn)["DatasetArns"])


def import_file(local_file, dataset_arn, **extra):
    key = f"{project}/{local_file}"
    boto3.Session().resource("s3").Bucket(bucket_name).Object(key).upload_file(local_file)
    arn = forecast.create_dataset_import_job(
        DatasetImportJobName=dataset_group,
        DatasetArn=dataset_arn,
        DataSource={"S3Config": {"Path": f"s3://{bucket_name}/{key}", "RoleArn": role_arn}},
        **extra,
    )["DatasetImportJobArn"]
    assert util.wait(lambda: forecast.describe_dataset_import_job(DatasetImportJobArn=arn)), local_file


import_file("InstrumentData/TTS.csv", ts_dataset_arn, TimestampFormat=timestamp_format)
import_file("InstrumentData/RTS.csv", rts_dataset_arn)
import_file("InstrumentData/IM.csv", im_dataset_arn)

# Step 2: AutoPredictor with holidays and model-level explainability, exported and read.
predictor_arn = forecast.create_auto_predictor(
    PredictorName=f"holidays_instrument_orders_auto_predictor_{idx}",
    ForecastHorizon=forecast_horizon,
    ForecastFrequency="M",
    DataConfig={
        "DatasetGroupArn": dataset_group_arn,
        "AdditionalDatasets": [{"Name": "holiday", "Configuration": {"CountryCode": ["US"]}}],
    },
    ExplainPredictor=True,
)["PredictorArn"]
assert util.wait(lambda: forecast.describe_auto_predictor(PredictorArn=predictor_arn))
model_level_arn = forecast.describe_auto_predictor(PredictorArn=predictor_arn)["ExplainabilityInfo"][
    "ExplainabilityArn"
]
assert util.wait(lambda: forecast.describe_explainability(ExplainabilityArn=model_level_arn))


def export_and_read(explainability_arn, export_name):
    destination = f"s3://{bucket_name}/{project}/{export_name}"
    arn = forecast.create_explainability_export(
        ExplainabilityExportName=export_name,
        ExplainabilityArn=explainability_arn,
        Destination={"S3Config": {"Path": destination, "RoleArn": role_arn}},
    )["ExplainabilityExportArn"]
    assert util.wait(lambda: forecast.describe_explainability_export(ExplainabilityExportArn=arn)), export_name
    forecast.describe_explainability_export(ExplainabilityExportArn=arn)
    return util.read_explainability_export(bucket_name, project + "/" + export_name, "explainability_exports")


model_rows = export_and_read(model_level_arn, f"{project}_explainability_export_model_level_{idx}")
seen["model_level"] = {"rows": len(model_rows), "columns": sorted(model_rows[0].keys()) if model_rows else []}

# Step 3: the forecast.
forecast_arn = forecast.create_forecast(ForecastName=f"{project}_forecast_{idx}", PredictorArn=predictor_arn)[
    "ForecastArn"
]
assert util.wait(lambda: forecast.describe_forecast(ForecastArn=forecast_arn))

# Step 4a/4b: chosen series, all time points.
# The notebook also gives "AttributeCategory": "item_id"; today's botocore refuses that key before sending anything
# ("Unknown parameter in Schema.Attributes[0]"; the service model has no such member), against AWS as here, so
# the one change to the notebook's calls is to leave it out.
item_schema = {"Attributes": [{"AttributeName": "item_id", "AttributeType": "string"}]}
key = f"{project}/InstrumentData/item_subset.csv"
boto3.Session().resource("s3").Bucket(bucket_name).Object(key).upload_file("InstrumentData/item_subset.csv")
item_level_arn = forecast.create_explainability(
    ExplainabilityName=f"{project}_item_level_explainability_{idx}",
    ResourceArn=forecast_arn,
    ExplainabilityConfig={"TimeSeriesGranularity": "SPECIFIC", "TimePointGranularity": "ALL"},
    DataSource={"S3Config": {"Path": f"s3://{bucket_name}/{key}", "RoleArn": role_arn}},
    Schema=item_schema,
    EnableVisualization=True,
)["ExplainabilityArn"]
assert util.wait(lambda: forecast.describe_explainability(ExplainabilityArn=item_level_arn))
item_rows = export_and_read(item_level_arn, f"{project}_item_level_explainability_export_{idx}")
seen["item_level"] = {
    "items": sorted({r["item_id"] for r in item_rows}),
    "timestamps": sorted({r["timestamp"] for r in item_rows}),
    "columns": sorted(item_rows[0].keys()) if item_rows else [],
}

# Step 4c/4d: chosen series at chosen time points.
key = f"{project}/InstrumentData/second_item_subset.csv"
boto3.Session().resource("s3").Bucket(bucket_name).Object(key).upload_file("InstrumentData/second_item_subset.csv")
timepoint_arn = forecast.create_explainability(
    ExplainabilityName=f"{project}_item_timepoint_level_explainability_{idx}",
    ResourceArn=forecast_arn,
    ExplainabilityConfig={"TimeSeriesGranularity": "SPECIFIC", "TimePointGranularity": "SPECIFIC"},
    DataSource={"S3Config": {"Path": f"s3://{bucket_name}/{key}", "RoleArn": role_arn}},
    Schema=item_schema,
    EndDateTime="2022-03-01T00:00:00",
    StartDateTime="2022-01-01T00:00:00",
    EnableVisualization=True,
)["ExplainabilityArn"]
assert util.wait(lambda: forecast.describe_explainability(ExplainabilityArn=timepoint_arn)), forecast.describe_explainability(
    ExplainabilityArn=timepoint_arn
).get("Message")
timepoint_rows = export_and_read(timepoint_arn, f"{project}_item_and_timepoints_level_export_{idx}")
seen["timepoint_level"] = {
    "items": sorted({r["item_id"] for r in timepoint_rows}),
    "timestamps": sorted({r["timestamp"] for r in timepoint_rows}),
    "guitar_3": [r for r in timepoint_rows if r["item_id"] == "Guitar_3"],
}

# Step 5: the role helper's delete, as the notebook's last cell.
util.delete_iam_role(role_name)
try:
    boto3.client("iam").get_role(RoleName=role_name)
    seen["role_after_delete"] = "still there"
except boto3.client("iam").exceptions.NoSuchEntityException:
    seen["role_after_delete"] = "NoSuchEntity"
print(json.dumps(seen))
