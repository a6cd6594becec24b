import { buildApp } from '../lib/app.js';

// The CDK app (`npm run synth`, `npx cdk deploy --all`). Configuration comes from the "signoff" context.
buildApp().app.synth();
