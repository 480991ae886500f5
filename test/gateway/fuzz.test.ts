/**
 * A seeded, bounded fuzz of the gateway with real signed requests against the real server: every operation of
 * both models, with inputs built from the model and then broken (wrong types, missing and unknown members,
 * adversarial strings for every pattern, 10,000-deep nesting, huge numbers, odd unicode, bad bodies and headers).
 * Every answer must be under 500, every error `{__type, message}` with x-amzn-ErrorType, and each request must be
 * answered within 100 ms: a slow one is sent again once, and if it is slow again, it fails only if the server
 * (in this process) spent 100 ms of CPU on it, to tell a loaded machine from a slow request.
 *
 * FUZZ_SEED picks another seed (the failure message names the seed and request number to replay).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ShapeDef } from "../../src/contract/model.js";
import { contractOf, type ServiceName, serviceNames } from "../../src/contract/services.js";
import { createRng } from "../../src/forecasting/rng.js";
import { adversarialStrings, patternSample } from "../contract/adversarial.js";
import { type Harness, startHarness } from "../e2e/harness.js";
import { awsErrorProblem, type SignedOptions, send, signPost, type WireResponse } from "./wire.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const PER_OPERATION = 12;
const LIMIT_MS = 100;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Raw JSON text spliced into a body where a placeholder string stands (numbers JSON.stringify cannot write). */
const RAW = "\u0000raw:";

class Fuzzer {
  readonly random: () => number;
  constructor(seed: number) {
    this.random = createRng(seed);
  }

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** A plausible value for a shape: required members, some optional ones, values near their constraints. */
  valid(shapes: Readonly<Record<string, ShapeDef>>, name: string, depth = 0): Json {
    const shape = shapes[name] as ShapeDef;
    switch (shape.type) {
      case "structure": {
        const out: Record<string, Json> = {};
        const required = new Set(shape.required ?? []);
        for (const [member, target] of Object.entries(shape.members ?? {})) {
          if (required.has(member) || (depth < 6 && this.random() < 0.4))
            out[member] = this.valid(shapes, target, depth + 1);
        }
        return out;
      }
      case "list": {
        const n = Math.max(shape.min ?? 0, depth < 6 ? 1 + this.int(2) : 0);
        return Array.from({ length: n }, () => this.valid(shapes, shape.member as string, depth + 1));
      }
      case "map": {
        const key = this.valid(shapes, shape.key as string, depth + 1) as string;
        return { [key]: this.valid(shapes, shape.value as string, depth + 1) };
      }
      case "string":
        if (shape.enum) return this.pick(shape.enum);
        if (shape.pattern) return patternSample(shape.pattern).slice(0, shape.max ?? 256) || "a";
        return "value";
      case "integer":
      case "long":
        return shape.min ?? 1;
      case "double":
        return 0.5;
      case "boolean":
        return true;
      case "timestamp":
        return 1_700_000_000;
    }
  }

  /** A value of another JSON type than `value`. */
  wrongType(value: Json): Json {
    const choices: Json[] = ["text", 42, 1.5, true, [], {}, [1, "a"], { A: 1 }];
    const others = choices.filter(
      (c) => typeof c !== typeof value || Array.isArray(c) !== Array.isArray(value),
    );
    return this.pick(others);
  }

