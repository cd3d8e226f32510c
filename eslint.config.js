// @ts-check
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['node_modules/', 'cdk.out/', 'coverage/', '.local-data/', 'events/json-schema/']),
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
    // Synthesized CloudFormation is untyped JSON; the infra tests walk it as such.
    files: ['test/infra/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
