// ESLint (typescript-eslint, type-aware). `npm run lint`; CI runs it. Formatting is Prettier's
// (`npm run format`), not ESLint's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Node's built-in modules, with and without the `node:` prefix. */
const NODE_BUILTINS = [
  'assert',
  'async_hooks',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'stream/promises',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.data/', 'scratch/', '**/*.gen.ts'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'devstack/*.mjs', 'test/unit/face/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Promises: every one awaited, returned, or explicitly let go with `void`.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test runs what `describe`/`it` return itself.
          allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, properties: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/only-throw-error': ['error', { allowRethrowing: true }],
      // `const { version, ...rest } = doc` is how a field is left out.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    // Workflow code is replayed: it must be deterministic and do no I/O (the SDK's sandbox
    // replaces Date, Math.random and timers with deterministic ones; nothing else is safe).
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.flatMap((name) => [name, `node:${name}`]).map((name) => ({
            name,
            message: 'workflows must not use Node built-ins: they are replayed and do no I/O',
          })),
          patterns: [
            { regex: '^node:', message: 'workflows must not use Node built-ins' },
            { regex: '^(?!@temporalio/(workflow|common)$)[^./]', message: 'workflows import only @temporalio/workflow, @temporalio/common, domain/ and workflows/' },
            {
              regex: '(^|/)(activities|stores|api|vision|codec|config|worker|simulators|screening|devstack)/',
              allowTypeImports: true,
              message: 'workflows may import only the types of activities (proxyActivities); no I/O code',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['process', 'fetch', 'performance', 'crypto', 'require', 'setImmediate', 'setInterval', 'WeakRef', 'FinalizationRegistry', 'Buffer'].map((name) => ({
          name,
          message: `${name} is not deterministic or does I/O; workflows must not use it`,
        })),
      ],
    },
  },
  {
    // Tests and benchmarks read JSON answers as they come.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
