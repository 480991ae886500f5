/**
 * Rows are staged in local Parquet files (Snappy: cheap, and about a third of the CSV size) before they are
 * copied into part files. The row groups are small on purpose: copying a part out of them then needs little
 * memory (DuckDB's order-keeping writers hold several groups' worth; 2M rows x 18 columns to CSV: 220 MB peak RSS
 * with 10,240 rows per group against 420-480 MB with DuckDB's default 122,880) and costs no more CPU or disk.
 */
export const STAGING_ROW_GROUP = 10_240;

export const STAGING_COPY_OPTIONS = `(FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${STAGING_ROW_GROUP})`;
