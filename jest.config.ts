import type { Config } from 'jest';

// Tests import workspace packages by name and run against their TypeScript sources.
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  moduleNameMapper: {
    '^@rx8583/iso8583/jpos$': '<rootDir>/packages/iso8583/src/jpos/index.ts',
    '^@rx8583/([a-z0-9-]+)$': '<rootDir>/packages/$1/src/index.ts',
  },
  transform: {
    // Type-checking is done once for the whole tree by `pnpm typecheck`; here we only transpile.
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
  },
  testTimeout: 20_000,
};

export default config;
