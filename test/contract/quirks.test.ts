import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { findQuirk, quirks } from "../../src/contract/quirks.js";
import { contractOf } from "../../src/contract/services.js";
import { ACCOUNT, accepts, FORECAST_ARN, ROLE_ARN, validationMessage } from "./helpers.js";

const IAM_PATTERN = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]+$";
const one = (detail: string) => `1 validation error detected: ${detail}`;

const exportJob = (s3Config: object, extra: object = {}) => ({
  ForecastExportJobName: "e",
  ForecastArn: FORECAST_ARN,
  Destination: { S3Config: { Path: "s3://bucket/out/", ...s3Config } },
  ...extra,
});

const dataset = (encryption: object) => ({
  DatasetName: "d",
  Domain: "RETAIL",
  DatasetType: "TARGET_TIME_SERIES",
  Schema: { Attributes: [{ AttributeName: "item_id", AttributeType: "string" }] },
  EncryptionConfig: encryption,
});

describe("RoleArn members hold IAM role ARNs", () => {
  test("S3Config.RoleArn accepts a role and refuses a Forecast ARN", () => {
    accepts("CreateForecastExportJob", exportJob({ RoleArn: ROLE_ARN }));
    accepts(
      "CreateForecastExportJob",
      exportJob({ RoleArn: `arn:aws-cn:iam::${ACCOUNT}:role/path/to/Role_1` }),
    );
    assert.equal(
      validationMessage("CreateForecastExportJob", exportJob({ RoleArn: FORECAST_ARN })),
      one(
        `Value '${FORECAST_ARN}' at 'destination.s3Config.roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${IAM_PATTERN}`,
      ),
    );
  });

  test("EncryptionConfig.RoleArn likewise", () => {
    const kms = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    accepts("CreateDataset", dataset({ RoleArn: ROLE_ARN, KMSKeyArn: kms }));
    assert.match(
      validationMessage(
        "CreateDataset",
        dataset({ RoleArn: `arn:aws:iam::${ACCOUNT}:user/bob`, KMSKeyArn: kms }),
      ),
      /at 'encryptionConfig\.roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: \^arn:aws\[a-z-\]\*:iam::/,
    );
  });

  test("every *RoleArn member of the model is covered", () => {
    const { shapes } = contractOf("forecast");
    const sites = Object.entries(shapes).flatMap(([name, shape]) =>
      Object.keys(shape.members ?? {})
        .filter((m) => m.endsWith("RoleArn"))
        .map((m) => `${name}.${m}`),
    );
    assert.deepEqual(sites.sort(), ["EncryptionConfig.RoleArn", "S3Config.RoleArn"]);
    for (const site of sites)
      assert.equal(findQuirk("forecast", site, "Arn")?.constraints.pattern, IAM_PATTERN);
  });
});

