import type { SqliteDatabase } from './sqlite-database.js';
import type { WriteTurnGate } from './write-turn-gate.js';

type Transaction = ReturnType<SqliteDatabase['transaction']>;
const VARIANTS = ['default', 'deferred', 'immediate', 'exclusive'] as const;

/**
 * Makes every write on this connection take its turn at the write lock (write-turn-gate.ts): each
 * statement that changes the database, each `exec` and each transaction, whoever runs it (the
 * store, the queue, the webhooks' log, the local provider), so no write can be missed. A statement
 * run inside a transaction or another write's turn is already in it. Reads take no turn: in WAL
 * mode they never wait for the lock. Applied once, to the HTTP thread's connection, before anything
 * prepares a statement on it. `written` hears of each write outside any other once it has ended,
 * even in an error (a script of several statements may have committed its first ones): each is a
 * commit a sync may have to cover, and one too many costs nothing.
 */
export function takeWriteTurns(
  db: SqliteDatabase,
  gate: Pick<WriteTurnGate, 'duringTurn'>,
  written: () => void = () => {},
): void {
  let depth = 0;
  const inTurn = <T>(write: () => T): T => {
    if (depth > 0) return write();
    depth += 1;
    try {
      return gate.duringTurn(write);
    } finally {
      depth -= 1;
      written();
    }
  };

  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    const statement = prepare(source);
    if (statement.readonly) return statement;
    const { run, get, all } = statement;
    statement.run = (...params: unknown[]) => inTurn(() => run.apply(statement, params));
    statement.get = (...params: unknown[]) => inTurn(() => get.apply(statement, params));
    statement.all = (...params: unknown[]) => inTurn(() => all.apply(statement, params));
    return statement;
  }) as SqliteDatabase['prepare'];

  const exec = db.exec.bind(db);
  db.exec = (source: string) => inTurn(() => exec(source));

  const transaction = db.transaction.bind(db);
  db.transaction = ((work: (...args: unknown[]) => unknown) => {
    const made = transaction(work);
    const wrapped = ((...args: unknown[]) => inTurn(() => made(...args))) as Transaction;
    for (const variant of VARIANTS) {
      const run = made[variant];
      Object.defineProperty(wrapped, variant, {
        value: (...args: unknown[]) => inTurn(() => run(...args)),
      });
    }
    return wrapped;
  }) as SqliteDatabase['transaction'];
}
