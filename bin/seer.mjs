#!/usr/bin/env node
// The `seer` command: registers the TypeScript loader (tsx) and hands over to src/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
