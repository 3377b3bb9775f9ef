// Bounded concurrency as a sliding window: `limit` workers each pull the next item as soon as they finish
// one, so a slow host never holds back the rest (unlike fixed batches of `forks`).

export async function runWindowed<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
  mayStart: () => boolean = () => true,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && mayStart()) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  const n = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: n }, worker));
}
