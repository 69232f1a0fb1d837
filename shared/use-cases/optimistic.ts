import { ConcurrencyError } from '../errors.js';

/**
 * Runs a read-modify-write until it wins. ETag races are expected (two messages of one customer,
 * two assigners meeting at one agent); each attempt re-reads, so the loser sees the winner's write.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, maxAttempts = 20): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || tries >= maxAttempts) throw error;
    }
  }
}
