import { Validations, type Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { apiRoutes } from '../../manifest.js';
import type { DeployConfig } from '../config.js';
import type { Functions } from './functions.js';
import type { Lifetime } from './lifetime.js';

// Phase 3: the HTTP API, its routes and per-route throttles from manifest.ts, access logs and throttling on the stage.

export interface ApiProps {
  readonly functions: Functions;
  readonly lifetime: Lifetime;
  readonly config: Pick<DeployConfig, 'publicBaseUrl'>;
}

export class Api {
  readonly httpApi: HttpApi;

  /** Builds in the stack's own scope (lib/stateless-stack.ts says why). */
  constructor(stack: Stack, props: ApiProps) {
    const { functions } = props;
    const httpApi = new HttpApi(stack, 'Api', { createDefaultStage: false, description: 'Signoff public API' });
    this.httpApi = httpApi;
    const accessLogs = new LogGroup(stack, 'ApiAccessLogs', {
      retention: props.lifetime.logRetention,
      removalPolicy: props.lifetime.removalPolicy,
    });
    const stage = new HttpStage(stack, 'DefaultStage', {
      httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      // JSON, and the route template rather than the path: a review link's id never reaches a log.
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    const routes = apiRoutes.flatMap((r) => {
      const fn = functions.get(r.function);
      // The integration is named after the function's construct id: `MailIntake` → `MailIntakeIntegration`.
      return httpApi.addRoutes({
        path: r.path,
        methods: r.methods.map((m) => HttpMethod[m]),
        integration: new HttpLambdaIntegration(`${fn.node.id}Integration`, fn),
      });
    });
    // Per-route throttles (API Gateway's RouteSettings, keyed "METHOD /path"), sized to each route's use; the
    // stage default above covers anything not listed. A route setting may only name a route that exists.
    stage.node.addDependency(...routes);
    (stage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(
      apiRoutes.flatMap((r) =>
        r.methods.map((m) => [`${m} ${r.path}`, { ThrottlingRateLimit: r.throttle.rate, ThrottlingBurstLimit: r.throttle.burst }]),
      ),
    );
    // The functions that write review and withdraw links into e-mails.
    for (const name of ['request-approval', 'record-submission', 'mail-intake'] as const)
      functions.get(name).addEnvironment('PUBLIC_BASE_URL', props.config.publicBaseUrl ?? httpApi.apiEndpoint);
    Validations.of(httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Each route authenticates in its function: intake by Standard Webhooks HMAC signature, reads by bearer token (Secrets Manager), review links by a 256-bit single-approver link id. An API Gateway authorizer cannot verify a body signature.',
    });
    Validations.of(httpApi).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'No Cognito: approvers are institutional staff reached by e-mail links, and callers are systems signing webhooks.',
    });
  }
}
