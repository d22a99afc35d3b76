import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const forbiddenTime = [
  { object: 'Date', property: 'now', message: 'Take a Clock from src/core instead.' },
  { object: 'performance', property: 'now', message: 'Take a Clock from src/core instead.' },
  { object: 'Math', property: 'random', message: 'Take an Rng from src/core instead.' },
];
const forbiddenTimers = ['setTimeout', 'setInterval', 'setImmediate'].map((name) => ({
  name,
  message: 'Take a Scheduler from src/core instead.',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'reports/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'fakes/**/*.ts'],
    ignores: ['src/core/**'],
    rules: {
      'no-restricted-properties': ['error', ...forbiddenTime],
      'no-restricted-globals': ['error', ...forbiddenTimers],
    },
  },
);
