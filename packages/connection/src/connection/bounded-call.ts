/**
 * Runs a user callback and waits for it, but not for longer than `timeout` ms: then the returned
 * promise rejects with an error saying so (the callback itself cannot be stopped). A synchronous
 * throw becomes a rejection.
 */
export function callWithin(callback: () => unknown, timeout: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeout} ms`)), timeout);
  });
  const run = Promise.resolve().then(callback);
  return Promise.race([run, overdue]).then(
    () => clearTimeout(timer),
    (error: unknown) => {
      clearTimeout(timer);
      throw error;
    },
  );
}
