// Flat config: typescript-eslint's recommended rules over the TypeScript sources, tests and benchmarks.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['lib/**', 'lib-test/**', 'node_modules/**', 'fedomop/labextension/**', 'ui-tests/**', '.venv/**', 'test/kernel/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read loosely typed JSON answers from real services.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'src/**/*.spec.ts', 'src/**/*.spec.tsx', 'src/**/*.spec-util.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
