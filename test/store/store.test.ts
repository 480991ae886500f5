import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { DataDirInUse } from "../../src/store/data-dir-lock.js";
import type { ResourceRecord } from "../../src/store/resource-store.js";
import { openStateStore, type StateStore } from "../../src/store/state-store.js";
import { ENGINES, openTestStore, record } from "./stores.js";

for (const engine of ENGINES) {
  describe(`state store on ${engine}`, () => {
    let store: StateStore;
    let close: () => Promise<void>;
    before(async () => {
      ({ store, close } = await openTestStore(engine));
    });
    after(async () => close());

    test("insert, get, update with a shallow merge (undefined removes), refs, tags and delete", async () => {
      const r = store.resources;
      const group = record("g1", { attrs: { Domain: "RETAIL", Nested: { a: [1, 2.5, "x"] } } });
      assert.deepEqual(
        await r.insert({ record: group, refs: ["ds-a", "ds-b"], tags: [{ Key: "k", Value: "v" }] }),
        {
          inserted: true,
        },
      );
      assert.deepEqual(await r.get(group.arn), group);
      assert.deepEqual(await r.insert({ record: group }), { inserted: false, reason: "exists" });
      const updated = await r.update(group.arn, { attrs: { Domain: undefined, Extra: 0.1 }, message: "m" });
      assert.deepEqual(updated?.attrs, { Nested: { a: [1, 2.5, "x"] }, Extra: 0.1 });
      assert.deepEqual((await r.get(group.arn))?.attrs, updated?.attrs);
      assert.equal((await r.get(group.arn))?.message, "m");
      assert.equal(await r.update(group.arn, { status: "X" }, { status: ["CREATE_PENDING"] }), undefined);
      assert.equal((await r.referrers("ds-a"))[0]?.arn, group.arn);
      await r.update(group.arn, {}, undefined, ["ds-c"]);
      assert.deepEqual(await r.referrers("ds-a"), []);
      assert.equal((await r.referrers("ds-c")).length, 1);
      assert.deepEqual(await r.tags(group.arn), [{ Key: "k", Value: "v" }]);
      assert.equal(await r.delete(group.arn), true);
      assert.equal(await r.get(group.arn), undefined);
      assert.deepEqual(await r.tags(group.arn), []);
    });

    test("list: newest first, filters on columns and attributes, pages after a position", async () => {
      const r = store.resources;
      const records = [1, 2, 3, 4].map((i) =>
        record(`l${i}`, {
          kind: "listed",
          status: i % 2 ? "ACTIVE" : "CREATE_FAILED",
          attrs: { Group: `g${i % 2}` },
        }),
      );
      for (const rec of records) await r.insert({ record: rec });
      const scope = { accountId: "111122223333", region: "us-west-2" };
      const all = await r.list({ kind: "listed", scope, conditions: [], limit: 10 });
      assert.deepEqual(
        all.map((x) => x.name),
        ["l4", "l3", "l2", "l1"],
      );
      const page = await r.list({
        kind: "listed",
        scope,
        conditions: [],
        after: { createdAt: all[1]?.createdAt as number, arn: all[1]?.arn as string },
        limit: 10,
      });
      assert.deepEqual(
        page.map((x) => x.name),
        ["l2", "l1"],
      );
      const active = await r.list({
        kind: "listed",
        scope,
        conditions: [{ field: "status", value: "ACTIVE", equals: true }],
        limit: 10,
      });
      assert.deepEqual(
        active.map((x) => x.name),
        ["l3", "l1"],
      );
      const notG1 = await r.list({
        kind: "listed",
        scope,
        conditions: [{ field: "Group", value: "g1", equals: false }],
        limit: 10,
      });
      assert.deepEqual(
        notG1.map((x) => x.name),
        ["l4", "l2"],
      );
      assert.equal(await r.countActive("listed", scope, ["ACTIVE"]), 2);
    });

    test("tags: the limit refuses the whole call; settings are made once", async () => {
      const r = store.resources;
      const rec = record("tagged");
      await r.insert({ record: rec });
      const tags = (n: number, prefix: string) =>
        Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${i}`, Value: "v" }));
      assert.equal(await r.putTags(rec.arn, tags(3, "a"), 4), true);
      assert.equal(await r.putTags(rec.arn, tags(2, "b"), 4), false);
      assert.equal((await r.tags(rec.arn)).length, 3);
      await r.removeTags(rec.arn, ["a0", "a1"]);
      assert.deepEqual(await r.tags(rec.arn), [{ Key: "a2", Value: "v" }]);
      const first = await r.setting("secret", () => "one");
      assert.equal(first, "one");
      assert.equal(await r.setting("secret", () => "two"), "one");
    });

    test("50 concurrent inserts of one name: exactly one wins", async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.resources.insert({ record: record("raced", { attrs: { attempt: i } }) }),
        ),
      );
      assert.equal(outcomes.filter((o) => o.inserted).length, 1);
      assert.equal(outcomes.filter((o) => !o.inserted && o.reason === "exists").length, 49);
    });

    test("guards hold under concurrency: one busy child per parent, at most `limit` active", async () => {
      const r = store.resources;
      const parent = record("parent");
      await r.insert({ record: parent });
      const children = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          r.insert({
            record: record(`child${i}`, { kind: "child", parentArn: parent.arn, status: "CREATE_PENDING" }),
            guard: { noChild: { parentArn: parent.arn, statuses: ["CREATE_PENDING", "CREATE_IN_PROGRESS"] } },
          }),
        ),
      );
      assert.equal(children.filter((o) => o.inserted).length, 1);
      assert.equal(children.filter((o) => !o.inserted && o.reason === "child").length, 19);

      const scope = { accountId: "111122223333", region: "us-west-2" };
      const limited = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          r.insert({
            record: record(`export${i}`, { kind: "export", status: "CREATE_PENDING" }),
            guard: { maxActive: { kind: "export", scope, statuses: ["CREATE_PENDING"], limit: 3 } },
          }),
        ),
      );
      assert.equal(limited.filter((o) => o.inserted).length, 3);
      assert.equal(await r.countActive("export", scope, ["CREATE_PENDING"]), 3);
    });

    test("a maxChildren guard holds under concurrency: 60 racing inserts under a parent with 45 make 5", async () => {
      const r = store.resources;
      const parent = record("crowded");
      const other = record("other-parent");
      await r.insert({ record: parent });
      await r.insert({ record: other });
      const child = (name: string, fields: Partial<ResourceRecord> = {}) =>
        record(name, { kind: "counted", parentArn: parent.arn, status: "ACTIVE", ...fields });
      for (let i = 0; i < 45; i++) await r.insert({ record: child(`early${i}`) });
      // Neither another kind under the parent nor the same kind under another parent counts.
      await r.insert({ record: child("not-counted", { kind: "other-kind" }) });
      await r.insert({ record: child("elsewhere", { parentArn: other.arn }) });
      const guard = { maxChildren: { parentArn: parent.arn, kind: "counted", limit: 50 } };
      const outcomes = await Promise.all(
        Array.from({ length: 60 }, (_, i) => r.insert({ record: child(`raced${i}`), guard })),
      );
      assert.equal(outcomes.filter((o) => o.inserted).length, 5);
      // Each refusal reports the count the guard saw: 50, never fewer (no insert passed on a stale count).
      const counts = outcomes.flatMap((o) => (!o.inserted && o.reason === "limit" ? [o.count] : []));
      assert.deepEqual(counts, Array(55).fill(50));
      assert.equal((await r.children(parent.arn)).filter((c) => c.kind === "counted").length, 50);
      // A taken name under the limit is still "exists"; under another parent the count starts again.
      const free = { maxChildren: { parentArn: other.arn, kind: "counted", limit: 50 } };
      assert.deepEqual(
        await r.insert({ record: child("elsewhere", { parentArn: other.arn }), guard: free }),
        {
          inserted: false,
          reason: "exists",
        },
      );
      assert.deepEqual(
        await r.insert({ record: child("elsewhere2", { parentArn: other.arn }), guard: free }),
        { inserted: true },
      );
    });

    test("claims: concurrent claimers never take the same job; leases renew, expire and are taken back", async () => {
      const r = store.resources;
      const jobs = Array.from({ length: 8 }, (_, i) =>
        record(`job${i}`, { kind: "job", status: "CREATE_PENDING" }),
      );
      for (const job of jobs) await r.insert({ record: job });
      // Earlier tests left other CREATE_PENDING rows: claim until nothing is left, 3 claimers at a time.
      const claims = await Promise.all(
        Array.from({ length: 40 }, (_, i) => r.claimNext(`owner-${i % 3}`, 60_000, [])),
      );
      const claimed = claims.filter((c) => c !== undefined).map((c) => c.record.arn);
      assert.equal(new Set(claimed).size, claimed.length, "no job claimed twice");
      const ours = jobs.map((j) => j.arn);
      assert.deepEqual(claimed.filter((arn) => ours.includes(arn)).sort(), [...ours].sort());
      const first = claims.find((c) => c?.record.kind === "job");
      assert.ok(first);
      const owner = (await r.lease(first.record.arn))?.owner as string;
      assert.deepEqual(await r.renewLeases(owner, [first.record.arn], 60_000), [
        { arn: first.record.arn, status: "CREATE_IN_PROGRESS" },
      ]);
      assert.deepEqual(await r.renewLeases("someone-else", [first.record.arn], 60_000), []);
      // Not expired: a sweep leaves it alone; a write under another owner's name is refused.
      assert.deepEqual((await r.recoverExpired("sweeper", 60_000, { all: false })).requeued, []);
      assert.equal(
        await r.update(first.record.arn, { status: "ACTIVE" }, { leaseOwner: "someone-else" }),
        undefined,
      );
      // Expired (a lease of 1 ms): the sweep takes it back to CREATE_PENDING.
      await r.renewLeases(owner, [first.record.arn], 1);
      await new Promise((res) => setTimeout(res, 20));
      const recovered = await r.recoverExpired("sweeper", 60_000, { all: false });
      assert.deepEqual(recovered.requeued, [first.record.arn]);
      assert.equal((await r.get(first.record.arn))?.status, "CREATE_PENDING");
      // The single runner of an embedded data dir takes back everything at start, expired or not.
      const all = await r.recoverExpired("restart", 60_000, { all: true });
      assert.deepEqual(
        ours.filter((arn) => all.requeued.includes(arn)),
        ours.filter((arn) => arn !== first.record.arn),
      );
    });

    test("complete applies the publish writes only with the status change", async () => {
      const r = store.resources;
      const dataset = record("dataset");
      const job = record("import", { kind: "import", status: "CREATE_PENDING" });
      await r.insert({ record: dataset });
      await r.insert({ record: job });
      let claim = await r.claimNext("runner-a", 60_000, []);
      while (claim && claim.record.arn !== job.arn) claim = await r.claimNext("runner-a", 60_000, []);
      assert.ok(claim);
      const writes = {
        updates: [{ arn: dataset.arn, attrs: { DataFile: "key" } }],
        inserts: [{ record: record("explained", { parentArn: job.arn }) }],
      };
      const refused = await r.complete(job.arn, { status: "ACTIVE" }, { leaseOwner: "runner-b" }, writes);
      assert.equal(refused, undefined);
      assert.equal((await r.get(dataset.arn))?.attrs.DataFile, undefined);
      const done = await r.complete(
        job.arn,
        { status: "ACTIVE" },
        { status: ["CREATE_IN_PROGRESS"], leaseOwner: "runner-a" },
        writes,
      );
      assert.equal(done?.status, "ACTIVE");
      assert.equal((await r.get(dataset.arn))?.attrs.DataFile, "key");
      assert.equal((await r.children(job.arn)).length, 1);
    });

    test("NUL, lone surrogates and the escape mark in text and attributes round-trip (PostgreSQL escapes them)", async () => {
      const r = store.resources;
      // Every shape the PostgreSQL escape must tell apart: NUL, the mark U+FFFF, the mark followed by what an
      // escape looks like, a backslash-u text that is not an escape, a lone surrogate, NUL in a key.
      const tricky = [
        "a\u0000b",
        "\uffff",
        "\uffff0000",
        "\uffff\uffff",
        "\\u0000",
        "x\ud800y",
        "\u0000\uffff\u0001",
      ];
      const attrs = {
        Values: tricky,
        Nested: { "k\u0000ey": "v\u0000", "\uffff": tricky[3] },
        Plain: "p\u0000",
      };
      const rec = record("nul-text", { attrs, message: "failed on a\u0000b and \uffff0000" });
      assert.deepEqual(await r.insert({ record: rec, tags: [{ Key: "t\u0000", Value: "v\u0000\uffff" }] }), {
        inserted: true,
      });
      assert.deepEqual(await r.get(rec.arn), rec);
      assert.deepEqual(await r.tags(rec.arn), [{ Key: "t\u0000", Value: "v\u0000\uffff" }]);
      // An attribute compared in a list (attrs ->> key on PostgreSQL) matches the same text.
      const scope = { accountId: rec.accountId, region: rec.region };
      const byAttr = await r.list({
        kind: rec.kind,
        scope,
        conditions: [{ field: "Plain", value: "p\u0000", equals: true }],
        limit: 10,
      });
      assert.deepEqual(
        byAttr.map((x) => x.arn),
        [rec.arn],
      );
      const updated = await r.update(rec.arn, {
        message: "\u0000",
        attrs: { Plain: undefined, "n\u0000ew": "\ud800\u0000" },
      });
      assert.deepEqual(updated, await r.get(rec.arn));
      assert.equal(updated?.message, "\u0000");
      assert.deepEqual(updated?.attrs, { Values: tricky, Nested: attrs.Nested, "n\u0000ew": "\ud800\u0000" });
      // An ARN with a NUL names nothing (a lookup, not an error).
      assert.equal(await r.get(`${rec.arn}\u0000`), undefined);
      assert.deepEqual(await r.tags(`${rec.arn}\u0000`), []);
      assert.equal(await r.setting("nul\u0000key", () => "v\u0000"), "v\u0000");
      await r.removeTags(rec.arn, ["t\u0000"]);
      assert.deepEqual(await r.tags(rec.arn), []);
    });

    test("IAM roles: case-insensitive names, policies in the way of a delete", async () => {
      const iam = store.iamRoles;
      const role = {
        accountId: "111122223333",
        name: "Reader",
        path: "/",
        roleId: "AROAEXAMPLE",
        arn: "arn:aws:iam::111122223333:role/Reader",
        assumeRolePolicy: "{}",
        description: null,
        maxSessionDuration: 3600,
        createdAt: Date.now(),
        tags: [{ Key: "a", Value: "b" }],
      };
      assert.equal(await iam.insert(role), true);
      assert.equal(await iam.insert({ ...role, name: "READER" }), false);
      assert.deepEqual(await iam.get("111122223333", "reader"), role);
      assert.equal(await iam.count("111122223333"), 1);
      assert.equal(await iam.attach("111122223333", "reader", "arn:aws:iam::aws:policy/X"), true);
      assert.equal(await iam.attach("111122223333", "nobody", "arn:aws:iam::aws:policy/X"), false);
      assert.equal(await iam.putInline("111122223333", "Reader", "inline1", "{}"), true);
      assert.deepEqual(await iam.delete("111122223333", "Reader"), {
        deleted: false,
        found: true,
        managed: 1,
        inline: 1,
      });
      assert.equal(await iam.detach("111122223333", "Reader", "arn:aws:iam::aws:policy/X"), true);
      assert.equal(await iam.deleteInline("111122223333", "Reader", "inline1"), true);
      assert.deepEqual(await iam.attached("111122223333", "Reader"), []);
      assert.equal((await iam.delete("111122223333", "Reader")).deleted, true);
    });
  });
}

describe("the embedded data dir serves one process", () => {
  test("a second open of the same data dir is refused with a clear error until the first closes", async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "of-lock-"));
    try {
      const first = await openStateStore({ dataDir });
      await assert.rejects(openStateStore({ dataDir }), (error: unknown) => {
        assert.ok(error instanceof DataDirInUse);
        assert.match(error.message, /Another OpenForecast process is already serving the data dir/);
        return true;
      });
      await first.close();
      const again = await openStateStore({ dataDir });
      assert.equal(again.singleRunner, true);
      await again.close();
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
