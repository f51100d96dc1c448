/** Two projects: fast pure unit tests, and integration tests that start real processes
 * (Temporal dev server, simulator, workers). */
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Not crawled: the Python venvs (vLLM's alone holds thousands of .js and package.json files) and state.
  modulePathIgnorePatterns: ['<rootDir>/.venv/', '<rootDir>/.venv-vllm/', '<rootDir>/.maft/', '<rootDir>/dist/'],
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
  ],
};
