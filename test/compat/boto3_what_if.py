"""An unchanged boto3 program running one what-if flow on a forecast of an AutoPredictor: a what-if analysis, a
what-if forecast that raises one item's price by 10%, QueryWhatIfForecast against QueryForecast, an export as CSV
read back, and a refused request. Prints one JSON line with what it saw; exits non-zero on failure."""
import csv
import io
import json
import sys

import boto3
from botocore.exceptions import ClientError

from boto3_helpers import wait

forecast = boto3.client("forecast")
query = boto3.client("forecastquery")
s3 = boto3.client("s3")
account, forecast_arn, bucket = sys.argv[1], sys.argv[2], sys.argv[3]
role = f"arn:aws:iam::{account}:role/ForecastAccess"

seen = {}
analysis_arn = forecast.create_what_if_analysis(WhatIfAnalysisName="boto_analysis", ForecastArn=forecast_arn)[
    "WhatIfAnalysisArn"
]
seen["analysis_arn"] = analysis_arn
seen["analysis_status"] = wait(forecast.describe_what_if_analysis, WhatIfAnalysisArn=analysis_arn)["Status"]

what_if_arn = forecast.create_what_if_forecast(
    WhatIfForecastName="boto_price_up",
    WhatIfAnalysisArn=analysis_arn,
    TimeSeriesTransformations=[
        {
            "Action": {"AttributeName": "price", "Operation": "MULTIPLY", "Value": 1.1},
            "TimeSeriesConditions": [{"AttributeName": "item_id", "AttributeValue": "item_1", "Condition": "EQUALS"}],
        }
    ],
)["WhatIfForecastArn"]
described = wait(forecast.describe_what_if_forecast, WhatIfForecastArn=what_if_arn)
seen["what_if_status"] = described["Status"]
seen["what_if_message"] = described.get("Message")
seen["transformations"] = described["TimeSeriesTransformations"]


def total(answer):
    return sum(p["Value"] for p in answer["Forecast"]["Predictions"]["p50"])


baseline = total(query.query_forecast(ForecastArn=forecast_arn, Filters={"item_id": "item_1"}))
what_if = total(query.query_what_if_forecast(WhatIfForecastArn=what_if_arn, Filters={"item_id": "item_1"}))
seen["lowered"] = what_if < baseline
seen["other_equal"] = query.query_forecast(ForecastArn=forecast_arn, Filters={"item_id": "item_0"})["Forecast"] == (
    query.query_what_if_forecast(WhatIfForecastArn=what_if_arn, Filters={"item_id": "item_0"})["Forecast"]
)

export_arn = forecast.create_what_if_forecast_export(
    WhatIfForecastExportName="boto_what_if_export",
    WhatIfForecastArns=[what_if_arn],
    Destination={"S3Config": {"Path": f"s3://{bucket}/boto-what-if/", "RoleArn": role}},
)["WhatIfForecastExportArn"]
seen["export_status"] = wait(forecast.describe_what_if_forecast_export, WhatIfForecastExportArn=export_arn)["Status"]
keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="boto-what-if/")["Contents"]]
rows = []
for key in keys:
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
    rows.extend(csv.DictReader(io.StringIO(body)))
seen["export_columns"] = list(rows[0].keys())
seen["export_rows"] = len(rows)

try:
    forecast.create_what_if_forecast(WhatIfForecastName="neither", WhatIfAnalysisArn=analysis_arn)
except ClientError as e:
    seen["error"] = e.response["Error"]["Code"]

summaries = forecast.list_what_if_forecasts(
    Filters=[{"Key": "WhatIfAnalysisArn", "Value": analysis_arn, "Condition": "IS"}]
)["WhatIfForecasts"]
seen["listed"] = [s["WhatIfForecastName"] for s in summaries]
print(json.dumps(seen))
