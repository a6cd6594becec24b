import * as z from 'zod/mini';
import type { RegistryAccount } from '../../core/model.js';
import { PLATFORMS } from '../../core/rules/platforms.js';
import type { SameShape } from './stored-item.js';

// The accounts table's items (lambdas/adapters/registry.ts): an account under its id, and under `#handle#…` the claim
// of an active account on its handle. An account is read as a RegistryAccount: its fields only, whatever else the
// item carries.

export const accountItem = z.object({
  id: z.string(),
  platform: z.enum(PLATFORMS),
  handle: z.string(),
  unit: z.string(),
  posters: z.array(z.string()),
  admins: z.array(z.string()),
  status: z.enum(['active', 'retired', 'suspended']),
  smmAdmin: z.boolean(),
  credentialStore: z.optional(z.string()),
  openedBy: z.string(),
  openedAt: z.string(),
});

true satisfies SameShape<z.output<typeof accountItem>, RegistryAccount>;

/** The claim of an active account on its platform and handle: which account, opened by which request, since when. */
export const handleClaimItem = z.object({ accountId: z.string(), openedBy: z.string(), claimedAt: z.string() });
