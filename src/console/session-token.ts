import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { AccessKey } from "../identity/keys.js";

/** Who a console session belongs to: the account and region it shows, and the key it signed in with. */
export interface ConsoleSession {
  accountId: string;
  region: string;
  /** Not a secret; kept so that a session ends when its key is removed from the configuration. */
  accessKeyId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

/** How long a sign-in lasts: a working day, as the AWS console's own sessions do by default. */
export const SESSION_SECONDS = 12 * 60 * 60;

/**
 * The console's session tokens: `<payload>.<HMAC-SHA256 of the payload>`, both base64url. The payload names the
 * account, region, access key id and expiry, never the secret. The HMAC key is made once per data dir (kept in
 * the store's settings, like the page-token key), so sessions survive a restart and hold across processes that
 * share the store.
 */
export class SessionTokens {
  constructor(
    private readonly hmacKey: Buffer,
    private readonly keys: readonly AccessKey[],
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** A key from the store's settings, generated on first use. */
  static async keyFrom(
    setting: (name: string, make: () => string) => Promise<string> | string,
  ): Promise<Buffer> {
    return Buffer.from(await setting("console-session-secret", () => randomBytes(32).toString("hex")), "hex");
  }

  issue(key: AccessKey, region: string): { token: string; session: ConsoleSession } {
    const session: ConsoleSession = {
      accountId: key.accountId,
      region,
      accessKeyId: key.accessKeyId,
      expiresAt: this.now() + SESSION_SECONDS,
    };
    const payload = Buffer.from(
      JSON.stringify([session.accountId, session.region, session.accessKeyId, session.expiresAt]),
    ).toString("base64url");
    return { token: `${payload}.${this.sign(payload)}`, session };
  }

  /** The session a token stands for, or undefined when it is forged, altered, expired or its key is gone. */
  verify(token: string | undefined): ConsoleSession | undefined {
    if (!token) return undefined;
    const [payload, mac, extra] = token.split(".");
    if (!payload || !mac || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed) || parsed.length !== 4) return undefined;
    const [accountId, region, accessKeyId, expiresAt] = parsed as unknown[];
    if (
      typeof accountId !== "string" ||
      typeof region !== "string" ||
      typeof accessKeyId !== "string" ||
      typeof expiresAt !== "number" ||
      expiresAt <= this.now()
    ) {
      return undefined;
    }
    const key = this.keys.find((k) => k.accessKeyId === accessKeyId);
    if (!key || key.accountId !== accountId) return undefined;
    return { accountId, region, accessKeyId, expiresAt };
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.hmacKey).update(`console-session:${payload}`).digest("base64url");
  }
}