describe("Filter.Value holds statuses as well as ARNs", () => {
  const list = (Value: unknown) => ({ Filters: [{ Key: "Status", Value, Condition: "IS" }] });
  test("statuses and ARNs pass", () => {
    accepts("ListForecasts", list("ACTIVE"));
    accepts("ListForecasts", list(FORECAST_ARN));
    accepts("ListMonitorEvaluations", { MonitorArn: FORECAST_ARN, ...list("SUCCESS") });
  });
  test("empty and over-long values fail on length only", () => {
    assert.equal(
      validationMessage("ListForecasts", list("")),
      one(
        "Value '' at 'filters.1.member.value' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ),
    );
    assert.match(
      validationMessage("ListForecasts", list("A".repeat(257))),
      /^1 validation error detected: .*less than or equal to 256$/,
    );
  });
});

describe("Format is CSV or PARQUET exactly", () => {
  test("both pass, anything else fails as an enum", () => {
    accepts("CreateForecastExportJob", exportJob({ RoleArn: ROLE_ARN }, { Format: "CSV" }));
    accepts("CreateForecastExportJob", exportJob({ RoleArn: ROLE_ARN }, { Format: "PARQUET" }));
    for (const bad of ["csv", "CSVX", "XPARQUET", "CSV|PARQUET"]) {
      assert.equal(
        validationMessage("CreateForecastExportJob", exportJob({ RoleArn: ROLE_ARN }, { Format: bad })),
        one(
          `Value '${bad}' at 'format' failed to satisfy constraint: Member must satisfy enum value set: [CSV, PARQUET]`,
        ),
      );
    }
  });
});

describe("KMSKeyArn is a KMS key or alias ARN", () => {
  test("key and alias ARNs pass; what the model's loose pattern allows does not", () => {
    accepts(
      "CreateForecastExportJob",
      exportJob({ RoleArn: ROLE_ARN, KMSKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/abc-123` }),
    );
    accepts(
      "CreateForecastExportJob",
      exportJob({ RoleArn: ROLE_ARN, KMSKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/my/key` }),
    );
    // matches the model's arn:aws:kms:.*:key/.* but names no region or account
    assert.match(
      validationMessage(
        "CreateForecastExportJob",
        exportJob({ RoleArn: ROLE_ARN, KMSKeyArn: "arn:aws:kms:x:key/y" }),
      ),
      /^1 validation error detected: Value 'arn:aws:kms:x:key\/y' at 'destination\.s3Config\.kMSKeyArn' failed to satisfy constraint: Member must satisfy regular expression pattern: \^arn:aws\[a-z-\]\*:kms:/,
    );
  });
});

describe("Frequency accepts the documented counted forms", () => {
  const predictor = (ForecastFrequency: string) => ({ PredictorName: "p", ForecastFrequency });
  test("bare units and counted units pass", () => {
    for (const f of ["Y", "M", "W", "D", "H", "1D", "2W", "3M", "15min", "1min", "59min"])
      accepts("CreateAutoPredictor", predictor(f));
  });
  test("other forms fail", () => {
    for (const f of ["min", "0D", "D2", "1d", "100H"]) {
      assert.match(
        validationMessage("CreateAutoPredictor", predictor(f)),
        /at 'forecastFrequency' failed to satisfy constraint/,
        f,
      );
    }
  });
});

describe("fill values in AttributeConfig.Transformations may be decimal", () => {
  const predictor = (value: string) => ({
    PredictorName: "p",
    DataConfig: {
      DatasetGroupArn: FORECAST_ARN,
      AttributeConfigs: [
        { AttributeName: "price", Transformations: { futurefill: "value", futurefill_value: value } },
      ],
    },
  });
  test("decimal and negative numbers pass, other punctuation fails", () => {
    accepts("CreateAutoPredictor", predictor("2.5"));
    accepts("CreateAutoPredictor", predictor("-1"));
    assert.match(
      validationMessage("CreateAutoPredictor", predictor("2,5")),
      /at 'dataConfig\.attributeConfigs\.1\.member\.transformations\.futurefill_value' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
  });
});

describe("the quirk table", () => {
  test("only names shapes and structures the model has", () => {
    const { shapes } = contractOf("forecast");
    for (const q of quirks) {
      if (q.shape) assert.ok(shapes[q.shape], `quirk for unknown shape ${q.shape}`);
      if (q.site && !q.site.startsWith("*")) {
        const [structure, member] = (q.site.split("/")[0] as string).split(".") as [string, string];
        assert.ok(shapes[structure]?.members?.[member], `quirk for unknown member ${q.site}`);
      }
    }
  });

  test("does not reach into the other service", () => {
    assert.equal(findQuirk("forecastquery", "S3Config.RoleArn", "Arn"), undefined);
    assert.equal(findQuirk("forecast", "S3Config.RoleArn/member", "Arn"), undefined);
    assert.equal(findQuirk("forecast", undefined, "Arn"), undefined);
  });
});
