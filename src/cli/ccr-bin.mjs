#!/usr/bin/env node
// `npx ccr …`: runs the TypeScript command line under tsx (npm puts Node 24 first on PATH).
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { runCcr } = await import('./ccr.ts');
process.exitCode = await runCcr(process.argv.slice(2));
