import { createHash } from 'node:crypto';
import type { JsonValue } from './types.js';

// What the local engine (engine.ts) reads from the ASL definition before running it: its task states, which of them
// are callback tasks and how their deadline reaches the engine, and where a task token stands in a task's payload.

export interface TaskStateInfo {
  readonly name: string;
  readonly resource: string;
  readonly callback: boolean;
  /** Seconds, when fixed in the definition. */
  readonly timeoutSeconds: number | undefined;
  /** With TimeoutSecondsPath, the payload field that carries the same number to the engine. */
  readonly timeoutPayloadField: string | undefined;
}

/** Stands where `$$.Task.Token` is read; replaced by the real token inside the task override. */
export const TOKEN_PLACEHOLDER = '__signoff_local_task_token__';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function collectTaskStates(states: Record<string, unknown>, into: Map<string, TaskStateInfo>): void {
  for (const [name, raw] of Object.entries(states)) {
    const state = raw as {
      Type: string;
      Resource?: string;
      TimeoutSeconds?: number;
      TimeoutSecondsPath?: string;
      Parameters?: { Payload?: Record<string, unknown> };
      Branches?: Array<{ States: Record<string, unknown> }>;
      ItemProcessor?: { States: Record<string, unknown> };
      Iterator?: { States: Record<string, unknown> };
    };
    if (state.Type === 'Task' && state.Resource !== undefined) {
      const callback = state.Resource.endsWith('.waitForTaskToken');
      let timeoutPayloadField: string | undefined;
      if (callback && state.TimeoutSeconds === undefined) {
        // The engine's override sees only the processed Parameters, so the deadline must travel in the payload too.
        const entry = Object.entries(state.Parameters?.Payload ?? {}).find(([k, v]) => k.endsWith('.$') && v === state.TimeoutSecondsPath);
        if (state.TimeoutSecondsPath === undefined || entry === undefined) {
          throw new Error(`callback task "${name}" needs TimeoutSeconds, or TimeoutSecondsPath repeated as a Payload field`);
        }
        timeoutPayloadField = entry[0].slice(0, -2);
        // aws-local-stepfunctions evaluates TimeoutSecondsPath against the processed Parameters, where
        // Step Functions reads the state input. The Payload field carries the same value, so point the
        // library there: same number, same deadline, and the ASL file itself stays as deployed.
        (state as { TimeoutSecondsPath?: string }).TimeoutSecondsPath = `$.Payload.${timeoutPayloadField}`;
      }
      into.set(name, { name, resource: state.Resource, callback, timeoutSeconds: state.TimeoutSeconds, timeoutPayloadField });
    }
    for (const branch of state.Branches ?? []) collectTaskStates(branch.States, into);
    if (state.ItemProcessor) collectTaskStates(state.ItemProcessor.States, into);
    if (state.Iterator) collectTaskStates(state.Iterator.States, into);
  }
}

export function replacePlaceholder(value: JsonValue, token: string): JsonValue {
  if (value === TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((v) => replacePlaceholder(v, token));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replacePlaceholder(v, token)]));
  }
  return value;
}
