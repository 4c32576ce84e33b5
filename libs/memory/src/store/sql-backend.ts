/**
 * The little the scene memory needs from a SQL connection, so that one implementation
 * serves both node-postgres (a pool) and PGlite (one embedded connection).
 */

export interface SqlResult<R> {
  readonly rows: R[];
  /** Rows a DELETE / INSERT / UPDATE touched. */
  readonly rowCount: number;
}

export interface SqlSession {
  query<R>(text: string, params?: readonly unknown[]): Promise<SqlResult<R>>;
}

export interface SqlBackend extends SqlSession {
  /** Runs `work` in one transaction on one connection (SET LOCAL settings stay inside it). */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
}
