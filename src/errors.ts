/**
 * An error the service answers with. `name` is the AWS error code that clients map to an exception class
 * (`__type` in the body, `x-amzn-ErrorType` in the header); it must be one the service model lists for the
 * operation, or one of the common awsJson errors (ValidationException, SerializationException, ...).
 */
export class ServiceError extends Error {
  readonly code: string;
  readonly httpStatus: number;

  constructor(code: string, message: string, httpStatus = 400) {
    super(message);
    this.name = "ServiceError";
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

export const invalidInput = (message: string) => new ServiceError("InvalidInputException", message);
export const notFound = (message: string) => new ServiceError("ResourceNotFoundException", message);
export const alreadyExists = (message: string) => new ServiceError("ResourceAlreadyExistsException", message);
export const inUse = (message: string) => new ServiceError("ResourceInUseException", message);
export const limitExceeded = (message: string) => new ServiceError("LimitExceededException", message);
export const invalidNextToken = (message: string) => new ServiceError("InvalidNextTokenException", message);
export const validation = (message: string) => new ServiceError("ValidationException", message);
