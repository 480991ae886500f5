/** What kind of problem stopped the preparation, for callers that want more than the message (tests, logs). */
export type SeriesProblem =
  | "BAD_FREQUENCY"
  | "BAD_BOUNDARY"
  | "BAD_FIELD"
  | "BAD_TRANSFORMATION"
  | "BAD_HOLIDAY_COUNTRY"
  | "BAD_HORIZON"
  | "NO_DATA"
  | "TOO_MANY_SERIES"
  | "DUPLICATE_METADATA"
  | "RELATED_HORIZON";

/**
 * Why a dataset group's data cannot become the series a predictor trains on. Like ImportError it is not a
 * ServiceError: the predictor was accepted, its job failed, and this message is the job's `Message`, so it says
 * what to change (the field, the item, the setting) in the user's own terms.
 */
export class SeriesPreparationError extends Error {
  readonly problem: SeriesProblem;

  constructor(problem: SeriesProblem, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SeriesPreparationError";
    this.problem = problem;
  }
}
