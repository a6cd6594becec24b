import { taskContracts } from './core/request/task-payloads.js';
import { loadPreset } from './core/rules/presets.js';
import { loggedCheckBudget } from './shared/check-budget.js';
import { taskHandler } from './shared/middleware.js';
import { recheckSecondsSetting, timeScaleSetting } from './shared/stage-clock-settings.js';
import { approvals, audit, requests } from './use-cases/default-ports.js';
import { directory, registryView } from './use-cases/registry-view.js';
import { runChecks, type RunChecksPorts } from './use-cases/run-checks.js';

// RunChecks: the governance checks of GOVERNANCE.md §4–§6, then the route and its first stage opened
// (lambdas/use-cases/run-checks.ts).
const ports: RunChecksPorts = {
  requests,
  audit,
  approvals,
  registryView,
  preset: loadPreset(directory.preset),
  checkBudget: loggedCheckBudget,
  timeScale: timeScaleSetting(),
  recheckSeconds: recheckSecondsSetting(),
};

export const handler = taskHandler(taskContracts['run-checks'], (task) => runChecks(task, ports));
