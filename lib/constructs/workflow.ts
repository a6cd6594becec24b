import { fileURLToPath } from 'node:url';
import { Token, Validations, type CfnResource, type Stack } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { allFunctions, workflowFunctions } from '../../manifest.js';
import { definitionPath } from '../../statemachines/functions.js';
import { functionAccess } from '../function-access.js';
import type { Functions } from './functions.js';
import type { Lifetime } from './lifetime.js';

// Phase 2: the approval state machine from the ASL file the local runtime also runs; its substitutions and invoke
// grants come from manifest.ts, its start and stop grants from functionAccess.

export interface WorkflowProps {
  readonly functions: Functions;
  readonly lifetime: Lifetime;
}

export class Workflow {
  readonly stateMachine: StateMachine;

  /** Builds in the stack's own scope (lib/stateless-stack.ts says why). */
  constructor(stack: Stack, props: WorkflowProps) {
    const { functions } = props;
    const stateMachineLogs = new LogGroup(stack, 'StateMachineLogs', {
      retention: props.lifetime.logRetention,
      removalPolicy: props.lifetime.removalPolicy,
    });
    const stateMachine = new StateMachine(stack, 'Approval', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(fileURLToPath(definitionPath)),
      definitionSubstitutions: Object.fromEntries(workflowFunctions.map((f) => [f.substitution, functions.get(f.name).functionArn])),
      logs: { destination: stateMachineLogs, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    this.stateMachine = stateMachine;
    for (const f of workflowFunctions) {
      const target = functions.get(f.name);
      target.grantInvoke(stateMachine);
      Validations.of(stateMachine).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(target.node.defaultChild as CfnResource)}.Arn>:*]`,
        reason: `grantInvoke also allows the versions and aliases of ${f.name} (its ARN followed by ":*"); the state machine calls the unqualified ARN.`,
      });
    }
    Validations.of(stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing and CloudWatch Logs delivery (logs:CreateLogDelivery and the other log-delivery actions) have no resource-level permissions; AWS requires "*".',
    });
    for (const { name } of allFunctions) {
      const access = functionAccess[name];
      const fn = functions.get(name);
      if (access.startsExecutions) {
        stateMachine.grantStartExecution(fn);
        fn.addEnvironment('STATE_MACHINE_ARN', stateMachine.stateMachineArn);
      }
      if (access.stopsExecutions) {
        stateMachine.grantExecution(fn, 'states:StopExecution');
        Validations.of(fn).acknowledge({
          // cdk-nag prints the state machine's name as the intrinsic that extracts it from the ARN.
          // cdk-nag renders the region and account as the template has them: a literal when the stack's env names
          // one (the CLI fills CDK_DEFAULT_REGION), a pseudo parameter when it is environment-agnostic.
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region}:${Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stack.getLogicalId(stateMachine.node.defaultChild as CfnResource)}"}]}]}:*]`,
          reason:
            'A withdrawal stops the execution of its request, whose name is only known at run time; the grant covers executions of this one state machine.',
        });
      }
    }
    stateMachine.grantTaskResponse(functions.get('review'));
  }
}
