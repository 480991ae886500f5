"""An unchanged boto3 program that monitors a trained AutoPredictor, as AWS's predictor monitoring guide does:
create the monitor, forecast, import newer data that covers the forecast's horizon, read the evaluations (with the
paginator), stop and resume the monitor. Prints one JSON line with what it saw; exits non-zero on failure."""
import json
import sys
import time

import boto3
from botocore.exceptions import ClientError

from boto3_helpers import wait

forecast = boto3.client("forecast")
s3 = boto3.client("s3")
account, predictor_arn, dataset_arn, bucket, newer_csv = sys.argv[1:6]
role = f"arn:aws:iam::{account}:role/ForecastAccess"
seen = {}

monitor_arn = forecast.create_monitor(MonitorName="boto_monitor", ResourceArn=predictor_arn)["MonitorArn"]
seen["monitor_arn"] = monitor_arn
monitor = forecast.describe_monitor(MonitorArn=monitor_arn)
seen["monitor_status"] = monitor["Status"]
seen["baseline_names"] = sorted(m["Name"] for m in monitor["Baseline"]["PredictorBaseline"]["BaselineMetrics"])

forecast_arn = forecast.create_forecast(ForecastName="boto_monitored", PredictorArn=predictor_arn)["ForecastArn"]
wait(forecast.describe_forecast, ForecastArn=forecast_arn)

with open(newer_csv, "rb") as f:
    s3.put_object(Bucket=bucket, Key="newer.csv", Body=f.read())
job_arn = forecast.create_dataset_import_job(
    DatasetImportJobName="boto_newer",
    DatasetArn=dataset_arn,
    DataSource={"S3Config": {"Path": f"s3://{bucket}/newer.csv", "RoleArn": role}},
)["DatasetImportJobArn"]
wait(forecast.describe_dataset_import_job, DatasetImportJobArn=job_arn)

deadline = time.time() + 120
evaluations = []
while not evaluations and time.time() < deadline:
    pages = forecast.get_paginator("list_monitor_evaluations").paginate(
        MonitorArn=monitor_arn, Filters=[{"Key": "EvaluationState", "Value": "SUCCESS", "Condition": "IS"}]
    )
    evaluations = [e for page in pages for e in page["PredictorMonitorEvaluations"]]
    time.sleep(0.2)
evaluation = evaluations[0]
seen["evaluations"] = len(evaluations)
seen["evaluated_forecast"] = evaluation["MonitorDataSource"]["ForecastArn"] == forecast_arn
seen["import_job"] = evaluation["MonitorDataSource"]["DatasetImportJobArn"] == job_arn
seen["window_start_type"] = type(evaluation["WindowStartDatetime"]).__name__
seen["metric_names"] = sorted(m["MetricName"] for m in evaluation["MetricResults"])
seen["items"] = evaluation["NumItemsEvaluated"]
seen["last_state"] = forecast.describe_monitor(MonitorArn=monitor_arn)["LastEvaluationState"]

forecast.stop_resource(ResourceArn=monitor_arn)
seen["stopped"] = forecast.describe_monitor(MonitorArn=monitor_arn)["Status"]
forecast.resume_resource(ResourceArn=monitor_arn)
seen["resumed"] = forecast.describe_monitor(MonitorArn=monitor_arn)["Status"]
try:
    forecast.resume_resource(ResourceArn=monitor_arn)
except ClientError as e:
    seen["resume_active_error"] = e.response["Error"]["Code"]
seen["listed"] = [m["MonitorName"] for m in forecast.list_monitors()["Monitors"]]
print(json.dumps(seen))
