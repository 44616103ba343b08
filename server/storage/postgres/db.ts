/**
 * The PostgreSQL connection every module of the store shares: a `pg` pool whose connections
 * all use the store's schema, and `transaction()`, which runs a piece of work on one connection
 * between BEGIN and COMMIT (ROLLBACK when it throws). Modules never hold a connection across
 * awaits of their own: a query outside a transaction takes any free connection.
 */
import pg from 'pg';

/** What a module may run queries on: the pool, or one connection inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface PgDb extends Queryable {
  readonly pool: pg.Pool;
  /** The schema the store's tables are in (each test store has its own). */
  readonly schema: string;
  /**
   * Runs `work` in one transaction on one connection. Retries it (up to 5 times) when
   * PostgreSQL aborts it for a serialization failure or deadlock, which concurrent writers
   * may meet; `work` must therefore be safe to run again.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
}

// int8 (COUNT, BIGSERIAL) comes back as a string by default: these stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

const RETRYABLE = new Set(['40001', '40P01']);

/** A PostgreSQL identifier, quoted. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A pool on `connectionString` whose connections use `schema` (created when missing).
 *
 * @example
 * const db = await openPgDb('postgres://postgres@127.0.0.1:5432/test', 'public')
 */
export async function openPgDb(connectionString: string, schema: string, options: { max?: number } = {}): Promise<PgDb> {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, options: `-c search_path=${ident(schema)},public` });
  // An idle connection that dies (the server restarted) is dropped by the pool; without a
  // listener its error would be thrown from nowhere and stop the process.
  pool.on('error', () => undefined);
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
  } catch (error) {
    // Two processes starting at once both pass "IF NOT EXISTS" and one of them loses the race
    // to create it: the schema is there either way.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') {
      await pool.end();
      throw error;
    }
  }
  return {
    pool,
    schema,
    query: (text, values) => pool.query(text, values),
    async transaction(work) {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await work(client);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          const code = (error as { code?: string }).code;
          if (attempt < 5 && code && RETRYABLE.has(code)) continue;
          throw error;
        } finally {
          client.release();
        }
      }
    },
  };
}

/** The current time as stored: ISO 8601 in UTC, as the SQLite store keeps it, so text order is time order. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** `bytea` values come back as Buffers; Yjs wants plain Uint8Arrays over exactly the stored bytes. */
export function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
