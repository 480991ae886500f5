import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { matchesWhole } from "../../src/contract/linear-pattern.js";
import { collectShapeErrors, collectValidationErrors } from "../../src/contract/validate.js";
import { ServiceError } from "../../src/errors.js";
import { accepts, FORECAST_ARN, rejection, validationMessage } from "./helpers.js";

const NAME_PATTERN = "^[a-zA-Z][a-zA-Z0-9_]*";
const one = (detail: string) => `1 validation error detected: ${detail}`;

describe("required members", () => {
  test("a missing required member is reported as null", () => {
    assert.equal(
      validationMessage("CreateDatasetGroup", { Domain: "RETAIL" }),
      one("Value null at 'datasetGroupName' failed to satisfy constraint: Member must not be null"),
    );
  });

  test("JSON null counts as absent", () => {
    assert.equal(
      validationMessage("CreateDatasetGroup", { DatasetGroupName: null, Domain: "RETAIL" }),
      one("Value null at 'datasetGroupName' failed to satisfy constraint: Member must not be null"),
    );
  });

  test("an empty body is an empty structure", () => {
    accepts("ListDatasets", undefined);
    accepts("ListDatasets", {});
    assert.match(
      validationMessage("DescribeDataset", undefined),
      /^1 validation error detected: Value null at 'datasetArn'/,
    );
  });
});

