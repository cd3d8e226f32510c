import { defineConfig } from 'vitest/config';
import LongestFirst from './test/support/longest-first';

/**
 * Two groups of test files. Unit, infra and emulator tests hold no stack of their own: they share
 * their workers' modules (no isolation), so aws-cdk-lib, zod and the SDK are imported once per
 * worker rather than once per file, which was most of what those files cost. A file that patches
 * something global (an SDK client's mock) puts it back in its afterAll. Integration and e2e files
 * start handlers, stacks and clocks, and set the environment their functions read: each keeps a
 * fresh module graph.
 */
const shared = ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts', 'test/local/**/*.test.ts'];
const isolated = ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // More workers than CI's two cores: the stack tests spend much of their time waiting (on
    // SES's rate, on retries), and their waits overlap others' work.
    maxWorkers: 4,
    testTimeout: 30_000,
    // The SDK's notice about Node 20 support ending is not news to this project (see GUIDE pins).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_METRICS_DISABLED: 'true' },
    hookTimeout: 60_000,
    sequence: { sequencer: LongestFirst },
    projects: [
      { extends: true, test: { name: 'shared', include: shared, isolate: false } },
      { extends: true, test: { name: 'isolated', include: isolated } },
    ],
  },
});
