// @ts-check
import { defineConfig, globalIgnores } from 'eslint/config';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * The project's layers, and which may import which (README, Architecture). A forbidden import
 * fails `npm run lint`, and so CI; test/unit/architecture/boundaries.test.ts proves each rule bites.
 */
const LAYERS = [
  { type: 'contract', pattern: 'events', partialMatch: false },
  { type: 'time', pattern: 'shared/time', partialMatch: false },
  { type: 'domain', pattern: 'shared/domain', partialMatch: false },
  { type: 'adapters', pattern: 'shared/adapters', partialMatch: false },
  { type: 'runtime', pattern: 'shared/runtime', partialMatch: false },
  { type: 'shared', pattern: 'shared', partialMatch: false },
  { type: 'functions', pattern: 'functions', partialMatch: false },
  { type: 'infra', pattern: 'infra', partialMatch: false },
  { type: 'scripts', pattern: 'scripts', partialMatch: false },
  { type: 'test', pattern: 'test', partialMatch: false },
];
const PRODUCT = ['contract', 'time', 'domain', 'adapters', 'runtime', 'shared', 'functions'];
const of = (...types) => ({ element: { types: { anyOf: types } } });
const externals = (...source) => ({ module: { origin: 'external', source } });

export const BOUNDARY_POLICIES = [
  // The contract is the promise to front ends: it depends on zod and the time-zone code only.
  {
    from: of('contract'),
    disallow: { to: of(...LAYERS.map((layer) => layer.type).filter((t) => t !== 'contract' && t !== 'time')) },
  },
  { from: of('contract'), disallow: { to: externals('@aws-sdk/*', '@middy/*') } },
  // shared/time is a leaf the contract and the emails share.
  { from: of('time'), disallow: { to: of(...LAYERS.map((layer) => layer.type).filter((t) => t !== 'time')) } },
  // The domain is pure: no SDK, no adapter, no runtime, no Lambda types.
  { from: of('domain'), disallow: { to: of('adapters', 'runtime', 'functions', 'infra', 'scripts', 'test') } },
  { from: of('domain'), disallow: { to: externals('@aws-sdk/*', '@middy/*', 'aws-lambda') } },
  // What is deployed never reaches for the deployment, the tools or the tests.
  { from: of(...PRODUCT), disallow: { to: of('infra', 'scripts', 'test') } },
  { from: of('contract', 'time', 'domain', 'adapters', 'runtime', 'shared'), disallow: { to: of('functions') } },
  // Infra and scripts are leaves: the product never imports them, infra never imports the tools.
  { from: of('infra'), disallow: { to: of('scripts', 'test') } },
];

export default defineConfig(
  globalIgnores([
    'node_modules/',
    'cdk.out/',
    'coverage/',
    '.local-data/',
    'events/json-schema/',
    '.bench/',
    '.careloop/',
  ]),
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
      // Bundle size: zod/mini is zod's tree-shakable API, and its namespace import is what lets
      // esbuild drop the rest (docs/decisions/0001-zod-mini-namespace-import.md). Messages:
      // events/zod-messages.ts.
      'no-restricted-imports': [
        'error',
        {
          name: 'zod',
          message: "Use `import * as z from 'zod/mini'`: classic zod cannot be tree-shaken and grows every function.",
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: './tsconfig.json' } },
      'boundaries/elements': LAYERS,
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'allow', checkAllOrigins: true, policies: BOUNDARY_POLICIES }],
    },
  },
  {
    // Synthesized CloudFormation is untyped JSON; the infra tests walk it as such.
    files: ['test/infra/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
