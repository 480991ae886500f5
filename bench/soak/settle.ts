// After the load: every resource of an account with its status, through the public List/Describe operations, to
// find those still in a transitional state (pending, in progress, stopping) once jobs had time to settle.

import {
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  type ForecastClient,
  ListDatasetGroupsCommand,
  ListDatasetImportJobsCommand,
  ListDatasetsCommand,
  ListExplainabilitiesCommand,
  ListExplainabilityExportsCommand,
  ListForecastExportJobsCommand,
  ListForecastsCommand,
  ListPredictorBacktestExportJobsCommand,
  ListPredictorsCommand,
} from "@aws-sdk/client-forecast";

export interface ResourceStatus {
  account: number;
  arn: string;
  status: string;
}

export const isTransitional = (status: string): boolean => /PENDING|IN_PROGRESS|STOPPING/.test(status);

type Page = { NextToken?: string } & Record<string, unknown>;

/** Every item of a List operation, page by page. */
async function listAll(
  fc: ForecastClient,
  make: (token?: string) => unknown,
  resultKey: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let token: string | undefined;
  do {
    const page = (await fc.send(make(token) as never)) as unknown as Page;
    items.push(...((page[resultKey] as Record<string, unknown>[] | undefined) ?? []));
    token = page.NextToken;
  } while (token);
  return items;
}

/** Every resource of the account with its status (groups and datasets through Describe, their lists have none). */
export async function resourceStatuses(fc: ForecastClient, account: number): Promise<ResourceStatus[]> {
  const out: ResourceStatus[] = [];
  const lists: [(t?: string) => unknown, string, string][] = [
    [(t) => new ListDatasetImportJobsCommand({ NextToken: t }), "DatasetImportJobs", "DatasetImportJobArn"],
    [(t) => new ListPredictorsCommand({ NextToken: t }), "Predictors", "PredictorArn"],
    [(t) => new ListForecastsCommand({ NextToken: t }), "Forecasts", "ForecastArn"],
    [(t) => new ListExplainabilitiesCommand({ NextToken: t }), "Explainabilities", "ExplainabilityArn"],
    [
      (t) => new ListExplainabilityExportsCommand({ NextToken: t }),
      "ExplainabilityExports",
      "ExplainabilityExportArn",
    ],
    [
      (t) => new ListForecastExportJobsCommand({ NextToken: t }),
      "ForecastExportJobs",
      "ForecastExportJobArn",
    ],
    [
      (t) => new ListPredictorBacktestExportJobsCommand({ NextToken: t }),
      "PredictorBacktestExportJobs",
      "PredictorBacktestExportJobArn",
    ],
  ];
  for (const [make, key, arnKey] of lists) {
    for (const item of await listAll(fc, make, key)) {
      out.push({ account, arn: String(item[arnKey]), status: String(item.Status) });
    }
  }
  for (const g of await listAll(fc, (t) => new ListDatasetGroupsCommand({ NextToken: t }), "DatasetGroups")) {
    const arn = String(g.DatasetGroupArn);
    const d = await fc.send(new DescribeDatasetGroupCommand({ DatasetGroupArn: arn })).catch(() => undefined);
    if (d) out.push({ account, arn, status: String(d.Status) });
  }
  for (const ds of await listAll(fc, (t) => new ListDatasetsCommand({ NextToken: t }), "Datasets")) {
    const arn = String(ds.DatasetArn);
    const d = await fc.send(new DescribeDatasetCommand({ DatasetArn: arn })).catch(() => undefined);
    if (d) out.push({ account, arn, status: String(d.Status) });
  }
  return out;
}
