#!/usr/bin/env node
// The `rx8583` binary (package.json `bin`).
import { runProgram } from './program';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../package.json') as { version: string };

void runProgram(process.argv, version);
