/**
 * What an account may do on the embedded endpoint, as on Amazon S3 without bucket policies or ACLs: a bucket and
 * everything in it belong to the account that created it. Any other account is refused (403 AccessDenied) for every
 * bucket and object operation, copy sources included, and does not see the bucket in ListBuckets; creating a name
 * another account holds is BucketAlreadyExists (409).
 */

/** A request as far as access control cares. */
export interface BucketRequest {
  method: string;
  /** Undefined for service-level requests (ListBuckets). */
  bucket: string | undefined;
  /** The object key ("" for bucket-level requests). */
  key: string;
  /** The query parameter names (subresources such as `cors`, `delete`, `uploads`). */
  queryNames: readonly string[];
  /** Bucket named by x-amz-copy-source (CopyObject, UploadPartCopy). */
  copySourceBucket: string | undefined;
}

export type AccessDecision =
  | { kind: "list-buckets" }
  | { kind: "create-bucket" }
  | { kind: "delete-bucket" }
  | { kind: "allow" }
  | { kind: "deny"; code: "AccessDenied" | "BucketAlreadyExists"; message: string };

/** Decides a request from `accountId`, given who owns each bucket (`ownerOf`: undefined when nobody does). */
export function decideAccess(
  request: BucketRequest,
  accountId: string,
  ownerOf: (bucket: string) => string | undefined,
): AccessDecision {
  const { bucket } = request;
  if (bucket === undefined || bucket === "") {
    return request.method === "GET" || request.method === "HEAD"
      ? { kind: "list-buckets" }
      : { kind: "allow" };
  }
  const owner = ownerOf(bucket);
  const bucketLevel = request.key === "";
  if (bucketLevel && request.method === "PUT" && request.queryNames.length === 0) {
    if (owner !== undefined && owner !== accountId) {
      return {
        kind: "deny",
        code: "BucketAlreadyExists",
        message:
          "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
      };
    }
    return { kind: "create-bucket" };
  }
  // A bucket nobody owns does not exist: the handlers answer NoSuchBucket (NoSuchUpload, ...) as S3 would.
  if (owner !== undefined && owner !== accountId) return denied();
  const source = request.copySourceBucket;
  if (source !== undefined) {
    const sourceOwner = ownerOf(source);
    if (sourceOwner !== undefined && sourceOwner !== accountId) return denied();
  }
  if (bucketLevel && request.method === "DELETE" && request.queryNames.length === 0) {
    return { kind: "delete-bucket" };
  }
  return { kind: "allow" };
}

function denied(): AccessDecision {
  return { kind: "deny", code: "AccessDenied", message: "Access Denied" };
}

/**
 * The bucket and key a path-style request (or a virtual-host one, `<bucket>.s3[...].amazonaws.com`) addresses, and
 * the bucket of an x-amz-copy-source. Percent-decoded; undefined bucket for the service root.
 */
export function addressedBucket(
  rawUrl: string,
  hostBucket: string | undefined,
): { bucket: string | undefined; key: string; queryNames: string[] } {
  const mark = rawUrl.indexOf("?");
  const path = safeDecode(mark === -1 ? rawUrl : rawUrl.slice(0, mark));
  const queryNames =
    mark === -1 ? [] : [...new URLSearchParams(rawUrl.slice(mark + 1)).keys()].filter(isSubresource);
  if (hostBucket !== undefined) return { bucket: hostBucket, key: path.replace(/^\//, ""), queryNames };
  const [, bucket = "", ...key] = path.split("/");
  return { bucket: bucket === "" ? undefined : bucket, key: key.join("/"), queryNames };
}

/** The bucket of an x-amz-copy-source header ("bucket/key" or "/bucket/key", optionally "?versionId=…"). */
export function copySourceBucket(copySource: string | undefined): string | undefined {
  if (copySource === undefined) return undefined;
  const source = safeDecode(copySource.split("?")[0]).replace(/^\//, "");
  return source.split("/")[0];
}

// Query parameters that only shape a request (signature, listing, response overrides) are not subresources: a
// `PUT /bucket?x-id=CreateBucket` is still CreateBucket.
function isSubresource(name: string): boolean {
  const lower = name.toLowerCase();
  return !(lower.startsWith("x-amz-") || lower === "x-id" || lower.startsWith("response-"));
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
