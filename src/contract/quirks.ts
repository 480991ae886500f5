/**
 * Places where the service model's constraints are wrong for what the service really accepts. The validator
 * consults this table before the model; the generated tables stay a faithful copy of the model.
 *
 * A quirk names its place in one of two ways:
 * - `shape`: every use of that shape in the service;
 * - `site`: a member as `<Structure>.<Member>`, optionally followed by `/member` (a list's items), `/key` or
 *   `/value` (a map's keys or values), repeated for nesting. `*` matches any run of characters within one name.
 * The first matching quirk wins, so list sites before shapes. Its `constraints` replace the model's constraints
 * at that place entirely (the shape's type still comes from the model).
 */
import { withPatternMatch } from "./linear-pattern.js";
import type { Constraints } from "./model.js";
import type { ServiceName } from "./services.js";

export interface Quirk {
  readonly service: ServiceName;
  readonly site?: string;
  readonly shape?: string;
  readonly constraints: Constraints;
  /** Why the model is not followed here; shown nowhere, kept for maintainers and tests. */
  readonly why: string;
}

export const IAM_ROLE_ARN_PATTERN = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]+$";
export const KMS_KEY_ARN_PATTERN = "^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[\\w/+=,.@:-]+$";
export const FREQUENCY_PATTERN = "^([1-9][0-9]?)?(Y|M|W|D|H)$|^[1-9][0-9]?min$";
export const FILL_VALUE_PATTERN = "^[a-zA-Z0-9_.\\-]+$";

export const quirks: readonly Quirk[] = [
  {
    service: "forecast",
    site: "*.*RoleArn",
    constraints: { max: 256, pattern: IAM_ROLE_ARN_PATTERN },
    why: "role members point at the Forecast ARN shape, but they hold IAM role ARNs",
  },
  {
    service: "forecast",
    site: "Filter.Value",
    constraints: { min: 1, max: 256 },
    why: "list filters match statuses (ACTIVE, SUCCESS) as well as ARNs, yet the model types the value as an ARN",
  },
  {
    service: "forecast",
    site: "AttributeConfig.Transformations/value",
    constraints: { max: 256, pattern: FILL_VALUE_PATTERN },
    why: "fill values such as backfill_value are numbers and may be decimal; the model's pattern has no '.'",
  },
  {
    service: "forecast",
    shape: "Format",
    constraints: { enum: ["CSV", "PARQUET"] },
    why: "the model's pattern ^CSV|PARQUET$ binds the anchors to one alternative each; the intent is one of two",
  },
  {
    service: "forecast",
    shape: "KMSKeyArn",
    constraints: { max: 256, pattern: KMS_KEY_ARN_PATTERN },
    why: "the model's pattern admits any text around ':key/'; a KMS key is named by a key or alias ARN",
  },
  {
    service: "forecast",
    shape: "Frequency",
    constraints: { min: 1, max: 5, pattern: FREQUENCY_PATTERN },
    why: "the documented frequencies are an optional count before the unit (1D, 2W, 3M, 15min); the model lists few",
  },
];

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^./]*");
  return new RegExp(`^${escaped}$`);
}

// Quirk patterns are matched like the model's: translated to RE2 once, here (linear-pattern.ts).
const compiled = quirks.map((q) => ({
  quirk: { ...q, constraints: withPatternMatch(q.constraints) },
  site: q.site === undefined ? undefined : globToRegExp(q.site),
}));

/**
 * The quirk that applies at `site` (see above) to a value of `shape`, if any. `site` is undefined for the
 * top-level input, which no quirk addresses.
 */
export function findQuirk(service: ServiceName, site: string | undefined, shape: string): Quirk | undefined {
  for (const { quirk, site: pattern } of compiled) {
    if (quirk.service !== service) continue;
    if (pattern ? site !== undefined && pattern.test(site) : quirk.shape === shape) return quirk;
  }
  return undefined;
}
