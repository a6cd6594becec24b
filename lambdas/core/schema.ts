import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { SINGLE_LINE_MESSAGE, codePointName, lineBreakingCharacter } from './request/limits.js';

// Validation for everything the functions bundle uses zod/mini, imported directly in each module
// (`import * as z from 'zod/mini'`): unlike `import { z } from 'zod'`, esbuild can tree-shake it, which
// is worth ~400 KiB per bundle (docs/decisions.md). Importing this module sets English messages.
z.config(en());

/** A check for single-line fields (titles, ids, handles): no line break or other control character (issue #11). */
export function singleLine(): z.core.$ZodCheck<string> {
  return z.refine((value: string) => lineBreakingCharacter(value) === undefined, {
    error: (issue) => `${SINGLE_LINE_MESSAGE} (found ${codePointName(lineBreakingCharacter(String(issue.input)) ?? '')})`,
  });
}
