// The contract every database backend meets, so the HTTP layer never knows whether PGlite or a real server runs the
// SQL. Backends return Postgres's text output untouched and throw Postgres's own error objects (code, severity, …).

export interface SqlQuery {
  query: string;
  /** Text parameters (or null), bound with the extended protocol so Postgres infers their types. */
  params: (string | null)[];
}

export interface FieldDescription {
  name: string;
  tableID: number;
  columnID: number;
  dataTypeID: number;
  dataTypeSize: number;
  dataTypeModifier: number;
}

/** Both drivers describe a column with these fields among others; keep only what Neon's answer carries. */
export const toFieldDescription = (f: FieldDescription): FieldDescription => ({
  name: f.name,
  tableID: f.tableID,
  columnID: f.columnID,
  dataTypeID: f.dataTypeID,
  dataTypeSize: f.dataTypeSize,
  dataTypeModifier: f.dataTypeModifier,
});

export interface StatementResult {
  fields: FieldDescription[];
  rows: (string | null)[][];
  /** First word of the command tag ('' when the server sent none, e.g. an empty query). */
  command: string;
  /** Trailing number of the command tag, null when it has none (`CREATE TABLE`). */
  rowCount: number | null;
}

export interface Backend {
  /** One statement, autocommitted. */
  runQuery(query: SqlQuery): Promise<StatementResult>;
  /**
   * `begin` (e.g. `START TRANSACTION ISOLATION LEVEL SERIALIZABLE`), the statements, COMMIT. On the first error
   * the transaction is rolled back and that error is thrown.
   */
  runTransaction(queries: SqlQuery[], begin: string): Promise<StatementResult[]>;
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}
