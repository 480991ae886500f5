/**
 * The end-to-end tests that matter most for the state store, run again with the state in PostgreSQL (the
 * scale-out mode, `--database-url`) instead of SQLite: the README's whole flow (import, AutoPredictor, forecast,
 * QueryForecast, explainability and the exports, through the AWS CLI), kill -9 and restart during an import, and
 * the dataset tests with their race (50 parallel creates of one name: exactly one wins). The files are the same
 * ones the suite runs on SQLite; the harness reads OPENFORECAST_TEST_STORE (see harness.ts, testStoreEnv).
 */
process.env.OPENFORECAST_TEST_STORE = "postgres";
await import("./readme-walkthrough.test.js");
await import("./restart.test.js");
await import("./datasets.test.js");
