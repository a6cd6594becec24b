import { readFileSync } from 'node:fs';
import { parseDirectory, type Directory } from '../core/directory.js';
import { requireEnv } from './env.js';

// Read at cold start; a broken directory fails the function's init with every problem listed.
export const directory: Directory = parseDirectory(JSON.parse(readFileSync(requireEnv('SIGNOFF_DIRECTORY'), 'utf8')));
