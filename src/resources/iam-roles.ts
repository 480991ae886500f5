/**
 * The IAM stand-in: roles per account with their managed and inline policies, enough for the role helpers of AWS's
 * Forecast notebooks (create_role, get_role, attach/detach_role_policy, put/delete_role_policy, delete_role,
 * list_attached_role_policies). Policies are kept, never evaluated: OpenForecast does not authorize by IAM policy.
 *
 * Constraints, error codes and messages were written by hand from the IAM API reference (each action's
 * parameters and errors, and "Common Errors"): the IAM model is not among the botocore models the Forecast contract
 * is generated from. Managed policies are not catalogued: any well-formed policy ARN of AWS (`arn:aws:iam::aws:…`) or
 * of the caller's own account can be attached.
 */
import { randomBytes } from "node:crypto";
import { ServiceError } from "../errors.js";
import type { QueryHandler, QueryParams, XmlValue } from "../gateway/aws-query.js";
import type { IamRole } from "../store/iam-role-store.js";
import type { RequestContext } from "./context.js";

/** IAM's quota of managed policies per role. */
const MAX_MANAGED_POLICIES = 10;
const MAX_TAGS = 50;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const NAME = /^[\w+=,.@-]+$/;
const PATH = /^(\/|\/[\x21-\x7e]+\/)$/;
const POLICY_PATH_PREFIX = /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/;
const POLICY_TEXT = /^[\t\n\r\x20-\xff]+$/;
const DESCRIPTION = /^[\t\n\r\x20-\x7e\xa1-\xff]*$/;
const MARKER = /^[\x20-\xff]+$/;
const POLICY_ARN = /^arn:aws[a-z-]*:iam::(aws|[0-9]{12}):policy((?:\/[\x21-\x7e]+)?\/)([\w+=,.@-]+)$/;

interface StringRule {
  min: number;
  max: number;
  pattern?: RegExp;
  /** The pattern as AWS prints it in messages. */
  patternText?: string;
}

const RULES = {
  RoleName: { min: 1, max: 64, pattern: NAME, patternText: "[\\w+=,.@-]+" },
  PolicyName: { min: 1, max: 128, pattern: NAME, patternText: "[\\w+=,.@-]+" },
  Path: { min: 1, max: 512, pattern: PATH, patternText: "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)" },
  PathPrefix: {
    min: 1,
    max: 512,
    pattern: POLICY_PATH_PREFIX,
    patternText: "((/[A-Za-z0-9\\.,\\+@=_-]+)*)/",
  },
  PolicyDocument: {
    min: 1,
    max: 131072,
    pattern: POLICY_TEXT,
    patternText: "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
  },
  Description: {
    min: 0,
    max: 1000,
    pattern: DESCRIPTION,
    patternText: "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*",
  },
  PolicyArn: { min: 20, max: 2048 },
  Marker: { min: 1, max: 320, pattern: MARKER, patternText: "[\\u0020-\\u00FF]+" },
  TagKey: { min: 1, max: 128 },
  TagValue: { min: 0, max: 256 },
} satisfies Record<string, StringRule>;

/**
 * Reads and checks a request's parameters, collecting every violation into one ValidationError worded as AWS
 * words it ("1 validation error detected: Value 'x' at 'roleName' failed to satisfy constraint: …").
 */
class Input {
  private readonly problems: string[] = [];

  constructor(private readonly params: QueryParams) {}

  string(name: keyof typeof RULES, options: { required: true; member?: string }): string;
  string(name: keyof typeof RULES, options?: { required?: false; member?: string }): string | undefined;
  string(
    name: keyof typeof RULES,
    options: { required?: boolean; member?: string } = {},
  ): string | undefined {
    const key = options.member ?? name;
    const value = this.params.get(key) ?? undefined;
    const at = lowerFirst(key);
    if (value === undefined) {
      if (options.required)
        this.problems.push(`Value null at '${at}' failed to satisfy constraint: Member must not be null`);
      return undefined;
    }
    const rule: StringRule = RULES[name];
    const shown = value.length > 200 ? `${value.slice(0, 200)}…` : value;
    if (value.length < rule.min || value.length > rule.max) {
      this.problems.push(
        `Value '${shown}' at '${at}' failed to satisfy constraint: Member must have length ` +
          (rule.min === 0 ? `less than or equal to ${rule.max}` : `between ${rule.min} and ${rule.max}`),
      );
    } else if (rule.pattern && !rule.pattern.test(value)) {
      this.problems.push(
        `Value '${shown}' at '${at}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${rule.patternText}`,
      );
    }
    return value;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const text = this.params.get(name) ?? undefined;
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!/^-?[0-9]{1,12}$/.test(text) || value < min || value > max) {
      this.problems.push(
        `Value '${text}' at '${lowerFirst(name)}' failed to satisfy constraint: ` +
          `Member must have value between ${min} and ${max}`,
      );
      return undefined;
    }
    return value;
  }

  tags(): { Key: string; Value: string }[] {
    const tags: { Key: string; Value: string }[] = [];
    for (let i = 1; i <= MAX_TAGS + 1; i++) {
      const key = this.string("TagKey", { member: `Tags.member.${i}.Key` });
      if (key === undefined) break;
      const value = this.string("TagValue", { member: `Tags.member.${i}.Value` }) ?? "";
      tags.push({ Key: key, Value: value });
    }
    if (tags.length > MAX_TAGS) {
      this.problems.push(
        `Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TAGS}`,
      );
    }
    return tags;
  }

  /** Throws the collected problems, if any. */
  check(): void {
    if (this.problems.length === 0) return;
    const n = this.problems.length;
    throw new ServiceError(
      "ValidationError",
      `${n} validation error${n === 1 ? "" : "s"} detected: ${this.problems.join("; ")}`,
    );
  }
}

