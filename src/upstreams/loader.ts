/**
 * What every host's loaders share: DataLoader's per-key contract (a value or an Error per key,
 * in key order) and the batch-size report each batch makes (`gateway_loader_batch_size{loader}`).
 */
import DataLoader from 'dataloader';
import type { RequestObserver } from '../observability/index.ts';

/** Settles a promise into a value or an Error, the DataLoader per-key contract. */
export async function settle<T>(promise: Promise<T>): Promise<T | Error> {
  try {
    return await promise;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** The batch function, reporting each batch's size under `name`. */
export function measured<K, V>(observer: RequestObserver, name: string, batch: DataLoader.BatchLoadFn<K, V>): DataLoader.BatchLoadFn<K, V> {
  return (keys) => {
    observer.loaderBatch(name, keys.length);
    return batch(keys);
  };
}

/**
 * A loader for a host without a batch endpoint: one call per distinct key, so it still dedupes
 * and caches within the request (the pool bounds the fan-out).
 */
export function perKeyLoader<K, V, C = K>(
  observer: RequestObserver,
  name: string,
  read: (key: K) => Promise<V>,
  options?: DataLoader.Options<K, V, C>,
): DataLoader<K, V, C> {
  return new DataLoader<K, V, C>(
    measured(observer, name, (keys) => Promise.all(keys.map((key) => settle(read(key))))),
    options,
  );
}
