/**
 * The real proof: requests produced by the AWS SDK for JavaScript v3 and by boto3, captured off the wire by a
 * tiny HTTP server, must verify; and the same captured requests, tampered, must not.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseQuery } from "node:querystring";
import { after, before, describe, test } from "node:test";
import {
  CreateDatasetGroupCommand,
  ForecastClient,
  ListDatasetGroupsCommand,
} from "@aws-sdk/client-forecast";
import { ForecastqueryClient, QueryForecastCommand } from "@aws-sdk/client-forecastquery";
import { createVerifier, type IncomingSigned } from "../../src/identity/sigv4.js";
import { findPython } from "../compat/python.js";
import { KEY } from "./signing.js";

let server: Server;
let endpoint: string;
const captured: IncomingSigned[] = [];

function toIncoming(req: IncomingMessage, body: Buffer): IncomingSigned {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return {
    method: req.method ?? "GET",
    path: q < 0 ? url : url.slice(0, q),
    query: (q < 0 ? {} : parseQuery(url.slice(q + 1))) as Record<string, string | string[]>,
    headers: req.headers,
    body,
  };
}

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      captured.push(toIncoming(req, Buffer.concat(chunks)));
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function captureOne(send: () => Promise<unknown>): Promise<IncomingSigned> {
  const before = captured.length;
  await send();
  assert.equal(captured.length, before + 1, "exactly one request was sent");
  return captured[before];
}

const verifier = createVerifier({ keys: [KEY], services: ["forecast"] });
const credentials = { accessKeyId: KEY.accessKeyId, secretAccessKey: KEY.secretAccessKey };

async function assertVerifiesAndTamperFails(req: IncomingSigned, region: string): Promise<void> {
  assert.ok(req.body.length > 0, "the request has a body to tamper with");
  assert.deepEqual(await verifier.verify(req), {
    accountId: KEY.accountId,
    region,
    accessKeyId: KEY.accessKeyId,
  });
  const body = Buffer.from(req.body);
  body[body.length - 2] ^= 1;
  await assert.rejects(verifier.verify({ ...req, body }), { code: "InvalidSignatureException" });
  const target = String(req.headers["x-amz-target"]).replace(/\.\w+$/, ".DeleteDatasetGroup");
  await assert.rejects(verifier.verify({ ...req, headers: { ...req.headers, "x-amz-target": target } }), {
    code: "InvalidSignatureException",
  });
}

describe("requests from real AWS clients verify", () => {
  test("@aws-sdk/client-forecast and client-forecastquery", async () => {
    const forecast = new ForecastClient({ region: "eu-west-1", endpoint, credentials, maxAttempts: 1 });
    const list = await captureOne(() => forecast.send(new ListDatasetGroupsCommand({ MaxResults: 5 })));
    assert.equal(list.headers["x-amz-target"], "AmazonForecast.ListDatasetGroups");
    await assertVerifiesAndTamperFails(list, "eu-west-1");

    // Non-ASCII and characters JSON escapes in the body, several headers.
    const create = await captureOne(() =>
      forecast.send(
        new CreateDatasetGroupCommand({
          DatasetGroupName: "group_1",
          Domain: "CUSTOM",
          Tags: [{ Key: "note", Value: 'prévision  "quoted" / slash' }],
        }),
      ),
    );
    await assertVerifiesAndTamperFails(create, "eu-west-1");

    const query = new ForecastqueryClient({ region: "ap-south-1", endpoint, credentials, maxAttempts: 1 });
    const q = await captureOne(() =>
      query.send(
        new QueryForecastCommand({
          ForecastArn: "arn:aws:forecast:ap-south-1:111122223333:forecast/f",
          Filters: { item_id: "a" },
        }),
      ),
    );
    assert.equal(q.headers["x-amz-target"], "AmazonForecastRuntime.QueryForecast");
    await assertVerifiesAndTamperFails(q, "ap-south-1");
  });

  test("boto3", async () => {
    const script = `
import boto3, sys
s = boto3.session.Session(aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3], region_name="us-west-2")
c = s.client("forecast", endpoint_url=sys.argv[1])
c.list_dataset_groups(MaxResults=5)
c.create_dataset_group(DatasetGroupName="g1", Domain="CUSTOM", Tags=[{"Key": "k", "Value": "valeur  été"}])
q = s.client("forecastquery", endpoint_url=sys.argv[1])
q.query_forecast(ForecastArn="arn:aws:forecast:us-west-2:111122223333:forecast/f", Filters={"item_id": "a"})
`;
    const before = captured.length;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      AWS_EC2_METADATA_DISABLED: "true",
    };
    const args = ["-c", script, endpoint, KEY.accessKeyId, KEY.secretAccessKey];
    const python = await findPython();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(python, args, { env, stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr.on("data", (d: Buffer) => {
        err += d.toString();
      });
      child.on("error", reject);
      child.on("close", (exitCode) => resolve({ code: exitCode, stderr: err }));
    });
    assert.equal(code, 0, stderr);
    const requests = captured.slice(before);
    assert.deepEqual(
      requests.map((r) => r.headers["x-amz-target"]),
      [
        "AmazonForecast.ListDatasetGroups",
        "AmazonForecast.CreateDatasetGroup",
        "AmazonForecastRuntime.QueryForecast",
      ],
    );
    for (const req of requests) await assertVerifiesAndTamperFails(req, "us-west-2");
  });
});
