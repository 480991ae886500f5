/**
 * The fields each Amazon Forecast domain requires, per dataset type. The item identifier and target field names
 * differ by domain; the timestamp field is always `timestamp`.
 */
export interface DomainFields {
  itemId: string;
  target: string;
}

export const DOMAIN_FIELDS: Record<string, DomainFields> = {
  RETAIL: { itemId: "item_id", target: "demand" },
  CUSTOM: { itemId: "item_id", target: "target_value" },
  INVENTORY_PLANNING: { itemId: "item_id", target: "demand" },
  EC2_CAPACITY: { itemId: "instance_type", target: "number_of_instances" },
  WORK_FORCE: { itemId: "workforce_type", target: "workforce_demand" },
  WEB_TRAFFIC: { itemId: "item_id", target: "value" },
  METRICS: { itemId: "metric_name", target: "metric_value" },
};

export interface SchemaAttribute {
  AttributeName: string;
  AttributeType: string;
}

/** The model leaves both members optional; a schema needs both on every attribute. */
export function completeAttributes(
  attributes: readonly { AttributeName?: string; AttributeType?: string }[],
): SchemaAttribute[] | string {
  const out: SchemaAttribute[] = [];
  for (const [i, a] of attributes.entries()) {
    if (!a.AttributeName || !a.AttributeType)
      return `Schema attribute ${i + 1} needs both AttributeName and AttributeType.`;
    out.push({ AttributeName: a.AttributeName, AttributeType: a.AttributeType });
  }
  return out;
}

/**
 * What is wrong with a schema for a domain and dataset type, or undefined when it is fine. Checks: required
 * fields present with the right types, no duplicate names, a timestamp only where the dataset type has time.
 */
export function schemaProblem(
  domain: string,
  datasetType: string,
  attributes: readonly SchemaAttribute[],
): string | undefined {
  const fields = DOMAIN_FIELDS[domain];
  if (!fields) return `Unknown domain ${domain}.`;
  if (attributes.length === 0) return "The schema has no attributes.";
  const byName = new Map<string, string>();
  for (const a of attributes) {
    if (byName.has(a.AttributeName)) return `The schema names the attribute ${a.AttributeName} twice.`;
    byName.set(a.AttributeName, a.AttributeType);
  }
  const need = (name: string, types: readonly string[]): string | undefined => {
    const type = byName.get(name);
    if (type === undefined) {
      return `A ${datasetType} dataset of domain ${domain} needs the attribute ${name} (${types.join(" or ")}).`;
    }
    if (!types.includes(type))
      return `The attribute ${name} must be of type ${types.join(" or ")}, not ${type}.`;
    return undefined;
  };
  const problems: (string | undefined)[] = [need(fields.itemId, ["string"])];
  if (datasetType === "TARGET_TIME_SERIES") {
    problems.push(need("timestamp", ["timestamp"]), need(fields.target, ["float", "integer"]));
  } else if (datasetType === "RELATED_TIME_SERIES") {
    problems.push(need("timestamp", ["timestamp"]));
    if (byName.has(fields.target)) {
      problems.push(`A RELATED_TIME_SERIES dataset must not contain the target field ${fields.target}.`);
    }
    if (attributes.length < 3) {
      problems.push(
        "A RELATED_TIME_SERIES dataset needs at least one related field besides the item and timestamp.",
      );
    }
  } else if (datasetType === "ITEM_METADATA") {
    if (byName.has("timestamp")) problems.push("An ITEM_METADATA dataset has no timestamp attribute.");
    if (attributes.length < 2)
      problems.push("An ITEM_METADATA dataset needs at least one field besides the item.");
  }
  for (const [name, type] of byName) {
    if (type === "timestamp" && name !== "timestamp") {
      problems.push(`Only the attribute named timestamp may be of type timestamp; ${name} is too.`);
    }
  }
  return problems.find((p) => p !== undefined);
}
