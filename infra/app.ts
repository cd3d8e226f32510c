import { App, Tags } from 'aws-cdk-lib';
import { CareLoopStack } from './careloop-stack';
import { applyCompliancePacks } from './nag';
import { resolveSettings, SettingsError } from './settings';

const app = new App();
// AwsSolutions, HIPAA Security and Serverless (cdk-nag): an unacknowledged error fails the synth.
applyCompliancePacks(app);

let settings;
try {
  settings = resolveSettings((key) => app.node.tryGetContext(key), process.env);
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  // One clear message instead of a stack trace: it names the context key to fix.
  console.error(error.message);
  process.exit(1);
}

const stack = new CareLoopStack(app, `CareLoop-${settings.stage}`, {
  settings,
  description: `CareLoop (${settings.stage}): clinic events -> reminders and self-care follow-ups`,
  env: { region: settings.region, ...(settings.account ? { account: settings.account } : {}) },
});
Tags.of(stack).add('project', 'careloop');
Tags.of(stack).add('stage', settings.stage);

app.synth();
