/**
 * A client built at its first use and kept: `build` runs once, and the callers that come while it
 * runs share it. A build that fails is forgotten, so the next use tries again (a module that
 * failed to load, a transient error) instead of failing forever.
 *
 * The SDKs are big (each takes 100-300 ms to import on a cold instance), and a deployment uses few
 * of them: the clients of management, publishing and each provider are built through this with a
 * dynamic `import()`, so a cold start loads only what its first request needs.
 */
export function lazily<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };
}
