import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  DeleteDatasetGroupCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  type ForecastClient,
  ListDatasetGroupsCommand,
  ListDatasetsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDatasetGroupCommand,
} from "@aws-sdk/client-forecast";
import { createDailyDataset, eventually, type Harness, startHarness } from "./harness.js";

const RETAIL_TARGET = {
  Attributes: [
    { AttributeName: "item_id", AttributeType: "string" as const },
    { AttributeName: "timestamp", AttributeType: "timestamp" as const },
    { AttributeName: "demand", AttributeType: "float" as const },
  ],
};

async function errorOf(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error("expected the call to fail");
}

describe("dataset groups and datasets through @aws-sdk/client-forecast", () => {
  let h: Harness;
  let fc: ForecastClient;
  before(async () => {
    h = await startHarness();
    fc = h.forecast();
  });
  after(async () => h.close());

  test("create, describe, list, update and delete a dataset group", async () => {
    const { DatasetGroupArn } = await fc.send(
      new CreateDatasetGroupCommand({
        DatasetGroupName: "retail_group",
        Domain: "RETAIL",
        Tags: [{ Key: "team", Value: "a" }],
      }),
    );
    assert.equal(DatasetGroupArn, "arn:aws:forecast:us-west-2:111122223333:dataset-group/retail_group");
    const described = await fc.send(new DescribeDatasetGroupCommand({ DatasetGroupArn }));
    assert.equal(described.Status, "ACTIVE");
    assert.equal(described.Domain, "RETAIL");
    assert.deepEqual(described.DatasetArns, []);
    assert.ok(described.CreationTime instanceof Date);
    assert.ok(Math.abs((described.CreationTime as Date).getTime() - Date.now()) < 60_000);

    const { DatasetArn } = await fc.send(
      new CreateDatasetCommand({
        DatasetName: "retail_demand",
        Domain: "RETAIL",
        DatasetType: "TARGET_TIME_SERIES",
        DataFrequency: "D",
        Schema: RETAIL_TARGET,
      }),
    );
    assert.equal(DatasetArn, "arn:aws:forecast:us-west-2:111122223333:dataset/retail_demand");
    const dataset = await fc.send(new DescribeDatasetCommand({ DatasetArn }));
    assert.equal(dataset.DataFrequency, "D");
    assert.deepEqual(dataset.Schema, RETAIL_TARGET);

    await fc.send(new UpdateDatasetGroupCommand({ DatasetGroupArn, DatasetArns: [DatasetArn as string] }));
    const updated = await fc.send(new DescribeDatasetGroupCommand({ DatasetGroupArn }));
    assert.deepEqual(updated.DatasetArns, [DatasetArn]);

    const tags = await fc.send(new ListTagsForResourceCommand({ ResourceArn: DatasetGroupArn }));
    assert.deepEqual(tags.Tags, [{ Key: "team", Value: "a" }]);

    await fc.send(new DeleteDatasetGroupCommand({ DatasetGroupArn }));
    await eventually(
      async () => {
        const e = await errorOf(fc.send(new DescribeDatasetGroupCommand({ DatasetGroupArn }))).catch(
          () => undefined,
        );
        return e?.name === "ResourceNotFoundException" ? true : undefined;
      },
      5000,
      "the dataset group to disappear",
    );
    const list = await fc.send(new ListDatasetsCommand({}));
    assert.equal(list.Datasets?.length, 1, "deleting a dataset group keeps its datasets");
  });

  test("a taken name answers ResourceAlreadyExistsException", async () => {
    await fc.send(new CreateDatasetGroupCommand({ DatasetGroupName: "taken", Domain: "CUSTOM" }));
    const e = await errorOf(
      fc.send(new CreateDatasetGroupCommand({ DatasetGroupName: "taken", Domain: "CUSTOM" })),
    );
    assert.equal(e.name, "ResourceAlreadyExistsException");
  });

  test("50 parallel creates of one name: exactly one succeeds", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        fc.send(new CreateDatasetGroupCommand({ DatasetGroupName: "raced", Domain: "RETAIL" })),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    assert.equal(ok.length, 1);
    assert.equal(failed.length, 49);
    for (const f of failed) assert.equal((f.reason as Error).name, "ResourceAlreadyExistsException");
  });

  test("constraint violations answer ValidationException in AWS wording", async () => {
    const e = await errorOf(
      fc.send(new CreateDatasetGroupCommand({ DatasetGroupName: "my-group", Domain: "RETAIL" })),
    );
    assert.equal(e.name, "ValidationException");
    assert.equal(e.status, 400);
    assert.match(
      e.message,
      /^1 validation error detected: Value 'my-group' at 'datasetGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
  });

  test("schema rules of the domain answer InvalidInputException", async () => {
    const e = await errorOf(
      fc.send(
        new CreateDatasetCommand({
          DatasetName: "no_demand",
          Domain: "RETAIL",
          DatasetType: "TARGET_TIME_SERIES",
          DataFrequency: "D",
          Schema: { Attributes: [RETAIL_TARGET.Attributes[0], RETAIL_TARGET.Attributes[1]] },
        }),
      ),
    );
    assert.equal(e.name, "InvalidInputException");
    assert.match(e.message, /demand/);
  });

  test("a dataset of another domain cannot join a group", async () => {
    const DatasetArn = await createDailyDataset(fc, {
      name: "custom_ts",
      type: "TARGET_TIME_SERIES",
      fields: ["target_value:float"],
      domain: "CUSTOM",
    });
    const e = await errorOf(
      fc.send(
        new CreateDatasetGroupCommand({
          DatasetGroupName: "mixed",
          Domain: "RETAIL",
          DatasetArns: [DatasetArn as string],
        }),
      ),
    );
    assert.equal(e.name, "InvalidInputException");
  });

  test("tags: add, overwrite, remove, limit of 50, reserved prefix", async () => {
    const { DatasetGroupArn } = await fc.send(
      new CreateDatasetGroupCommand({ DatasetGroupName: "tagged", Domain: "RETAIL" }),
    );
    const arn = DatasetGroupArn as string;
    await fc.send(
      new TagResourceCommand({
        ResourceArn: arn,
        Tags: [
          { Key: "a", Value: "1" },
          { Key: "b", Value: "2" },
        ],
      }),
    );
    await fc.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: "a", Value: "3" }] }));
    await fc.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ["b"] }));
    assert.deepEqual((await fc.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags, [
      { Key: "a", Value: "3" },
    ]);
    const reserved = await errorOf(
      fc.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: "AWS:x", Value: "1" }] })),
    );
    assert.equal(reserved.name, "InvalidInputException");
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    const limit = await errorOf(fc.send(new TagResourceCommand({ ResourceArn: arn, Tags: many })));
    assert.equal(limit.name, "LimitExceededException");
    assert.equal(
      (await fc.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags?.length,
      1,
      "nothing written",
    );
  });

  test("pagination: pages of MaxResults, newest first, forged token refused", async () => {
    for (let i = 0; i < 7; i++) {
      await fc.send(new CreateDatasetGroupCommand({ DatasetGroupName: `page_${i}`, Domain: "METRICS" }));
    }
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await fc.send(new ListDatasetGroupsCommand({ MaxResults: 3, NextToken: token }));
      names.push(...(page.DatasetGroups ?? []).map((g) => g.DatasetGroupName as string));
      token = page.NextToken;
      pages++;
    } while (token);
    const ours = names.filter((n) => n.startsWith("page_"));
    assert.deepEqual(ours, ["page_6", "page_5", "page_4", "page_3", "page_2", "page_1", "page_0"]);
    assert.ok(pages >= 3);
    const first = await fc.send(new ListDatasetGroupsCommand({ MaxResults: 1 }));
    const forged = `${(first.NextToken as string).slice(0, -2)}xx`;
    const e = await errorOf(fc.send(new ListDatasetGroupsCommand({ MaxResults: 1, NextToken: forged })));
    assert.equal(e.name, "InvalidNextTokenException");
    const other = await errorOf(
      h.forecast(1).send(new ListDatasetGroupsCommand({ MaxResults: 1, NextToken: first.NextToken })),
    );
    assert.equal(other.name, "InvalidNextTokenException", "a token of another account is refused");
  });

  test("another account (or region) sees nothing of ours", async () => {
    const { DatasetGroupArn } = await fc.send(
      new CreateDatasetGroupCommand({ DatasetGroupName: "private", Domain: "RETAIL" }),
    );
    const other = h.forecast(1);
    const e = await errorOf(other.send(new DescribeDatasetGroupCommand({ DatasetGroupArn })));
    assert.equal(e.name, "ResourceNotFoundException");
    assert.equal(e.message, `No resource found ${DatasetGroupArn}`, "Amazon's words, as for a missing one");
    const { DatasetArn } = await fc.send(
      new CreateDatasetCommand({
        DatasetName: "private_demand",
        Domain: "RETAIL",
        DatasetType: "TARGET_TIME_SERIES",
        DataFrequency: "D",
        Schema: RETAIL_TARGET,
      }),
    );
    const foreignDataset = await errorOf(
      other.send(
        new CreateDatasetGroupCommand({
          DatasetGroupName: "thief",
          Domain: "RETAIL",
          DatasetArns: [DatasetArn as string],
        }),
      ),
    );
    assert.equal(foreignDataset.name, "InvalidInputException");
    assert.equal(foreignDataset.message, `Dataset arns: [${DatasetArn}] are not found`);
    const list = await other.send(new ListDatasetGroupsCommand({}));
    assert.equal(list.DatasetGroups?.length, 0);
    const otherRegion = await errorOf(
      h.forecast(0, "eu-west-1").send(new DescribeDatasetGroupCommand({ DatasetGroupArn })),
    );
    assert.equal(otherRegion.name, "ResourceNotFoundException");
    const tag = await errorOf(
      other.send(new TagResourceCommand({ ResourceArn: DatasetGroupArn, Tags: [{ Key: "x", Value: "y" }] })),
    );
    assert.equal(tag.name, "ResourceNotFoundException");
  });
});
