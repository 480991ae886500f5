import type { S3Answer, S3Backend, S3Call } from "./s3-call.js";
import { noSuchBucket, S3Error } from "./s3-error.js";
import { checkBucketName } from "./s3-request-safety.js";
import { readBoundedBody } from "./s3-request-xml.js";
import { document, isoDate } from "./s3-xml.js";

/**
 * Bucket-level operations of the embedded endpoint: ListBuckets, CreateBucket, DeleteBucket, HeadBucket,
 * GetBucketLocation. Listings and DeleteObjects are in s3-listing-handlers.ts and s3-object-handlers.ts.
 * Access was decided before (bucket-access.ts); a bucket exists when its owner is the caller and its folder is there.
 */

/** The caller's bucket, or NoSuchBucket. */
export async function requireBucket(backend: S3Backend, call: S3Call): Promise<string> {
  const bucket = call.bucket as string;
  const owner = backend.owners.ownerOf(bucket);
  if (owner !== call.caller.accountId || (await backend.files.bucketCreated(bucket)) === undefined) {
    throw noSuchBucket(bucket);
  }
  return bucket;
}

export async function listBuckets(backend: S3Backend, call: S3Call): Promise<S3Answer> {
  const accountId = call.caller.accountId;
  const names = [...backend.owners.bucketsOf(accountId)].sort();
  const buckets: { Name: string; CreationDate: string }[] = [];
  for (const name of names) {
    const created = await backend.files.bucketCreated(name);
    if (created !== undefined) buckets.push({ Name: name, CreationDate: isoDate(created) });
  }
  return {
    status: 200,
    body: document("ListAllMyBucketsResult", {
      Owner: { ID: accountId, DisplayName: accountId },
      Buckets: { Bucket: buckets },
    }),
  };
}

/**
 * CreateBucket. The name is claimed in memory before the folder is made, so two accounts racing for a name get one
 * winner; the owner asking again is told it has it (BucketAlreadyOwnedByYou, as S3 answers outside us-east-1).
 */
export async function createBucket(backend: S3Backend, call: S3Call): Promise<S3Answer> {
  const bucket = call.bucket as string;
  checkBucketName(bucket);
  // The optional CreateBucketConfiguration (a location constraint) changes nothing here; it is read and dropped.
  await readBoundedBody(call.body(), 64 * 1024);
  const { owners, files } = backend;
  const owner = owners.ownerOf(bucket);
  if (owner !== undefined && owner !== call.caller.accountId) {
    throw new S3Error(
      "BucketAlreadyExists",
      "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
      { BucketName: bucket },
    );
  }
  if (owner !== undefined && (await files.bucketCreated(bucket)) !== undefined) {
    throw new S3Error(
      "BucketAlreadyOwnedByYou",
      "Your previous request to create the named bucket succeeded and you already own it.",
      { BucketName: bucket },
    );
  }
  owners.claim(bucket, call.caller.accountId);
  try {
    await files.createBucket(bucket);
    if (owner === undefined) await owners.save();
  } catch (error) {
    if (owner === undefined) owners.release(bucket, call.caller.accountId);
    throw error;
  }
  return { status: 200, headers: { location: `/${bucket}` } };
}

export async function deleteBucket(backend: S3Backend, call: S3Call): Promise<S3Answer> {
  const bucket = await requireBucket(backend, call);
  if (!(await backend.files.isEmpty(bucket))) {
    throw new S3Error("BucketNotEmpty", "The bucket you tried to delete is not empty", {
      BucketName: bucket,
    });
  }
  await backend.files.deleteBucket(bucket);
  backend.owners.release(bucket, call.caller.accountId);
  await backend.owners.save();
  return { status: 204 };
}

export async function headBucket(backend: S3Backend, call: S3Call): Promise<S3Answer> {
  await requireBucket(backend, call);
  return { status: 200, headers: { "x-amz-bucket-region": "us-east-1" } };
}

export async function getBucketLocation(backend: S3Backend, call: S3Call): Promise<S3Answer> {
  await requireBucket(backend, call);
  // us-east-1 is the empty constraint.
  return {
    status: 200,
    body: '<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>',
  };
}