const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);

const noSuchRole = (name: string) =>
  new ServiceError("NoSuchEntity", `The role with name ${name} cannot be found.`, 404);

/** A policy document must be a JSON object with a Statement, as IAM's policy grammar requires. */
function checkPolicyDocument(text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ServiceError("MalformedPolicyDocument", "This policy contains invalid Json");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed) || !("Statement" in parsed)) {
    throw new ServiceError("MalformedPolicyDocument", "Syntax errors in policy.");
  }
}

function roleId(): string {
  return `AROA${Array.from(randomBytes(17), (b) => BASE32[b & 31]).join("")}`;
}

/** A role as IAM's `Role` shape; policy documents are URL-encoded in IAM's XML (the SDKs decode them). */
function roleShape(role: IamRole): XmlValue {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: new Date(role.createdAt),
    AssumeRolePolicyDocument: encodeURIComponent(role.assumeRolePolicy),
    Description: role.description ?? undefined,
    MaxSessionDuration: role.maxSessionDuration,
    Tags: role.tags.length > 0 ? role.tags : undefined,
    RoleLastUsed: {},
  };
}

async function existingRole(ctx: RequestContext, name: string): Promise<IamRole> {
  const role = await ctx.services.iamRoles.get(ctx.accountId, name);
  if (!role) throw noSuchRole(name);
  return role;
}

const CreateRole: QueryHandler = async (ctx, params) => {
  const input = new Input(params);
  const name = input.string("RoleName", { required: true });
  const document = input.string("PolicyDocument", { required: true, member: "AssumeRolePolicyDocument" });
  const path = input.string("Path") ?? "/";
  const description = input.string("Description");
  const maxSessionDuration = input.integer("MaxSessionDuration", 3600, 43200) ?? 3600;
  const permissionsBoundary = params.get("PermissionsBoundary");
  const tags = input.tags();
  input.check();
  if (permissionsBoundary !== null) {
    throw new ServiceError("InvalidInput", "Permissions boundaries are not supported by OpenForecast's IAM.");
  }
  checkPolicyDocument(document);
  const role: IamRole = {
    accountId: ctx.accountId,
    name,
    path,
    roleId: roleId(),
    arn: `arn:aws:iam::${ctx.accountId}:role${path}${name}`,
    assumeRolePolicy: document,
    description: description ?? null,
    maxSessionDuration,
    createdAt: Date.now(),
    tags,
  };
  if (!(await ctx.services.iamRoles.insert(role))) {
    throw new ServiceError("EntityAlreadyExists", `Role with name ${name} already exists.`, 409);
  }
  return { Role: roleShape(role) };
};

const GetRole: QueryHandler = async (ctx, params) => {
  const input = new Input(params);
  const name = input.string("RoleName", { required: true });
  input.check();
  return { Role: roleShape(await existingRole(ctx, name)) };
};

