/** The state store's interface for the roles of the STS/IAM stand-in (implementations: SQLite, PostgreSQL). */

/** One IAM role of the STS/IAM stand-in, as stored. */
export interface IamRole {
  accountId: string;
  name: string;
  /** "/" or "/a/b/". */
  path: string;
  roleId: string;
  arn: string;
  /** The trust policy exactly as the user sent it. */
  assumeRolePolicy: string;
  description: string | null;
  maxSessionDuration: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
  tags: { Key: string; Value: string }[];
}

/** Why a role could not be deleted: how many policies still hang on it. */
export interface DeleteOutcome {
  deleted: boolean;
  found: boolean;
  managed: number;
  inline: number;
}

/** IAM names are unique without regard to case: this is the key they are stored and found under. */
export const nameKey = (name: string): string => name.toLowerCase();

/**
 * Roles per account with their managed (attached by ARN) and inline (named, with a document) policies. Each
 * method is atomic.
 */
export interface IamRoleStore {
  /** Stores a new role; false when the account already has a role of that name (in any case). */
  insert(role: IamRole): Promise<boolean>;
  get(accountId: string, name: string): Promise<IamRole | undefined>;
  /** How many roles the account has created (and not deleted). */
  count(accountId: string): Promise<number>;
  /** Deletes a role that has no policies left; reports what is in the way otherwise. */
  delete(accountId: string, name: string): Promise<DeleteOutcome>;
  /** Attaches a managed policy by ARN (again is a no-op); false when the role does not exist. */
  attach(accountId: string, roleName: string, policyArn: string): Promise<boolean>;
  /** False when the policy was not attached to the role. */
  detach(accountId: string, roleName: string, policyArn: string): Promise<boolean>;
  /** Managed policy ARNs attached to the role, in the order they were attached. */
  attached(accountId: string, roleName: string): Promise<string[]>;
  /** Adds or replaces an inline policy; false when the role does not exist. */
  putInline(accountId: string, roleName: string, policyName: string, document: string): Promise<boolean>;
  /** False when the role has no inline policy of that name. */
  deleteInline(accountId: string, roleName: string, policyName: string): Promise<boolean>;
}
