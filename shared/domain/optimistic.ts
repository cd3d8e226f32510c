import { ConcurrentUpdateError } from './ports';

/** Retries a read-merge-write when another invocation changed the records in between. */
export async function withOptimisticRetry<T>(work: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || attempt >= attempts) throw error;
      // Jitter keeps two invocations racing on one record from colliding again in step.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
