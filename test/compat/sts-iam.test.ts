import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { CreateDatasetImportJobCommand } from "@aws-sdk/client-forecast";
import { ACCOUNTS, createDailyDataset, type Harness, REGION, startHarness } from "../e2e/harness.js";
import { findPython } from "./python.js";

const run = promisify(execFile);
const SCRIPT = new URL("../../../test/compat/boto3_iam_roles.py", import.meta.url).pathname;
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "forecast.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
});

/** Only what an AWS program reads: credentials, region and one endpoint variable per service. */
function awsEnv(h: Harness, account: number, secret?: string): NodeJS.ProcessEnv {
  const a = ACCOUNTS[account] as (typeof ACCOUNTS)[number];
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: a.accessKeyId,
    AWS_SECRET_ACCESS_KEY: secret ?? a.secretAccessKey,
    AWS_DEFAULT_REGION: REGION,
    AWS_ENDPOINT_URL_STS: h.service.forecastEndpoint,
    AWS_ENDPOINT_URL_IAM: h.service.forecastEndpoint,
    AWS_ENDPOINT_URL_FORECAST: h.service.forecastEndpoint,
    AWS_ENDPOINT_URL_S3: h.service.s3Endpoint,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
}

describe("STS and IAM stand-ins", () => {
  let h: Harness;
  const aws = async (account: number, ...args: string[]) => {
    const { stdout } = await run("aws", [...args, "--output", "json"], {
      env: awsEnv(h, account),
      timeout: 60_000,
    });
    return JSON.parse(stdout || "{}");
  };
  /** The error code the CLI reports for a failing command. */
  const awsError = async (env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> => {
    try {
      await run("aws", args, { env, timeout: 60_000 });
    } catch (error) {
      return (error as { stderr: string }).stderr;
    }
    throw new Error(`aws ${args.join(" ")} did not fail`);
  };

  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  test("boto3 runs the notebooks' caller identity and role helper, and a Forecast import with the role", async () => {
    const python = await findPython();
    const { stdout } = await run(python, [SCRIPT], { env: awsEnv(h, 0), timeout: 120_000 });
    const seen = JSON.parse(stdout.trim().split("\n").at(-1) as string);
    assert.deepEqual(seen.identity.Account, "111122223333");
    assert.equal(seen.identity.Arn, "arn:aws:iam::111122223333:user/openforecast-AKIATESTACCOUNTONE01");
    assert.match(seen.identity.UserId, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(seen.role_arn, "arn:aws:iam::111122223333:role/ForecastNotebookRole");
    assert.equal(seen.again_arn, seen.role_arn, "the helper's EntityAlreadyExists path finds the role");
    assert.equal(seen.trust_principal, "forecast.amazonaws.com", "the trust policy comes back as a document");
    assert.equal(seen.create_date_type, "datetime");
    assert.equal(seen.role_id_prefix, "AROA");
    assert.deepEqual(seen.attached, ["AmazonForecastFullAccess", "AmazonS3FullAccess"]);
    assert.equal(seen.import_status, "ACTIVE", seen.import_message);
    assert.equal(seen.unknown_role[0], "InvalidInputException");
    assert.match(seen.unknown_role[1], /NoSuchRole/);
    const e = seen.errors;
    assert.deepEqual(e.delete_attached, [
      "DeleteConflict",
      "Cannot delete entity, must detach all policies first.",
      409,
    ]);
    assert.deepEqual(e.malformed.slice(0, 1), ["MalformedPolicyDocument"]);
    assert.equal(e.bad_name[0], "ValidationError");
    assert.match(e.bad_name[1], /Value 'bad name!' at 'roleName' failed to satisfy constraint/);
    assert.deepEqual(e.missing_role, ["NoSuchEntity", "The role with name NoSuchRole cannot be found.", 404]);
    assert.equal(e.detach_unattached[0], "NoSuchEntity");
    assert.equal(e.missing_inline[0], "NoSuchEntity");
    assert.deepEqual(e.same_name_other_case.slice(0, 1), ["EntityAlreadyExists"], "names ignore case");
    assert.deepEqual(seen.delete_with_inline, [
      "DeleteConflict",
      "Cannot delete entity, must delete policies first.",
    ]);
    assert.deepEqual(seen.attached_after_detach, []);
    assert.equal(seen.after_delete[0], "NoSuchEntity");
  });

  test("the AWS CLI: get-caller-identity, create-role, errors, and roles kept per account", async () => {
    const identity = await aws(1, "sts", "get-caller-identity");
    assert.equal(identity.Account, "444455556666");
    const created = await aws(
      1,
      "iam",
      "create-role",
      "--role-name",
      "CliRole",
      "--assume-role-policy-document",
      TRUST,
    );
    assert.equal(created.Role.Arn, "arn:aws:iam::444455556666:role/CliRole");
    await aws(
      1,
      "iam",
      "attach-role-policy",
      "--role-name",
      "CliRole",
      "--policy-arn",
      "arn:aws:iam::aws:policy/AmazonS3FullAccess",
    );
    const listed = await aws(1, "iam", "list-attached-role-policies", "--role-name", "CliRole");
    assert.deepEqual(listed.AttachedPolicies, [
      { PolicyName: "AmazonS3FullAccess", PolicyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" },
    ]);
    // The other account neither sees the role nor is kept from creating its own of the same name.
    assert.match(await awsError(awsEnv(h, 0), "iam", "get-role", "--role-name", "CliRole"), /NoSuchEntity/);
    const own = await aws(
      0,
      "iam",
      "create-role",
      "--role-name",
      "CliRole",
      "--assume-role-policy-document",
      TRUST,
    );
    assert.equal(own.Role.Arn, "arn:aws:iam::111122223333:role/CliRole");
    assert.deepEqual(
      (await aws(0, "iam", "list-attached-role-policies", "--role-name", "CliRole")).AttachedPolicies,
      [],
    );
    await aws(0, "iam", "delete-role", "--role-name", "CliRole");
    assert.equal((await aws(1, "iam", "get-role", "--role-name", "CliRole")).Role.RoleName, "CliRole");
    // A wrong secret is the query protocol's SignatureDoesNotMatch; an unknown action is InvalidAction.
    assert.match(
      await awsError(awsEnv(h, 1, "wrong-secret-0123456789abcdefghijklmnopq"), "sts", "get-caller-identity"),
      /SignatureDoesNotMatch/,
    );
    assert.match(await awsError(awsEnv(h, 1), "iam", "list-roles"), /InvalidAction/);
  });

  test("RoleArns: any role ARN of the account while it has no roles, only its roles once it has some", async () => {
    // Account 1 has CliRole (previous test); account 0 deleted all of its roles again.
    const setup = async (account: number, name: string) => {
      const fc = h.forecast(account);
      const DatasetArn = await createDailyDataset(fc, {
        name,
        type: "TARGET_TIME_SERIES",
        fields: ["demand:float"],
      });
      return (job: string, RoleArn: string) =>
        fc.send(
          new CreateDatasetImportJobCommand({
            DatasetImportJobName: job,
            DatasetArn,
            DataSource: { S3Config: { Path: "s3://no-bucket/x.csv", RoleArn } },
          }),
        );
    };
    const withoutRoles = await setup(0, "no_roles");
    await withoutRoles("any_role", "arn:aws:iam::111122223333:role/AnythingGoes");

    const withRoles = await setup(1, "with_roles");
    await assert.rejects(withRoles("missing_role", "arn:aws:iam::444455556666:role/AnythingGoes"), {
      name: "InvalidInputException",
      message: /Could not assume the role arn:aws:iam::444455556666:role\/AnythingGoes/,
    });
    await assert.rejects(withRoles("wrong_path", "arn:aws:iam::444455556666:role/team/CliRole"), {
      name: "InvalidInputException",
    });
    await withRoles("case_of_name", "arn:aws:iam::444455556666:role/cliROLE");
    await assert.rejects(withRoles("other_account", "arn:aws:iam::111122223333:role/CliRole"), {
      name: "InvalidInputException",
      message: /across accounts/,
    });
  });
});
