import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { invalidNextToken } from "../errors.js";
import type { ResourceStore } from "../store/resource-store.js";

export interface Cursor {
  createdAt: number;
  arn: string;
}

/**
 * NextToken values: the position after the last item returned, bound to the caller and the query by an HMAC with
 * a per-data-dir secret, so a token cannot be forged, altered, or replayed by another account or another query.
 */
export class PageTokens {
  private readonly secret: Buffer;

  private constructor(secretHex: string) {
    this.secret = Buffer.from(secretHex, "hex");
  }

  /** The tokens of this installation, signed with its stored secret (made on first use). */
  static async open(store: ResourceStore): Promise<PageTokens> {
    return new PageTokens(await store.setting("page-token-secret", () => randomBytes(32).toString("hex")));
  }

  /** `binding` names everything the token must not outlive: operation, account, region, filters. */
  encode(binding: string, cursor: Cursor): string {
    const payload = Buffer.from(JSON.stringify([cursor.createdAt, cursor.arn, digest(binding)])).toString(
      "base64url",
    );
    return `${payload}.${this.sign(payload)}`;
  }

  decode(binding: string, token: string): Cursor {
    const [payload, mac, extra] = token.split(".");
    const bad = () =>
      invalidNextToken("The NextToken is not valid for this request; start the listing again without it.");
    if (!payload || !mac || extra !== undefined) throw bad();
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw bad();
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    } catch {
      throw bad();
    }
    if (!Array.isArray(parsed) || parsed.length !== 3) throw bad();
    const [createdAt, arn, bindingDigest] = parsed as [unknown, unknown, unknown];
    if (typeof createdAt !== "number" || typeof arn !== "string" || bindingDigest !== digest(binding))
      throw bad();
    return { createdAt, arn };
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.secret).update(payload).digest("base64url");
  }
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("base64url").slice(0, 22);
}