const DeleteRole: QueryHandler = async (ctx, params) => {
  const input = new Input(params);
  const name = input.string("RoleName", { required: true });
  input.check();
  const outcome = await ctx.services.iamRoles.delete(ctx.accountId, name);
  if (!outcome.found) throw noSuchRole(name);
  if (outcome.managed > 0) {
    throw new ServiceError("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409);
  }
  if (outcome.inline > 0) {
    throw new ServiceError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
  }
  return undefined;
};

/** The policy ARN, checked: well formed, and AWS's or the caller's own (policies of other accounts cannot be attached). */
function policyArn(ctx: RequestContext, input: Input): string {
  const arn = input.string("PolicyArn", { required: true });
  input.check();
  const m = POLICY_ARN.exec(arn);
  if (!m) throw new ServiceError("InvalidInput", `ARN ${arn} is not valid.`);
  if (m[1] !== "aws" && m[1] !== ctx.accountId) {
    throw new ServiceError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`, 404);
  }
  return arn;
}

const AttachRolePolicy: QueryHandler = async (ctx, params) => {
  const input = new Input(params);
  const name = input.string("RoleName", { required: true });
  const arn = policyArn(ctx, input);
  await existingRole(ctx, name);
  const attached = await ctx.services.iamRoles.attached(ctx.accountId, name);
  if (!attached.includes(arn) && attached.length >= MAX_MANAGED_POLICIES) {
    throw new ServiceError(
      "LimitExceeded",
      `Cannot exceed quota for PoliciesPerRole: ${MAX_MANAGED_POLICIES}`,
      409,
    );
  }
  if (!(await ctx.services.iamRoles.attach(ctx.accountId, name, arn))) throw noSuchRole(name);
  return undefined;
};

const DetachRolePolicy: QueryHandler = async (ctx, params) => {
  const input = new Input(params);
  const name = input.string("RoleName", { required: true });
  const arn = policyArn(ctx, input);
  await existingRole(ctx, name);
  if (!(await ctx.services.iamRoles.detach(ctx.accountId, name, arn))) {
    throw new ServiceError("NoSuchEntity", `Policy ${arn} was not found.`, 404);
  }
  return undefined;
};

const PutRolePolicy: QueryHandler = async (ctx, params) => {
  const input = new Input(params);
  const name = input.string("RoleName", { required: true });
  const policyName = input.string("PolicyName", { required: true });
  const document = input.string("PolicyDocument", { required: true });
  input.check();
  checkPolicyDocument(document);
  if (!(await ctx.services.iamRoles.putInline(ctx.accountId, name, policyName, document)))
    throw noSuchRole(name);
  return undefined;
};

const DeleteRolePolicy: QueryHandler = async (ctx, params) => {
  const input = new Input(params);
  const name = input.string("RoleName", { required: true });
  const policyName = input.string("PolicyName", { required: true });
  input.check();
  await existingRole(ctx, name);
  if (!(await ctx.services.iamRoles.deleteInline(ctx.accountId, name, policyName))) {
    throw new ServiceError("NoSuchEntity", `The role policy with name ${policyName} cannot be found.`, 404);
  }
  return undefined;
};

const ListAttachedRolePolicies: QueryHandler = async (ctx, params) => {
  const input = new Input(params);
  const name = input.string("RoleName", { required: true });
  const prefix = input.string("PathPrefix") ?? "/";
  const marker = input.string("Marker");
  const maxItems = input.integer("MaxItems", 1, 1000) ?? 100;
  input.check();
  await existingRole(ctx, name);
  // The marker is the position to continue from; IAM's markers are opaque, ours only need to be ours.
  let start = 0;
  if (marker !== undefined) {
    const decoded = Buffer.from(marker, "base64url").toString("utf8");
    if (!/^offset:[0-9]{1,6}$/.test(decoded)) throw new ServiceError("InvalidInput", "Invalid Marker.");
    start = Number(decoded.slice("offset:".length));
  }
  const matching = (await ctx.services.iamRoles.attached(ctx.accountId, name))
    .map((arn) => POLICY_ARN.exec(arn) as RegExpExecArray)
    .filter((m) => (m[2] as string).startsWith(prefix))
    .map((m) => ({ PolicyName: m[3] as string, PolicyArn: m[0] }));
  const page = matching.slice(start, start + maxItems);
  const truncated = start + maxItems < matching.length;
  return {
    AttachedPolicies: page,
    IsTruncated: truncated,
    Marker: truncated ? Buffer.from(`offset:${start + maxItems}`).toString("base64url") : undefined,
  };
};

export const iamActions: Readonly<Record<string, QueryHandler>> = {
  CreateRole,
  GetRole,
  DeleteRole,
  AttachRolePolicy,
  DetachRolePolicy,
  PutRolePolicy,
  DeleteRolePolicy,
  ListAttachedRolePolicies,
};

/** The role a Forecast RoleArn names, found by account and name (IAM names ignore case) with the same path. */
export async function findRoleByArn(ctx: RequestContext, roleArn: string): Promise<IamRole | undefined> {
  const m = /^arn:aws[a-z-]*:iam::([0-9]{12}):role(\/|\/[\x21-\x7e]*\/)([\w+=,.@-]{1,64})$/.exec(roleArn);
  if (!m || m[1] !== ctx.accountId) return undefined;
  const role = await ctx.services.iamRoles.get(ctx.accountId, m[3] as string);
  return role && role.path === m[2] ? role : undefined;
}
