import { taskContracts } from './core/request/task-payloads.js';
import { loadPreset } from './core/rules/presets.js';
import { recheckSecondsSetting, timeScaleSetting } from './shared/stage-clock-settings.js';
import { taskHandler } from './shared/middleware.js';
import { approvals, audit, requests } from './use-cases/default-ports.js';
import { planApprovalRoute, type PlanRoutePorts } from './use-cases/plan-route.js';
import { directory } from './use-cases/registry-view.js';

// PlanRoute: the stages the institution's preset gives this request, and the first one opened
// (lambdas/use-cases/plan-route.ts).
const ports: PlanRoutePorts = {
  requests,
  audit,
  approvals,
  directory,
  preset: loadPreset(directory.preset),
  timeScale: timeScaleSetting(),
  recheckSeconds: recheckSecondsSetting(),
};

export const handler = taskHandler(taskContracts['plan-route'], (task) => planApprovalRoute(task, ports));
