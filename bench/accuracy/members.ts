// The members the accuracy benches compare, under the names the tables print. The combinations are computed
// from the members' own forecasts in the bench, so "combination" itself is not refitted here.

import { createMember, loadMembers, MEMBER_NAMES } from "../../src/forecasting/members.js";
import type { SeriesModel } from "../../src/forecasting/model.js";

await loadMembers(MEMBER_NAMES);

export function defaultMembers(): SeriesModel[] {
  return MEMBER_NAMES.filter((name) => name !== "combination").map(createMember);
}
