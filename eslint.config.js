// @ts-check
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['node_modules/', 'cdk.out/', 'coverage/', '.local-data/', 'events/json-schema/', '.bench/']),
  tseslint.configs.recommended,
  {
    rules: {
      // `_`-prefixed names mark values left unused on purpose (destructuring to drop a field).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    rules: {
      // Bundle size: zod/mini is zod's tree-shakable API (38 KB in a function, not 96 KB), and its
      // namespace import is what lets esbuild drop the rest. Messages: events/zod-messages.ts.
      'no-restricted-imports': [
        'error',
        { name: 'zod', message: "Use `import * as z from 'zod/mini'`: classic zod adds ~60 KB to every function." },
      ],
    },
  },
  {
    // Synthesized CloudFormation is untyped JSON; the infra tests walk it as such.
    files: ['test/infra/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
