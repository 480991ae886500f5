import { SERIES_CHOICE } from "../forecasting/auto/combined-model.js";
import { readPredictorModel } from "../forecasting/auto/predictor-model.js";
import { STATUS } from "../jobs/statuses.js";
import { requireResource } from "./common.js";
import type { RequestContext } from "./context.js";

/** What a trained predictor forecasts with: the combination's components and how many series use each member. */
export interface PredictorMembers {
  /** The combination's components and their learned dataset-level weights (summing to 1). "choice" stands for
   * each series' own best member. */
  components: { name: string; weight: number }[];
  /** The metric the weights were chosen by, when they were learned. */
  metric?: string | undefined;
  /** Members by how many series' forecasts use them (with a weight above zero). */
  memberCounts: Record<string, number>;
  seriesCount: number;
}

/** The members an ACTIVE predictor chose and their weights (model.json); undefined before it is ACTIVE. */
export async function predictorMembers(
  ctx: RequestContext,
  predictorArn: string,
): Promise<PredictorMembers | undefined> {
  const predictor = await requireResource(ctx, predictorArn, ["predictor"]);
  if (predictor.status !== STATUS.ACTIVE || typeof predictor.attrs.ModelFile !== "string") return undefined;
  const model = await readPredictorModel(ctx.services.blobs, predictor.attrs.ModelFile);
  return {
    components: model.combination.components.map((name, i) => ({
      name: name === SERIES_CHOICE ? "each series' own best member" : name,
      weight: model.combination.weights[i] ?? 0,
    })),
    metric: model.combination.learned?.metric,
    memberCounts: (predictor.attrs.MemberCounts as Record<string, number> | undefined) ?? {},
    seriesCount: Number(predictor.attrs.ItemCount ?? 0),
  };
}
