/**
 * The STS stand-in: GetCallerIdentity, which AWS's notebooks call first to learn their account.
 *
 * Each access key acts as its own IAM user `openforecast-<access key id>` of its account (AWS keys always belong to
 * a user or a role session; a user per key keeps two keys of one account apart). The user id is derived from the
 * access key id, so it stays the same across restarts, and has the form of an IAM user id (AIDA + 17 characters).
 */
import { createHash } from "node:crypto";
import type { QueryHandler } from "../gateway/aws-query.js";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** The IAM user name the access key stands for. */
export function callerUserName(accessKeyId: string): string {
  return `openforecast-${accessKeyId}`;
}

/** A stable IAM-style user id for the access key. */
export function callerUserId(accessKeyId: string): string {
  const digest = createHash("sha256").update(`openforecast-user:${accessKeyId}`).digest();
  return `AIDA${Array.from(digest.subarray(0, 17), (b) => BASE32[b & 31]).join("")}`;
}

const GetCallerIdentity: QueryHandler = (ctx) => ({
  Arn: `arn:aws:iam::${ctx.accountId}:user/${callerUserName(ctx.accessKeyId)}`,
  UserId: callerUserId(ctx.accessKeyId),
  Account: ctx.accountId,
});

export const stsActions: Readonly<Record<string, QueryHandler>> = { GetCallerIdentity };
