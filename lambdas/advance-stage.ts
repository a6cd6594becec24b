import { taskContracts } from './core/request/task-payloads.js';
import { recheckSecondsSetting, timeScaleSetting } from './shared/stage-clock-settings.js';
import { taskHandler } from './shared/middleware.js';
import { advanceStage, type AdvanceStagePorts } from './use-cases/advance-stage.js';
import { approvals, audit, requests } from './use-cases/default-ports.js';

// AdvanceStage: what a stage does next, from what the store records (lambdas/use-cases/advance-stage.ts).
const ports: AdvanceStagePorts = { requests, audit, approvals, timeScale: timeScaleSetting(), recheckSeconds: recheckSecondsSetting() };

export const handler = taskHandler(taskContracts['advance-stage'], (task) => advanceStage(task, ports));
