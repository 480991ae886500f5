import type { Scope } from "../store/resource-store.js";

/** The resource kinds as they appear in ARNs. Child kinds carry their parent's name in the ARN path. */
export type ResourceKind =
  | "dataset-group"
  | "dataset"
  | "dataset-import-job"
  | "predictor"
  | "predictor-backtest-export-job"
  | "forecast"
  | "forecast-export-job"
  | "explainability"
  | "explainability-export"
  | "monitor"
  | "monitor-check"
  | "monitor-evaluation"
  | "what-if-analysis"
  | "what-if-forecast"
  | "what-if-forecast-export";

export function buildArn(scope: Scope, kind: ResourceKind, name: string, parentName?: string): string {
  const path = parentName === undefined ? `${kind}/${name}` : `${kind}/${parentName}/${name}`;
  return `arn:aws:forecast:${scope.region}:${scope.accountId}:${path}`;
}

export interface ParsedArn {
  region: string;
  accountId: string;
  kind: string;
  /** Path segments after the kind: [name] or [parentName, name]. */
  names: string[];
}

const ARN = /^arn:aws[a-z-]*:forecast:([a-z0-9-]*):([0-9]*):([a-z-]+)\/(.+)$/;

export function parseArn(arn: string): ParsedArn | undefined {
  const m = ARN.exec(arn);
  if (!m) return undefined;
  return {
    region: m[1] as string,
    accountId: m[2] as string,
    kind: m[3] as string,
    names: (m[4] as string).split("/"),
  };
}

/** An IAM role ARN's account, or undefined when the text is not a role ARN. */
export function roleArnAccount(roleArn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:iam::([0-9]{12}):role\/.+$/.exec(roleArn);
  return m ? m[1] : undefined;
}

/** A KMS key ARN's region and account, or undefined when the text is not one. */
export function kmsKeyArnScope(keyArn: string): Scope | undefined {
  const m = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):([0-9]{12}):(key|alias)\/.+$/.exec(keyArn);
  return m ? { region: m[1] as string, accountId: m[2] as string } : undefined;
}
