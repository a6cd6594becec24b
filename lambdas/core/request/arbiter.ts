import type { Decision, Outcome } from '../model.js';

// Exactly one outcome per request (GOVERNANCE.md §3 "the first valid decision wins"). The request's `outcome`
// attribute is the arbiter: it is written once, conditionally, by whichever event ends the request — in the
// same conditional write as the stage decision that ends it, or by a withdrawal. Everything else loses and
// reads what won.

/** The outcome a stage decision gives the whole request, or undefined when the route goes on. */
export function outcomeOfDecision(decision: Decision | 'expired', isLastStage: boolean): Outcome | undefined {
  switch (decision) {
    case 'approve':
      return isLastStage ? 'approved' : undefined;
    case 'reject':
      return 'rejected';
    case 'request-changes':
      return 'changes-requested';
    case 'expired':
      return 'expired';
  }
}

export const stageStatusOf = (decision: Decision | 'expired') =>
  decision === 'approve' ? 'approved' : decision === 'reject' ? 'rejected' : decision;