  deep(levels = 10_000): string {
    return this.random() < 0.5
      ? `${RAW}${"[".repeat(levels)}${"]".repeat(levels)}`
      : `${RAW}${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
  }

  hugeNumber(): string {
    return `${RAW}${this.pick(["1e400", "-1e400", "123456789012345678901234567890", "1.7976931348623157e308", "-0", "4.9e-324", "2147483648", "-2147483649", "9007199254740993", "1e-400"])}`;
  }

  oddString(): string {
    return this.pick([
      "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
      `${RAW}"\\ud800 lone surrogate"`,
      `${RAW}"\\udfff\\ud800"`,
      "nul\u0000inside",
      "rtl \u202e gnirts",
      "e\u0301\u0301\u0301",
      "\ufeffbom",
      "\u2028line\u2029sep",
      "ß".repeat(300),
      "",
      " ",
      "a".repeat(70_000),
    ]);
  }

  memberName(): string {
    return this.pick([
      "X",
      "__proto__",
      "constructor",
      "toString",
      "ünïcödé",
      "",
      "a.b",
      "Tags[0]",
      "\u0000",
      "𝔘",
    ]);
  }
}

interface Slot {
  /** the object or array holding the value, and its key */
  holder: Record<string, Json> | Json[];
  key: string | number;
  shape: ShapeDef;
}

/** Every place in `value` that a shape of the model describes, walked alongside the shapes. */
function slots(
  shapes: Readonly<Record<string, ShapeDef>>,
  name: string,
  value: Json,
  out: Slot[] = [],
): Slot[] {
  const shape = shapes[name] as ShapeDef;
  if (shape.type === "structure" && value && typeof value === "object" && !Array.isArray(value)) {
    for (const [member, target] of Object.entries(shape.members ?? {})) {
      if (!(member in value)) continue;
      out.push({ holder: value, key: member, shape: shapes[target] as ShapeDef });
      slots(shapes, target, value[member] as Json, out);
    }
  } else if (shape.type === "list" && Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push({ holder: value, key: i, shape: shapes[shape.member as string] as ShapeDef });
      slots(shapes, shape.member as string, item, out);
    });
  } else if (shape.type === "map" && value && typeof value === "object" && !Array.isArray(value)) {
    for (const k of Object.keys(value)) {
      out.push({ holder: value, key: k, shape: shapes[shape.value as string] as ShapeDef });
      slots(shapes, shape.value as string, value[k] as Json, out);
    }
  }
  return out;
}

function setSlot(slot: Slot, value: Json): void {
  (slot.holder as Record<string | number, Json>)[slot.key] = value;
}

/** JSON text of `value` with RAW placeholders replaced by their raw text. */
function serialize(value: Json): string {
  return JSON.stringify(value).replace(/"\\u0000raw:((?:[^"\\]|\\.)*)"/g, (_m, raw: string) =>
    JSON.parse(`"${raw}"`),
  );
}

interface FuzzCase {
  label: string;
  body: string | Buffer;
  opts: SignedOptions;
}

const MUTATIONS = [
  "none",
  "wrong type",
  "drop required",
  "unknown member",
  "adversarial string",
  "deep nesting",
  "huge number",
  "odd string",
] as const;

function operationCase(f: Fuzzer, service: ServiceName, operation: string): FuzzCase {
  const { shapes, operations, metadata } = contractOf(service);
  const op = operations[operation];
  const input: Json = op?.input ? f.valid(shapes, op.input) : {};
  const mutation = f.pick(MUTATIONS);
  const places = op?.input ? slots(shapes, op.input, input) : [];
  const top = input as Record<string, Json>;
  const label = `${service}.${operation}: ${mutation}`;
  switch (mutation) {
    case "wrong type":
      if (places.length) {
        const slot = f.pick(places);
        setSlot(slot, f.wrongType((slot.holder as Record<string | number, Json>)[slot.key] as Json));
      } else top.X = "unexpected";
      break;
    case "drop required": {
      const required = op?.input ? (shapes[op.input]?.required ?? []) : [];
      if (required.length) delete top[f.pick(required)];
      else top[f.memberName()] = null;
      break;
    }
    case "unknown member":
      top[f.memberName()] = f.pick<Json>([1, "x", [], { a: [1, { b: 2 }] }, f.deep(30), f.oddString()]);
      break;
    case "adversarial string": {
      const patterned = places.filter((s) => s.shape.pattern !== undefined);
      if (patterned.length) {
        const slot = f.pick(patterned);
        const { pattern, max = 256 } = slot.shape as { pattern: string; max?: number };
        const length = f.pick([max, max + 1, 4 * max, 65_536, 262_144]);
        setSlot(slot, f.pick(adversarialStrings(pattern, length)));
      } else top.X = `arn:aws:forecast:${":".repeat(3200)}\n`;
      break;
    }
    case "deep nesting":
      if (places.length && f.random() < 0.7) setSlot(f.pick(places), f.deep());
      else top[f.memberName()] = f.deep();
      break;
    case "huge number": {
      const numeric = places.filter((s) => ["integer", "long", "double", "timestamp"].includes(s.shape.type));
      setSlot(
        numeric.length ? f.pick(numeric) : { holder: top, key: "X", shape: { type: "double" } },
        f.hugeNumber(),
      );
      break;
    }
    case "odd string": {
      const strings = places.filter((s) => s.shape.type === "string");
      if (strings.length) setSlot(f.pick(strings), f.oddString());
      else top[f.oddString().slice(0, 20)] = f.oddString();
      break;
    }
  }
  return { label, body: serialize(input), opts: { target: `${metadata.targetPrefix}.${operation}` } };
}

/** Bodies and headers no operation's input explains. */
function protocolCases(f: Fuzzer): FuzzCase[] {
  const list = { target: "AmazonForecast.ListDatasetGroups" };
  const cases: FuzzCase[] = [
    { label: "no target", body: "{}", opts: {} },
    { label: "unknown target", body: "{}", opts: { target: "AmazonForecast.Nope" } },
    { label: "other service's prefix", body: "{}", opts: { target: "AmazonS3.ListBuckets" } },
    { label: "query operation under forecast", body: "{}", opts: { target: "AmazonForecast.QueryForecast" } },
    { label: "target is junk", body: "{}", opts: { target: `x${"\u00ff".repeat(4000)}` } },
    { label: "target is a prototype key", body: "{}", opts: { target: "AmazonForecast.__proto__" } },
    { label: "text/plain", body: "{}", opts: { ...list, headers: { "content-type": "text/plain" } } },
    { label: "no content type", body: "{}", opts: { ...list, headers: { "content-type": "" } } },
    { label: "odd content type", body: "{}", opts: { ...list, headers: { "content-type": 'a/b; c="d' } } },
  ];
  for (const body of [
    "",
    "[]",
    "null",
    "1",
    '"x"',
    "{",
    '{"a":}',
    "{}{}",
    "\ufeff{}",
    '{"MaxResults":1e400}',
  ]) {
    cases.push({ label: `body ${JSON.stringify(body)}`, body, opts: list });
  }
  cases.push({
    label: "invalid UTF-8",
    body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    opts: list,
  });
  cases.push({ label: "deep top level", body: f.deep(100_000).slice(RAW.length), opts: list });
  cases.push({
    label: "many members",
    body: JSON.stringify(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`M${i}`, i]))),
    opts: list,
  });
  cases.push({
    label: "long list",
    body: JSON.stringify({
      Tags: Array.from({ length: 20_000 }, () => ({ Key: "k", Value: "v" })),
      ResourceArn: "arn:aws:forecast:us-west-2:111122223333:dataset-group/g",
    }),
    opts: { target: "AmazonForecast.TagResource" },
  });
  cases.push({
    label: "long ARN list",
    body: JSON.stringify({
      DatasetGroupName: "g",
      Domain: "RETAIL",
      DatasetArns: Array.from({ length: 4_000 }, () => `arn:aws:forecast:${":".repeat(200)}\n`),
    }),
    opts: { target: "AmazonForecast.CreateDatasetGroup" },
  });
  return cases;
}

function allCases(seed: number): FuzzCase[] {
  const f = new Fuzzer(seed);
  const cases: FuzzCase[] = [];
  for (const service of serviceNames) {
    for (const operation of Object.keys(contractOf(service).operations)) {
      for (let i = 0; i < PER_OPERATION; i++) cases.push(operationCase(f, service, operation));
    }
  }
  return [...cases, ...protocolCases(f)];
}

/** Sends a signed case; `cpuMs` is this process's CPU time (client and in-process server) while it was served. */
async function timedPost(endpoint: string, c: FuzzCase): Promise<WireResponse & { cpuMs: number }> {
  const prepared = await signPost(endpoint, c.body, c.opts);
  const before = process.cpuUsage();
  const res = await send(endpoint, prepared);
  const used = process.cpuUsage(before);
  return { ...res, cpuMs: (used.user + used.system) / 1000 };
}

function problemWith(res: WireResponse): string | undefined {
  if (res.status >= 500) return `status ${res.status}: ${res.body.slice(0, 300)}`;
  if (res.status !== 200) return awsErrorProblem(res);
  return undefined;
}

describe(`gateway fuzz (seed ${SEED})`, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  test("no 5xx, every error AWS-shaped, every request answered within 100 ms", async () => {
    const cases = allCases(SEED);
    const endpoint = h.service.forecastEndpoint;
    const failures: string[] = [];
    const types = new Map<string, number>();
    let slowest = 0;
    let slowestLabel = "";
    let waitedForCpu = 0;
    for (const [i, c] of cases.entries()) {
      let res = await timedPost(endpoint, c);
      if (res.ms > LIMIT_MS) res = await timedPost(endpoint, c);
      // Twice over the limit in wall-clock time: slow only if the server also spent that much CPU on it (it
      // runs in this process); otherwise the time went waiting for a core on a shared machine.
      if (res.ms > LIMIT_MS && res.cpuMs <= LIMIT_MS) waitedForCpu++;
      if (res.ms > slowest) {
        slowest = res.ms;
        slowestLabel = c.label;
      }
      const problem =
        problemWith(res) ??
        (res.ms > LIMIT_MS && res.cpuMs > LIMIT_MS
          ? `took ${res.ms.toFixed(0)} ms twice, ${res.cpuMs.toFixed(0)} ms of CPU`
          : undefined);
      if (problem) failures.push(`#${i} ${c.label}: ${problem}`);
      const type = res.status === 200 ? "200" : String(res.headers["x-amzn-errortype"]);
      types.set(type, (types.get(type) ?? 0) + 1);
    }
    const health = await fetch(`${endpoint}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(failures.slice(0, 20), [], `seed ${SEED}: ${failures.length} of ${cases.length} failed`);
    // The fuzz reaches past the gateway: successes and each kind of refusal appear.
    for (const t of ["200", "ValidationException", "SerializationException", "UnknownOperationException"])
      assert.ok(types.has(t), `no ${t} among ${JSON.stringify([...types])}`);
    assert.ok(cases.length > 800, `${cases.length} cases`);
    console.log(
      `fuzz seed ${SEED}: ${cases.length} requests, slowest ${slowest.toFixed(1)} ms (${slowestLabel}), ${waitedForCpu} over ${LIMIT_MS} ms twice but under it in CPU (machine load), ${JSON.stringify([...types])}`,
    );
  });
});
