import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// Validation for everything the functions bundle uses zod/mini, imported directly in each module
// (`import * as z from 'zod/mini'`): unlike `import { z } from 'zod'`, esbuild can tree-shake it, which
// is worth ~400 KiB per bundle (docs/decisions.md). Importing this module sets English messages.
config(en());
