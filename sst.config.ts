/// <reference path="./.sst/platform/config.d.ts" />

export default $config({
  app(input) {
    return {
      name: 'gaia-validator',
      removal: input?.stage === 'production' ? 'retain' : 'remove',
      home: 'aws',
      // Exactly the @pulumi/aws version sst 4.17.1's platform is built against.
      providers: { aws: { version: '7.20.0' } },
    };
  },
  async run() {
    // Imported here, not at the top: infra files create resources when they load.
    const { target } = await import('./infra/database');
    const { api } = await import('./infra/api');
    await import('./infra/schedules');
    const { hash } = await import('./infra/migrations');
    const { dashboard, alarmTopic } = await import('./infra/monitoring');
    return { api: api.url, databaseTarget: target, migrationsHash: hash, dashboard: dashboard.dashboardName, alarms: alarmTopic.arn };
  },
});
