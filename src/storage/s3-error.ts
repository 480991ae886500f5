/**
 * An S3 error answer: the code and message S3 would give, and the HTTP status that goes with the code. Thrown by
 * the embedded endpoint's handlers and rendered as S3's `<Error>` document (s3-xml.ts).
 */
export class S3Error extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra elements of the `<Error>` document (BucketName, Key, UploadId, …). */
  readonly details: Record<string, string>;
  /** Extra response headers (Content-Range of an InvalidRange, …). */
  readonly headers: Record<string, string>;

  constructor(
    code: string,
    message: string,
    details: Record<string, string> = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "S3Error";
    this.code = code;
    this.status = STATUS[code] ?? 400;
    this.details = details;
    this.headers = headers;
  }
}

// Status codes from the S3 API reference, "Error responses"; codes not listed here are 400.
const STATUS: Record<string, number> = {
  AccessDenied: 403,
  CORSResponse: 403,
  InvalidAccessKeyId: 403,
  SignatureDoesNotMatch: 403,
  RequestTimeTooSkewed: 403,
  InvalidObjectState: 403,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  MethodNotAllowed: 405,
  BucketAlreadyExists: 409,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  OperationAborted: 409,
  MissingContentLength: 411,
  PreconditionFailed: 412,
  InvalidRange: 416,
  InternalError: 500,
  NotImplemented: 501,
  ServiceUnavailable: 503,
};

export const noSuchBucket = (bucket: string) =>
  new S3Error("NoSuchBucket", "The specified bucket does not exist", { BucketName: bucket });

export const noSuchKey = (key: string) =>
  new S3Error("NoSuchKey", "The specified key does not exist.", { Key: key });

export const noSuchUpload = (uploadId: string) =>
  new S3Error(
    "NoSuchUpload",
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
    { UploadId: uploadId },
  );