describe("string constraints", () => {
  test("length above max", () => {
    const name = "a".repeat(64);
    assert.equal(
      validationMessage("CreateDatasetGroup", { DatasetGroupName: name, Domain: "RETAIL" }),
      one(
        `Value '${name}' at 'datasetGroupName' failed to satisfy constraint: Member must have length less than or equal to 63`,
      ),
    );
    accepts("CreateDatasetGroup", { DatasetGroupName: "a".repeat(63), Domain: "RETAIL" });
  });

  test("length below min, with the pattern failing as well: two errors", () => {
    assert.equal(
      validationMessage("ListDatasets", { NextToken: "" }),
      "2 validation errors detected: " +
        "Value '' at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'nextToken' failed to satisfy constraint: Member must satisfy regular expression pattern: .+",
    );
  });

  test("pattern, with the model's pattern printed verbatim", () => {
    assert.equal(
      validationMessage("CreateDatasetGroup", { DatasetGroupName: "my-group", Domain: "RETAIL" }),
      one(
        `Value 'my-group' at 'datasetGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${NAME_PATTERN}`,
      ),
    );
  });

  test("patterns must match the whole value, not a prefix", () => {
    // ^[a-zA-Z][a-zA-Z0-9_]* finds "abc" at the start of "abc def"; only a full match is accepted.
    validationMessage("CreateDatasetGroup", { DatasetGroupName: "abc def", Domain: "RETAIL" });
    assert.equal(matchesWhole({ pattern: NAME_PATTERN }, "abc def"), false);
    assert.equal(matchesWhole({ pattern: NAME_PATTERN }, "abc_def"), true);
  });

  test("unicode classes (\\p{L}) in tag patterns work", () => {
    const tag = (Key: string) => ({ ResourceArn: FORECAST_ARN, Tags: [{ Key, Value: "v" }] });
    accepts("TagResource", tag("projekt:größe"));
    assert.match(
      validationMessage("TagResource", tag("a<b")),
      /at 'tags\.1\.member\.key' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
  });

  test("patterns with Java escapes that unicode mode rejects still compile", () => {
    accepts("CreateDatasetImportJob", {
      DatasetImportJobName: "j",
      DatasetArn: "arn:aws:forecast:us-east-1:123456789012:dataset/d",
      DataSource: { S3Config: { Path: "s3://bucket/key.csv", RoleArn: "arn:aws:iam::123456789012:role/r" } },
      TimestampFormat: "yyyy-MM-dd HH:mm:ss",
    });
  });

  test("enum", () => {
    assert.equal(
      validationMessage("CreateDatasetGroup", { DatasetGroupName: "g", Domain: "retail" }),
      one(
        "Value 'retail' at 'domain' failed to satisfy constraint: Member must satisfy enum value set: " +
          "[RETAIL, CUSTOM, INVENTORY_PLANNING, EC2_CAPACITY, WORK_FORCE, WEB_TRAFFIC, METRICS]",
      ),
    );
  });

  test("long strings are truncated in messages", () => {
    const message = validationMessage("CreateDatasetGroup", {
      DatasetGroupName: `x${"-".repeat(500)}`,
      Domain: "RETAIL",
    });
    assert.ok(message.includes(`'x${"-".repeat(127)}...'`), message);
    assert.ok(message.length < 600, `message of ${message.length} chars`);
  });

  test("sensitive values are left out of messages", () => {
    const message = validationMessage("TagResource", {
      ResourceArn: FORECAST_ARN,
      Tags: [{ Key: "k", Value: "x".repeat(257) }],
    });
    assert.equal(
      message,
      one(
        "Value at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256",
      ),
    );
  });
});

describe("numeric ranges", () => {
  test("below min and above max", () => {
    assert.equal(
      validationMessage("ListDatasets", { MaxResults: 0 }),
      one(
        "Value 0 at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
      ),
    );
    assert.equal(
      validationMessage("ListDatasets", { MaxResults: 101 }),
      one(
        "Value 101 at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
      ),
    );
    accepts("ListDatasets", { MaxResults: 100 });
  });

  test("range inside a nested structure", () => {
    const input = {
      PredictorName: "p",
      TimeAlignmentBoundary: { Hour: 24 },
    };
    assert.equal(
      validationMessage("CreateAutoPredictor", input),
      one(
        "Value 24 at 'timeAlignmentBoundary.hour' failed to satisfy constraint: Member must have value less than or equal to 23",
      ),
    );
  });
});

describe("list and map sizes", () => {
  test("list above max", () => {
    const types = Array.from({ length: 21 }, () => "mean");
    assert.equal(
      validationMessage("CreateForecast", {
        ForecastName: "f",
        PredictorArn: FORECAST_ARN,
        ForecastTypes: types,
      }),
      one(
        `Value '[${types.join(", ")}]' at 'forecastTypes' failed to satisfy constraint: Member must have length less than or equal to 20`,
      ),
    );
  });

  test("list below min", () => {
    assert.equal(
      validationMessage("CreateAutoPredictor", { PredictorName: "p", ForecastDimensions: [] }),
      one(
        "Value '[]' at 'forecastDimensions' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ),
    );
  });

  test("map below min (forecastquery)", () => {
    assert.equal(
      validationMessage("QueryForecast", { ForecastArn: FORECAST_ARN, Filters: {} }, "forecastquery"),
      one(
        "Value '{}' at 'filters' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ),
    );
  });
});

describe("paths", () => {
  test("list items are 1-based `.N.member` and member names start lower-case", () => {
    const input = {
      DatasetName: "d",
      Domain: "RETAIL",
      DatasetType: "TARGET_TIME_SERIES",
      Schema: {
        Attributes: [
          { AttributeName: "item_id", AttributeType: "string" },
          { AttributeName: "bad-name", AttributeType: "string" },
        ],
      },
    };
    assert.equal(
      validationMessage("CreateDataset", input),
      one(
        `Value 'bad-name' at 'schema.attributes.2.member.attributeName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${NAME_PATTERN}`,
      ),
    );
  });

  test("a null list item is reported at its item path", () => {
    assert.equal(
      validationMessage("UpdateDatasetGroup", {
        DatasetGroupArn: FORECAST_ARN,
        DatasetArns: [FORECAST_ARN, null],
      }),
      one("Value null at 'datasetArns.2.member' failed to satisfy constraint: Member must not be null"),
    );
  });

  test("map values are `<map>.<key>`, map keys are reported at the map", () => {
    const filters = { item_id: "x".repeat(257), "bad key": "ok" };
    const message = validationMessage(
      "QueryForecast",
      { ForecastArn: FORECAST_ARN, Filters: filters },
      "forecastquery",
    );
    assert.equal(
      message,
      "2 validation errors detected: " +
        `Value '${"x".repeat(128)}...' at 'filters.item_id' failed to satisfy constraint: Member must have length less than or equal to 256; ` +
        "Value 'bad key' at 'filters' failed to satisfy constraint: Map keys must satisfy constraint: " +
        "[Member must satisfy regular expression pattern: ^[a-zA-Z0-9\\_\\-]+$]",
    );
  });

  test("list inside a map value inside a list item", () => {
    const input = {
      PredictorName: "p",
      DataConfig: {
        DatasetGroupArn: FORECAST_ARN,
        AdditionalDatasets: [{ Name: "holiday", Configuration: { CountryCode: ["U S"] } }],
      },
    };
    assert.equal(
      validationMessage("CreateAutoPredictor", input),
      one(
        "Value 'U S' at 'dataConfig.additionalDatasets.1.member.configuration.CountryCode.1.member' failed to satisfy constraint: " +
          "Member must satisfy regular expression pattern: ^[a-zA-Z0-9\\_\\-]+$",
      ),
    );
  });
});

describe("unknown members", () => {
  test("top level and nested, named as the client sent them", () => {
    const message = validationMessage("CreateDatasetGroup", {
      DatasetGroupName: "g",
      Domain: "RETAIL",
      datasetGroupName: "g",
      Tags: [{ Key: "k", Value: "v", Extra: true }],
    });
    assert.equal(
      message,
      "2 validation errors detected: " +
        "Value true at 'tags.1.member.Extra' failed to satisfy constraint: Member is not defined in the service model; " +
        "Value 'g' at 'datasetGroupName' failed to satisfy constraint: Member is not defined in the service model",
    );
  });
});

describe("wrong JSON types are SerializationException", () => {
  const cases: [string, unknown, RegExp][] = [
    [
      "a string for an integer",
      { MaxResults: "5" },
      /at 'maxResults': expected a 32-bit integer but got a string/,
    ],
    [
      "a fraction for an integer",
      { MaxResults: 1.5 },
      /at 'maxResults': expected a 32-bit integer but got a fractional number/,
    ],
    ["an integer beyond 32 bits", { MaxResults: 2 ** 31 }, /at 'maxResults'/],
    [
      "a number for a string",
      { NextToken: 5 },
      /at 'nextToken': expected a string but got an integer number/,
    ],
  ];
  for (const [what, input, pattern] of cases) {
    test(what, () => {
      const err = rejection("ListDatasets", input);
      assert.equal(err.code, "SerializationException");
      assert.match(err.message, pattern);
    });
  }

  test("an object where a list is expected, and a list where a structure is", () => {
    const listErr = rejection("CreateDataset", {
      DatasetName: "d",
      Domain: "RETAIL",
      DatasetType: "TARGET_TIME_SERIES",
      Schema: { Attributes: { AttributeName: "a" } },
    });
    assert.equal(listErr.code, "SerializationException");
    assert.match(listErr.message, /at 'schema\.attributes': expected a list but got an object/);
    const structErr = rejection("CreateAutoPredictor", { PredictorName: "p", DataConfig: [] });
    assert.equal(structErr.code, "SerializationException");
    assert.match(structErr.message, /at 'dataConfig': expected an object but got a list/);
  });

  test("a string for a boolean", () => {
    const err = rejection("CreateAutoPredictor", { PredictorName: "p", ExplainPredictor: "true" });
    assert.equal(err.code, "SerializationException");
    assert.match(err.message, /at 'explainPredictor': expected a boolean but got a string/);
  });

  test("wins over constraint violations found before it", () => {
    const err = rejection("ListDatasets", { NextToken: "", MaxResults: "x" });
    assert.equal(err.code, "SerializationException");
  });

  test("a body that is not an object", () => {
    const err = rejection("ListDatasets", [1]);
    assert.equal(err.code, "SerializationException");
    assert.match(err.message, /request body: expected an object but got a list/);
  });

  test("timestamps are epoch seconds and may be fractional; longs are integral", () => {
    assert.deepEqual(
      collectShapeErrors("forecast", "DatasetGroupSummary", { CreationTime: 1700000000.25 }),
      [],
    );
    assert.throws(
      () => collectShapeErrors("forecast", "DatasetGroupSummary", { CreationTime: "2023-11-14T22:13:20Z" }),
      (e: unknown) =>
        e instanceof ServiceError && e.code === "SerializationException" && /'creationTime'/.test(e.message),
    );
    assert.deepEqual(
      collectShapeErrors("forecast", "DescribeDatasetResponse", { DatasetArn: FORECAST_ARN }),
      [],
    );
    assert.throws(
      () =>
        collectShapeErrors("forecast", "DescribeAutoPredictorResponse", {
          EstimatedTimeRemainingInMinutes: 1.5,
        }),
      (e: unknown) => e instanceof ServiceError && e.code === "SerializationException",
    );
    assert.deepEqual(
      collectShapeErrors("forecast", "WeightedQuantileLoss", { Quantile: 0.5, LossValue: 3 }),
      [],
    );
  });
});

describe("counting and listing", () => {
  const attributes = (n: number) => Array.from({ length: n }, (_, i) => ({ AttributeName: `bad-${i}` }));
  const dataset = (n: number) => ({
    DatasetName: "d",
    Domain: "RETAIL",
    DatasetType: "TARGET_TIME_SERIES",
    Schema: { Attributes: attributes(n) },
  });

  test("lists at most 10 and counts all", () => {
    const message = validationMessage("CreateDataset", dataset(12));
    assert.match(message, /^12 validation errors detected: /);
    assert.equal(message.split("failed to satisfy constraint").length - 1, 10);
    assert.ok(message.includes("schema.attributes.10.member"), message);
    assert.ok(!message.includes("schema.attributes.11.member"), message);
    assert.equal(collectValidationErrors("forecast", "CreateDataset", dataset(12)).length, 12);
  });

  test("exactly 10 are all listed", () => {
    const message = validationMessage("CreateDataset", dataset(10));
    assert.match(message, /^10 validation errors detected: /);
    assert.equal(message.split("; ").length, 10);
  });
});

describe("operations", () => {
  test("an unknown operation is refused", () => {
    const err = rejection("CreateNothing", {});
    assert.equal(err.code, "UnknownOperationException");
    assert.equal(rejection("toString", {}).code, "UnknownOperationException");
  });

  test("a complete valid request passes", () => {
    accepts("CreatePredictor", {
      PredictorName: "p",
      ForecastHorizon: 10,
      PerformAutoML: true,
      TrainingParameters: { epochs: "100" },
      EvaluationParameters: { NumberOfBacktestWindows: 1, BackTestWindowOffset: 10 },
      InputDataConfig: {
        DatasetGroupArn: FORECAST_ARN,
        SupplementaryFeatures: [{ Name: "holiday", Value: "US" }],
      },
      FeaturizationConfig: {
        ForecastFrequency: "D",
        Featurizations: [
          {
            AttributeName: "target_value",
            FeaturizationPipeline: [
              {
                FeaturizationMethodName: "filling",
                FeaturizationMethodParameters: { backfill: "value", backfill_value: "2.5" },
              },
            ],
          },
        ],
      },
      Tags: [{ Key: "team", Value: "ops" }],
    });
  });
});
