import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import type {
  CreateDatasetGroupRequest,
  ForecastOperationIO,
} from "../../src/contract/generated/forecast.js";
import {
  contractOf,
  findOperation,
  findPaginator,
  resolveTarget,
  type ServiceName,
  serviceForTargetPrefix,
  serviceMetadata,
} from "../../src/contract/services.js";
import { modelsDir, repoRoot } from "./helpers.js";

interface RawModel {
  metadata: Record<string, string>;
  operations: Record<
    string,
    { input?: { shape: string }; output?: { shape: string }; errors?: { shape: string }[] }
  >;
  shapes: Record<string, Record<string, unknown>>;
}

const MODEL_FILES: Record<ServiceName, string> = {
  forecast: "forecast-2018-06-26",
  forecastquery: "forecastquery-2018-06-26",
};
const readModel = (s: ServiceName) =>
  JSON.parse(readFileSync(join(modelsDir, `${MODEL_FILES[s]}.service-2.json`), "utf8")) as RawModel;

describe("generated tables mirror the model", () => {
  for (const service of ["forecast", "forecastquery"] as const) {
    test(`${service}: every shape's type, members, required and constraints`, () => {
      const model = readModel(service);
      const { shapes } = contractOf(service);
      assert.deepEqual(Object.keys(shapes).sort(), Object.keys(model.shapes).sort());
      for (const [name, raw] of Object.entries(model.shapes)) {
        const shape = shapes[name];
        assert.ok(shape);
        assert.equal(shape.type, raw.type, name);
        for (const k of ["min", "max", "pattern", "enum"] as const)
          assert.deepEqual(shape[k], raw[k], `${name}.${k}`);
        const members = raw.members as Record<string, { shape: string }> | undefined;
        if (members) {
          assert.deepEqual(
            shape.members,
            Object.fromEntries(Object.entries(members).map(([m, r]) => [m, r.shape])),
            name,
          );
        }
        assert.deepEqual(shape.required ?? [], raw.required ?? [], name);
        assert.equal("documentation" in shape, false);
      }
    });

    test(`${service}: operations with inputs, outputs and errors`, () => {
      const model = readModel(service);
      const { operations } = contractOf(service);
      assert.deepEqual(Object.keys(operations).sort(), Object.keys(model.operations).sort());
      for (const [name, raw] of Object.entries(model.operations)) {
        assert.deepEqual(findOperation(service, name), {
          input: raw.input?.shape ?? null,
          output: raw.output?.shape ?? null,
          errors: (raw.errors ?? []).map((e) => e.shape),
        });
      }
    });
  }

  test("known answers", () => {
    const { shapes } = contractOf("forecast");
    assert.deepEqual(shapes.Name, {
      type: "string",
      min: 1,
      max: 63,
      pattern: "^[a-zA-Z][a-zA-Z0-9_]*",
      patternMatch: { engine: "v8", source: "^[a-zA-Z][a-zA-Z0-9_]*" },
    });
    // Java's '.' excludes its line terminators; JavaScript's keeps \u0085, so the generator spells the class out.
    assert.deepEqual(shapes.NextToken?.patternMatch, {
      engine: "v8",
      source: "[^\\n\\r\\u0085\\u2028\\u2029]+",
    });
    // The model's KMS pattern can backtrack (two '.*' before ':'), and has no rewrite: RE2.
    assert.equal(shapes.KMSKeyArn?.patternMatch?.engine, "re2");
    assert.deepEqual(shapes.SchemaAttributes, { type: "list", member: "SchemaAttribute", min: 1, max: 100 });
    assert.equal(shapes.TagKey?.sensitive, true);
    assert.equal(shapes.ResourceNotFoundException?.exception, true);
    assert.deepEqual(findOperation("forecast", "DeleteDataset")?.output, null);
    assert.deepEqual(findPaginator("forecast", "ListDatasetGroups"), {
      input_token: "NextToken",
      output_token: "NextToken",
      limit_key: "MaxResults",
      result_key: "DatasetGroups",
    });
    assert.equal(findPaginator("forecastquery", "QueryForecast"), undefined);
  });

  test("service metadata and target lookup", () => {
    assert.deepEqual(serviceMetadata("forecast"), {
      targetPrefix: "AmazonForecast",
      signingName: "forecast",
      endpointPrefix: "forecast",
      apiVersion: "2018-06-26",
    });
    assert.equal(serviceMetadata("forecastquery").targetPrefix, "AmazonForecastRuntime");
    assert.equal(serviceMetadata("forecastquery").signingName, "forecast");
    assert.equal(serviceForTargetPrefix("AmazonForecastRuntime"), "forecastquery");
    assert.equal(serviceForTargetPrefix("AmazonS3"), undefined);
    assert.equal(resolveTarget("AmazonForecast.CreateDatasetGroup")?.def.input, "CreateDatasetGroupRequest");
    assert.equal(resolveTarget("AmazonForecastRuntime.QueryForecast")?.service, "forecastquery");
    assert.equal(resolveTarget("AmazonForecast.QueryForecast"), undefined);
    assert.equal(resolveTarget("AmazonForecast.constructor"), undefined);
    assert.equal(resolveTarget("CreateDatasetGroup"), undefined);
  });

  test("types: required members are required, enums are unions", () => {
    const ok: CreateDatasetGroupRequest = { DatasetGroupName: "g", Domain: "RETAIL" };
    // @ts-expect-error Domain is required
    const missing: CreateDatasetGroupRequest = { DatasetGroupName: "g" };
    // @ts-expect-error not a Domain
    const wrongEnum: CreateDatasetGroupRequest = { DatasetGroupName: "g", Domain: "retail" };
    const out: ForecastOperationIO["DescribeDatasetGroup"]["output"] = { CreationTime: 1700000000 };
    assert.ok(ok && missing && wrongEnum && out);
  });
});

describe("generator", () => {
  const script = join(repoRoot, "dist", "scripts", "generate-contract.js");
  const run = (env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [script, "--check"], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, ...env },
    });

  test("committed output is up to date (--check)", () => {
    const result = run();
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  });

  test("--check fails with a clear message when the model changed", () => {
    const dir = mkdtempSync(join(tmpdir(), "openforecast-models-"));
    try {
      for (const f of readdirSync(modelsDir)) copyFileSync(join(modelsDir, f), join(dir, f));
      const file = join(dir, `${MODEL_FILES.forecast}.service-2.json`);
      const model = JSON.parse(readFileSync(file, "utf8")) as RawModel;
      (model.shapes.Name as Record<string, unknown>).max = 64;
      writeFileSync(file, JSON.stringify(model));
      const result = run({ OPENFORECAST_MODELS_DIR: dir });
      assert.equal(result.status, 1);
      assert.match(result.stderr, /stale.*src\/contract\/generated\/forecast\.ts/);
      assert.doesNotMatch(result.stderr, /forecastquery\.ts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("generated files carry the do-not-edit line and no documentation", () => {
    for (const f of ["forecast.ts", "forecastquery.ts"]) {
      const text = readFileSync(join(repoRoot, "src", "contract", "generated", f), "utf8");
      assert.equal(text.split("\n")[0], "// generated by scripts/generate-contract.ts; do not edit");
      assert.doesNotMatch(text, /<p>|documentation/);
    }
  });
});
