"""An unchanged boto3 program in the style of AWS's explainability sample notebook: forecast a trained
AutoPredictor, explain two series of the forecast, export the explainability as CSV and read it back.
Prints one JSON line with what it saw; exits non-zero on failure."""
import csv
import io
import json
import sys

import boto3

from boto3_helpers import wait

forecast = boto3.client("forecast")
s3 = boto3.client("s3")
account, predictor_arn, bucket = sys.argv[1], sys.argv[2], sys.argv[3]
role = f"arn:aws:iam::{account}:role/ForecastAccess"


seen = {}
forecast_arn = forecast.create_forecast(ForecastName="boto_forecast", PredictorArn=predictor_arn)["ForecastArn"]
seen["forecast_status"] = wait(forecast.describe_forecast, ForecastArn=forecast_arn)["Status"]

s3.put_object(Bucket=bucket, Key="ids/two.csv", Body=b"item_2\nitem_4\n")
explainability_arn = forecast.create_explainability(
    ExplainabilityName="boto_explainability",
    ResourceArn=forecast_arn,
    ExplainabilityConfig={"TimeSeriesGranularity": "SPECIFIC", "TimePointGranularity": "ALL"},
    DataSource={"S3Config": {"Path": f"s3://{bucket}/ids/two.csv", "RoleArn": role}},
    Schema={"Attributes": [{"AttributeName": "item_id", "AttributeType": "string"}]},
    EnableVisualization=True,
)["ExplainabilityArn"]
explainability = wait(forecast.describe_explainability, ExplainabilityArn=explainability_arn)
seen["explainability_status"] = explainability["Status"]
seen["explainability_message"] = explainability.get("Message")

export_arn = forecast.create_explainability_export(
    ExplainabilityExportName="boto_export",
    ExplainabilityArn=explainability_arn,
    Destination={"S3Config": {"Path": f"s3://{bucket}/boto-export", "RoleArn": role}},
)["ExplainabilityExportArn"]
export = wait(forecast.describe_explainability_export, ExplainabilityExportArn=export_arn)
seen["export_status"] = export["Status"]
seen["export_format"] = export["Format"]

# As the AWS notebook does: every object under the prefix whose key contains "csv", each with a header row.
rows = []
for obj in s3.list_objects_v2(Bucket=bucket, Prefix="boto-export")["Contents"]:
    if "csv" in obj["Key"]:
        body = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read().decode()
        rows.extend(csv.DictReader(io.StringIO(body)))
seen["columns"] = list(rows[0].keys())
seen["items"] = sorted({r["item_id"] for r in rows})
seen["aggregate_rows"] = sum(1 for r in rows if r["timestamp"] == "Aggregate")
seen["normalized_in_range"] = all(
    -1 <= float(r[c]) <= 1 for r in rows if r["timestamp"] == "Aggregate" for c in r if c.endswith("-NormalizedImpactScore")
)
print(json.dumps(seen))
