import { taskContracts } from './core/request/task-payloads.js';
import { loadPreset } from './core/rules/presets.js';
import { loggedCheckBudget } from './shared/check-budget.js';
import { taskHandler } from './shared/middleware.js';
import { audit, requests } from './use-cases/default-ports.js';
import { directory, registryView } from './use-cases/registry-view.js';
import { runChecks, type RunChecksPorts } from './use-cases/run-checks.js';

// RunChecks: the governance checks of GOVERNANCE.md §4–§6 (lambdas/use-cases/run-checks.ts).
const ports: RunChecksPorts = { requests, audit, registryView, preset: loadPreset(directory.preset), checkBudget: loggedCheckBudget };

export const handler = taskHandler(taskContracts['run-checks'], (task) => runChecks(task, ports));
