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
      // Bundle size: `import { z }` binds zod's whole namespace object, so esbuild must ship all of
      // zod and its 40 locales (450 KB of every function's 1 MB); `import * as z` keeps what is used (85 KB).
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "Import zod as `import * as z from 'zod'`: the named `z` export puts all of zod in every bundle.",
        },
      ],
    },
  },
  {
    // Synthesized CloudFormation is untyped JSON; the infra tests walk it as such.
    files: ['test/infra/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
