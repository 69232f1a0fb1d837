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

/** One request to Cosmos DB, as the container was asked for it. */
export interface ContainerOperation extends Operation {
  /**
   * The partition key the request named: every point read and write names one; a query names one
   * only when it was given one (undefined: it fanned out over every partition).
   */
  partitionKey: string | undefined;
}

const pkOf = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : Array.isArray(value) && typeof value[0] === 'string'
      ? value[0]
      : undefined;

/**
 * Wraps a Cosmos DB container and records every request made through it: point reads, writes
 * (create, upsert, replace, patch, delete, batch) and queries, each with the partition key it
 * named and the bytes it moved. What a flow costs Cosmos DB is then counted, not assumed from the
 * port's calls, and a query that named no partition key (a fan-out) is seen.
 */
export function countingContainer<C extends object>(
  inner: C,
): { container: C; operations: ContainerOperation[]; reset(): void } {
  const operations: ContainerOperation[] = [];
  const record = (op: ContainerOperation) => operations.push(op);
  const resourceOf = (response: unknown) => (response as { resource?: unknown } | undefined)?.resource;
  const wrapItem = (item: object, pk: string | undefined) =>
    new Proxy(item, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        return async (...args: unknown[]) => {
          const kind: OperationKind = property === 'read' ? 'point-read' : 'write';
          try {
            const response = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            const bytes = kind === 'write' ? size(args[0]) : size(resourceOf(response));
            record({ method: `item.${property}`, kind, bytes, documents: 1, partitionKey: pk });
            return response;
          } catch (error) {
            record({
              method: `item.${property}`,
              kind,
              bytes: size(args[0]),
              documents: 1,
              partitionKey: pk,
            });
            throw error;
          }
        };
      },
    });
  const wrapIterator = (iterator: object, pk: string | undefined) =>
    new Proxy(iterator, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (property !== 'fetchAll' && property !== 'fetchNext') return value.bind(target);
        return async () => {
          const response = (await (value as () => Promise<{ resources: unknown[] }>).apply(target)) as {
            resources: unknown[];
          };
          record({
            method: `query.${property}`,
            kind: 'query',
            bytes: response.resources.reduce<number>((sum, r) => sum + size(r), 0),
            documents: response.resources.length,
            partitionKey: pk,
          });
          return response;
        };
      },
    });
  const items = (target: { items: object }) =>
    new Proxy(target.items, {
      get(itemsTarget, property, receiver) {
        const value = Reflect.get(itemsTarget, property, receiver) as unknown;
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        if (property === 'query') {
          return (query: unknown, options?: { partitionKey?: unknown }) =>
            wrapIterator(
              (value as (...a: unknown[]) => object).call(itemsTarget, query, options),
              pkOf(options?.partitionKey),
            );
        }
        return async (...args: unknown[]) => {
          const response = await (value as (...a: unknown[]) => Promise<unknown>).apply(itemsTarget, args);
          const batch = property === 'batch' || property === 'bulk';
          const body = batch ? (args[0] as unknown[]) : [args[0]];
          record({
            method: `items.${property}`,
            kind: 'write',
            bytes: body.reduce<number>(
              (sum, op) => sum + size((op as { resourceBody?: unknown }).resourceBody ?? op),
              0,
            ),
            documents: body.length,
            partitionKey: batch ? pkOf(args[1]) : pkOf((args[0] as { pk?: unknown } | undefined)?.pk),
          });
          return response;
        };
      },
    });
  const container = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'items') return items(target as { items: object });
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property === 'item' && typeof value === 'function') {
        return (id: string, pk: unknown) =>
          wrapItem((value as (...a: unknown[]) => object).call(target, id, pk), pkOf(pk));
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { container, operations, reset: () => operations.splice(0) };
}
