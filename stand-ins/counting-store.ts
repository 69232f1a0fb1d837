import type { Store } from '../shared/ports.js';

export type OperationKind = 'point-read' | 'write' | 'query';

export interface Operation {
  method: string;
  kind: OperationKind;
  /** Size of the documents read or written, as JSON (what Cosmos DB charges by). */
  bytes: number;
  /** Documents a query returned (a write of two documents in one batch counts two). */
  documents: number;
}

const kindOf = (method: string): OperationKind =>
  method.startsWith('get')
    ? 'point-read'
    : method.startsWith('list') || method.startsWith('find') || method.startsWith('search')
      ? 'query'
      : 'write';

const size = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));

/**
 * Wraps a store and records every call it gets, so a flow's cost in Cosmos DB operations can be
 * counted (point reads, writes, queries) and its request units estimated from document sizes.
 */
export function countingStore(inner: Store): { store: Store; operations: Operation[]; reset(): void } {
  const operations: Operation[] = [];
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return async (...args: unknown[]) => {
        const kind = kindOf(property);
        const result = (await (value as (...a: unknown[]) => Promise<unknown>).apply(
          target,
          args,
        )) as unknown;
        const written = args.filter((arg) => typeof arg === 'object' && arg !== null);
        const read = Array.isArray(result) ? result : result === undefined ? [] : [result];
        operations.push({
          method: property,
          kind,
          bytes:
            kind === 'write'
              ? written.reduce<number>((sum, arg) => sum + size(arg), 0)
              : read.reduce<number>((sum, r) => sum + size(r), 0),
          documents: kind === 'write' ? Math.max(1, written.length) : read.length,
        });
        return result;
      };
    },
  });
  return { store, operations, reset: () => operations.splice(0) };
}

/**
 * Request units estimated from Microsoft's published figures: a point read of a document up to
 * 1 KB costs 1 RU (and about 1 RU per further KB); a write of a 1 KB document with the indexing
 * this app uses about 5.5 RU (1 RU per further KB, doubled by indexing); a query at least 2.5 RU
 * plus about 1 RU per KB returned. Estimates, not measurements: the test server reports none.
 */
export function estimateRu(operation: Operation): number {
  const kb = Math.max(1, Math.ceil(operation.bytes / 1024));
  switch (operation.kind) {
    case 'point-read':
      return operation.documents === 0 ? 1 : kb;
    case 'write':
      return operation.documents * 5.5 + (kb - 1) * 2;
    case 'query':
      return 2.5 + kb;
  }
}
