import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { azureDeploymentSettings, hostSettings, loadConfig, settingNames } from '../../shared/config.js';
import { queueNames } from '../../shared/ports.js';
import { SMS_DELIVERY_REPORT, SMS_RECEIVED } from '../../shared/providers/acs/events.js';

/*
 * No Bicep compiler installs on this machine (it is a .NET tool fetched at run time), so these
 * checks read the Bicep text: they catch a module, parameter or setting that does not line up, not
 * everything `az bicep build` would. Run `az bicep build --file infra/main.bicep` where it exists.
 */
const infra = fileURLToPath(new URL('../../infra/', import.meta.url));
const read = (file: string) => readFileSync(join(infra, file), 'utf8');
const modules = readdirSync(join(infra, 'modules')).filter((f) => f.endsWith('.bicep'));
const bicepFiles = ['main.bicep', ...modules.map((m) => `modules/${m}`)];

/**
 * The text with comments and string contents blanked (same length, same lines), so brackets and
 * names can be found and a position in it is the same position in the original.
 */
function code(text: string): string {
  let out = '';
  let inString = false;
  let inComment = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (inComment) {
      inComment = char !== '\n';
      out += char === '\n' ? char : ' ';
    } else if (inString) {
      if (char === '\\') {
        out += '  ';
        i++;
        continue;
      }
      inString = char !== "'";
      out += inString ? (char === '\n' ? char : ' ') : char;
    } else if (char === '/' && text[i + 1] === '/') {
      inComment = true;
      out += ' ';
    } else {
      inString = char === "'";
      out += char;
    }
  }
  return out;
}

const paramsOf = (text: string) =>
  new Map(
    [...code(text).matchAll(/^param (\w+) \w+( = .*)?$/gm)].map((m) => [m[1] ?? '', m[2] !== undefined]),
  );

/** The key: value pairs of a block that starts after `marker` (one level deep). */
function blockKeys(text: string, marker: string): string[] {
  const start = text.indexOf(marker);
  if (start < 0) throw new Error(`no ${marker}`);
  const open = text.indexOf('{', start);
  let depth = 0;
  let end = open;
  for (; end < text.length; end++) {
    if (text[end] === '{') depth++;
    if (text[end] === '}' && --depth === 0) break;
  }
  const body = text.slice(open + 1, end);
  return [...body.matchAll(/^ {4}(\w+):/gm)].map((m) => m[1] ?? '');
}

describe('the Bicep deployment', () => {
  it.each(bicepFiles)('%s has balanced brackets and braces', (file) => {
    const text = code(read(file));
    for (const [open, close] of [
      ['{', '}'],
      ['[', ']'],
      ['(', ')'],
    ] as const) {
      let depth = 0;
      for (const char of text) {
        if (char === open) depth++;
        if (char === close) depth--;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect(depth).toBe(0);
    }
  });

  it('calls modules that exist, with the parameters they declare, and every one they require', () => {
    for (const file of bicepFiles) {
      const text = read(file);
      for (const call of code(text).matchAll(/^module (\w+) '/gm)) {
        const name = call[1] ?? '';
        const path = new RegExp(`^module ${name} '([^']+)'`, 'm').exec(text)?.[1] ?? '';
        const target = join(dirname(join(infra, file)), path);
        expect(existsSync(target), `${file}: module ${name} -> ${path}`).toBe(true);
        const declared = paramsOf(readFileSync(target, 'utf8'));
        const given = blockKeys(text.slice(call.index ?? 0), 'params:');
        expect(
          given.filter((p) => !declared.has(p)),
          `${name} gets parameters it does not declare`,
        ).toEqual([]);
        const required = [...declared].filter(([, hasDefault]) => !hasDefault).map(([p]) => p);
        expect(
          required.filter((p) => !given.includes(p)),
          `${name} misses required parameters`,
        ).toEqual([]);
      }
    }
  });

  it('has a parameters file that sets only parameters main.bicep declares', () => {
    const declared = paramsOf(read('main.bicep'));
    const set = [...read('main.bicepparam').matchAll(/^param (\w+) =/gm)].map((m) => m[1] ?? '');
    expect(set.length).toBeGreaterThan(5);
    expect(set.filter((p) => !declared.has(p))).toEqual([]);
    expect(read('main.bicepparam')).toMatch(/^using 'main.bicep'$/m);
  });

  it('sets every setting a deployment needs, and only settings the app or the Functions host reads', () => {
    const appSettings = blockKeys(read('modules/app-settings.bicep'), "name: 'appsettings'");
    expect(azureDeploymentSettings.filter((s) => !appSettings.includes(s))).toEqual([]);
    const known = new Set<string>([...settingNames, ...hostSettings]);
    expect(appSettings.filter((s) => !known.has(s))).toEqual([]);
    // The loader, given what the deployment sets, chooses the Azure adapters by identity.
    const values = Object.fromEntries(appSettings.map((s) => [s, 'x']));
    const config = loadConfig({
      ...values,
      COSMOS_ENDPOINT: 'https://contoso.documents.azure.com:443/',
      COSMOS_DATABASE: 'sms',
      COSMOS_CONTAINER: 'state',
      ServiceBusConnection__fullyQualifiedNamespace: 'contoso.servicebus.windows.net',
      ACS_ENDPOINT: 'https://contoso.communication.azure.com',
      WEB_PUBSUB_ENDPOINT: 'https://contoso.webpubsub.azure.com',
      WEB_PUBSUB_HUB: 'workspace',
      SMS_PUBLIC_BASE_URL: 'https://func-contoso.azurewebsites.net',
      TWILIO_ACCOUNT_SID: '',
      TWILIO_AUTH_TOKEN: '',
      TELESIGN_CUSTOMER_ID: '',
      TELESIGN_API_KEY: '',
      ACS_WEBHOOK_SECRET: '',
      SMS_ERASURE_KEY: 'a resolved reference: 32 characters at least',
      SMS_KEY_VAULT_URL: 'https://kv-contoso-abc.vault.azure.net/',
      SMS_FUNCTION_KEY_ROLES: 'notifier',
      SMS_QUEUE_MAX_DELIVERY_COUNT: '10',
      SMS_CONFIG_REFRESH_SECONDS: '10',
      SMS_LOG_LEVEL: 'info',
      EVENTGRID_TOPIC_ENDPOINT: 'https://sms-events.westeurope-1.eventgrid.azure.net/api/events',
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD',
    });
    expect(config).toMatchObject({
      mode: 'azure',
      events: { eventGridEndpoint: 'https://sms-events.westeurope-1.eventgrid.azure.net/api/events' },
      identity: 'function-keys',
      functionKeyRoles: ['notifier'],
      azure: { serviceBus: { namespace: expect.any(String) } },
      webPubSub: { endpoint: 'https://contoso.webpubsub.azure.com', hub: 'workspace' },
      // Traces and metrics go to Application Insights with the app's identity.
      telemetry: { azureMonitor: { entraAuth: true } },
      // Channels' own provider accounts: their secrets read by name from the deployment's vault.
      secrets: { keyVaultUrl: 'https://kv-contoso-abc.vault.azure.net', cacheMs: 300_000 },
      dataLife: { erasureKey: 'a resolved reference: 32 characters at least' },
    });
  });

  it("creates Web PubSub with local auth off, the app's identity its Service Owner, and its endpoint in the settings", () => {
    const wps = read('modules/web-pubsub.bicep');
    expect(wps).toContain("'Microsoft.SignalRService/webPubSub@");
    expect(wps).toContain('disableLocalAuth: true');
    // The built-in role "Web PubSub Service Owner" (infra/README.md cites where this id comes from).
    expect(wps).toContain("webPubSubServiceOwner = '12cf5a90-567b-43ae-8102-96cf46c7d9b4'");
    expect(wps).toMatch(/roleAssignments@[^']+' = \{[^}]*scope: webPubSub/s);
    expect(wps).toContain("principalType: 'ServicePrincipal'");
    const main = read('main.bicep');
    expect(main).toContain('principalId: functionApp.outputs.principalId');
    expect(main).toContain('webPubSubEndpoint: webPubSub.outputs.endpoint');
    const settings = read('modules/app-settings.bicep');
    expect(settings).toContain('WEB_PUBSUB_ENDPOINT: webPubSubEndpoint');
    expect(settings).toContain("WEB_PUBSUB_HUB: 'workspace'");
    expect(wps).not.toMatch(/listKeys|primaryKey|accessKey/i);
  });

  it('keeps the providers secrets in Key Vault, referenced from the app settings', () => {
    const vault = read('modules/key-vault.bicep');
    expect(vault).toMatch(/@Microsoft\.KeyVault\(VaultName=\$\{vault\.name\};SecretName=twilio-auth-token\)/);
    expect(vault).toMatch(/@Microsoft\.KeyVault\(VaultName=\$\{vault\.name\};SecretName=telesign-api-key\)/);
    expect(vault).toMatch(/@Microsoft\.KeyVault\(VaultName=\$\{vault\.name\};SecretName=erasure-key\)/);
    expect(read('modules/app-settings.bicep')).toContain('SMS_ERASURE_KEY: erasureKeyReference');
    // Written only when given: a redeploy without it keeps the key erased customers' opt-outs are kept by.
    expect(vault).toMatch(/secrets@[^']+' = if \(!empty\(erasureKey\)\)/);
    const main = read('main.bicep');
    expect(main).toMatch(/@secure\(\)\n@description\('Twilio auth token[^\n]*\nparam twilioAuthToken string/);
    expect(main).toMatch(/@secure\(\)\n@description\('TeleSign API key[^\n]*\nparam telesignApiKey string/);
    expect(main).toMatch(
      /@secure\(\)\n@description\('The secret erased customers[^\n]*\nparam erasureKey string/,
    );
  });

  it('creates the queues the app uses, named once in main.bicep, with sessions, duplicate detection and dead-lettering', () => {
    const bus = read('modules/service-bus.bicep');
    const main = read('main.bicep');
    expect(main).toContain(
      `var queueNames = [\n${Object.values(queueNames)
        .map((q) => `  '${q}'`)
        .join('\n')}\n]`,
    );
    // One source: no other Bicep file spells a queue's name.
    for (const file of bicepFiles.filter((f) => f !== 'main.bicep'))
      for (const queue of Object.values(queueNames)) expect(read(file), file).not.toContain(`'${queue}'`);
    expect(bus).toMatch(/^param queueNames array$/m);
    expect(bus).toContain('for queueName in queueNames');
    for (const setting of [
      'requiresSession: true',
      'requiresDuplicateDetection: true',
      'deadLetteringOnMessageExpiration: true',
      'maxDeliveryCount: maxDeliveryCount',
      'disableLocalAuth: true',
    ]) {
      expect(bus).toContain(setting);
    }
  });

  it('gives Cosmos DB the container and indexing policy the store uses', () => {
    const cosmos = read('modules/cosmos.bicep');
    expect(cosmos).toContain("indexingPolicy: loadJsonContent('../cosmos-indexing-policy.json')");
    expect(cosmos).toContain("paths: ['/pk']");
    // TTL on with no default: only the items that carry a ttl (messages under a retention) expire.
    expect(cosmos).toContain('defaultTtl: -1');
    expect(cosmos).toContain('disableLocalAuth: true');
    const config = loadConfig({});
    expect(read('main.bicep')).toContain("databaseName: 'sms'");
    expect(read('main.bicep')).toContain("containerName: 'state'");
    expect(config.mode).toBe('embedded');
  });

  it('subscribes the Event Grid trigger to both ACS SMS event types, with retries and dead-lettering', () => {
    const events = read('modules/acs-events.bicep');
    expect(events).toMatch(/'\$\{functionAppId\}\/functions\/acsEventGrid'/);
    expect(events).toContain(`'${SMS_RECEIVED}'`);
    expect(events).toContain(`'${SMS_DELIVERY_REPORT}'`);
    expect(events).toMatch(/retryPolicy: \{\s+maxDeliveryAttempts: 30/);
    expect(events).toContain('deadLetterWithResourceIdentity');
  });

  it('grants the identity each role on the one resource it is for, and no key is used anywhere', () => {
    const roles = read('modules/roles.bicep');
    for (const scope of ['storage', 'queues[i]', 'vault', 'appInsights', 'acs'])
      expect(roles).toContain(`scope: ${scope}`);
    expect(roles).toMatch(
      /roleDefinitionId: '\$\{cosmos\.id\}\/sqlRoleDefinitions\/\$\{cosmosDataContributor\}'/,
    );
    // The Cosmos DB data role reaches the app's database, not every database of the account.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep's interpolation, read as text
    expect(roles).toContain("scope: '${cosmos.id}/dbs/${cosmosDatabaseName}'");
    expect(roles).not.toContain('scope: cosmos.id');
    expect(read('modules/storage.bicep')).toContain('allowSharedKeyAccess: false');
    expect(read('modules/monitoring.bicep')).toContain('DisableLocalAuth: true');
  });

  it('publishes integration events to a topic with local auth off, the identity holding EventGrid Data Sender on it only', () => {
    const topic = read('modules/event-grid-topic.bicep');
    expect(topic).toContain('disableLocalAuth: true');
    expect(topic).toContain("inputSchema: 'CloudEventSchemaV1_0'");
    expect(topic).toContain("var eventGridDataSender = 'd5a91429-5739-47e2-a06b-3470a27159e7'");
    expect(topic).toContain('scope: topic');
    expect(read('main.bicep')).toContain('eventGridTopicEndpoint: eventsTopic.outputs.endpoint');
    expect(read('modules/app-settings.bicep')).toContain('EVENTGRID_TOPIC_ENDPOINT: eventGridTopicEndpoint');
  });

  it('sends SMS with a role that cannot read or rotate the Communication Services keys, unless told otherwise', () => {
    const roles = read('modules/roles.bicep');
    const custom = roles.slice(
      roles.indexOf("resource smsSenderDefinition 'Microsoft.Authorization/roleDefinitions"),
    );
    expect(custom).toContain("'Microsoft.Communication/CommunicationServices/Read'");
    expect(custom.slice(0, custom.indexOf('assignableScopes'))).not.toMatch(/ListKeys|RegenerateKey|\*/i);
    expect(custom).toContain('assignableScopes: [resourceGroup().id]');
    expect(roles).toMatch(/param acsSenderRole string = 'custom'/);
    expect(roles).toMatch(/roleDefinitionId: smsSenderRoleId/);
    expect(read('main.bicep')).toMatch(/param acsSenderRole string = 'custom'/);
  });

  it('lets Event Grid dead-letter into its container only', () => {
    const communication = read('modules/communication.bicep');
    expect(communication).toMatch(/resource deadLetterWriter [^\n]*\n {2}scope: deadLetterContainer\n/);
    expect(communication).toContain('name: deadLetterContainerName');
  });

  it('runs Node 22 on Flex Consumption, within its documented 40 to 1000 instances', () => {
    const app = read('modules/function-app.bicep');
    expect(app).toMatch(/name: 'node'\n\s+version: '22'/);
    for (const text of [app, read('main.bicep')])
      expect(text).toMatch(/@minValue\(40\)\n@maxValue\(1000\)\nparam maximumInstanceCount int/);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      engines: { node: string };
    };
    expect(pkg.engines.node).toMatch(/>=22/);
  });

  it('uses the current GA Service Bus API version everywhere', () => {
    for (const file of bicepFiles) {
      for (const match of read(file).matchAll(/'Microsoft\.ServiceBus\/[^@']+@([^']+)'/g))
        expect(match[1], file).toBe('2026-01-01');
    }
    expect(read('modules/service-bus.bicep')).toContain("'Microsoft.ServiceBus/namespaces@2026-01-01'");
  });

  it('writes App Service Authentication only after the app settings (both are Microsoft.Web/sites/config)', () => {
    const main = read('main.bicep');
    const auth = main.slice(main.indexOf("module auth 'modules/app-service-auth.bicep'"));
    expect(auth.slice(0, auth.indexOf('params:'))).toMatch(/dependsOn: \[appSettings\]/);
  });

  it("lets a parameter give Key Vault another name, keeping the first generation's name", () => {
    const main = read('main.bicep');
    expect(main).toMatch(/^param keyVaultGeneration string = ''$/m);
    expect(main).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep's interpolation, read as text
      "keyVault: 'kv-${take(compactName, 6)}-${take(empty(keyVaultGeneration) ? suffix : uniqueString(resourceGroup().id, keyVaultGeneration), 13)}'",
    );
    expect(read('main.bicepparam')).toMatch(/^param keyVaultGeneration = /m);
  });

  it("references a provider's secret whenever the provider is enabled, keeping the stored secret when none is given", () => {
    const vault = read('modules/key-vault.bicep');
    for (const [enabled, secret, name] of [
      ['twilioEnabled', 'twilioAuthToken', 'twilio-auth-token'],
      ['telesignEnabled', 'telesignApiKey', 'telesign-api-key'],
      ['acsWebhookEnabled', 'acsWebhookSecret', 'acs-webhook-secret'],
    ]) {
      // The reference follows the provider, not whether this deployment carried the secret.
      expect(vault).toMatch(
        new RegExp(
          `Reference string = ${enabled} \\? '@Microsoft\\.KeyVault\\(VaultName=\\$\\{vault\\.name\\};SecretName=${name}\\)' : ''`,
        ),
      );
      expect(vault).not.toMatch(new RegExp(`Reference string = empty\\(${secret}\\)`));
      // The secret is written only when given: a redeploy without it keeps the stored one.
      expect(vault).toMatch(
        new RegExp(
          `'Microsoft\\.KeyVault/vaults/secrets@[^']+' = if \\(!empty\\(${secret}\\)\\) \\{\\n {2}parent: vault\\n {2}name: '${name}'`,
        ),
      );
    }
    const main = read('main.bicep');
    expect(main).toContain('twilioEnabled: !empty(twilioAccountSid)');
    expect(main).toContain('telesignEnabled: !empty(telesignCustomerId)');
    expect(main).toContain('acsWebhookEnabled: acsEventsWebhook');
  });

  it('keeps the ACS webhook off on Azure unless chosen, and then gives the app its secret from Key Vault', () => {
    const main = read('main.bicep');
    expect(main).toMatch(/^param acsEventsWebhook bool = false$/m);
    expect(main).toMatch(/@secure\(\)\n@description\([^\n]*\)\nparam acsWebhookSecret string = ''/);
    expect(main).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep's interpolation, read as text
      "output acsEventsWebhookUrl string = acsEventsWebhook ? '${publicBaseUrl}/api/acs/events' : ''",
    );
    expect(read('modules/app-settings.bicep')).toContain('ACS_WEBHOOK_SECRET: acsWebhookSecretReference');
  });

  it('gives function keys the notifier role unless the deployment says otherwise', () => {
    expect(read('main.bicep')).toMatch(/^param functionKeyRoles string = 'notifier'$/m);
    expect(read('modules/app-settings.bicep')).toContain('SMS_FUNCTION_KEY_ROLES: functionKeyRoles');
    expect(read('main.bicepparam')).toContain(
      "readEnvironmentVariable('SMS_FUNCTION_KEY_ROLES', 'notifier')",
    );
  });

  it('has App Service Authentication refuse anonymous callers everywhere but the webhooks, health, OpenAPI, the connector files and the Event Grid trigger', () => {
    const auth = read('modules/app-service-auth.bicep');
    expect(auth).toContain('requireAuthentication: true');
    expect(auth).toContain("unauthenticatedClientAction: 'RedirectToLoginPage'");
    const excluded = [...(/excludedPaths: \[([^\]]*)\]/.exec(auth)?.[1] ?? '').matchAll(/'([^']+)'/g)].map(
      (m) => m[1],
    );
    expect(excluded.sort()).toEqual(
      [
        '/api/acs/events',
        '/api/health',
        '/api/openapi.json',
        '/api/connector/apiDefinition.swagger.json',
        '/api/connector/apiProperties.json',
        '/api/telesign/callback',
        '/api/twilio/inbound',
        '/api/twilio/status',
        '/runtime/webhooks/eventgrid',
      ].sort(),
    );
    // Each excluded /api path is a route the app serves (a renamed route would be left behind).
    const sources = readdirSync(fileURLToPath(new URL('../../functions/', import.meta.url)))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(fileURLToPath(new URL(`../../functions/${f}`, import.meta.url)), 'utf8'))
      .join('\n');
    for (const path of excluded.filter((p) => p?.startsWith('/api/')))
      expect(sources, path).toContain(`route: '${path?.slice('/api/'.length)}'`);
  });

  describe('alerts (modules/alerts.bicep)', () => {
    const alerts = read('modules/alerts.bicep');
    /** A resource's text: from its declaration to the next top-level resource or var. */
    const resource = (name: string) => {
      const start = alerts.search(new RegExp(`^resource ${name} `, 'm'));
      expect(start, name).toBeGreaterThanOrEqual(0);
      const rest = alerts.slice(start + 1);
      const end = rest.search(/^(resource|var|output) /m);
      return rest.slice(0, end < 0 ? undefined : end);
    };

    it('emails an action group whose address is a parameter of the deployment', () => {
      expect(resource('actionGroup')).toContain('emailAddress: alertEmail');
      expect(read('main.bicep')).toMatch(/^param alertEmail string/m);
      expect(read('main.bicep')).toContain('alertEmail: alertEmail');
      expect(read('main.bicepparam')).toContain(
        "param alertEmail = readEnvironmentVariable('SMS_ALERT_EMAIL'",
      );
    });

    it.each([
      ['deadLetters', 'scopes: [serviceBus.id]', "metricName: 'DeadletteredMessages'", 'actions: actions'],
      [
        'functionFailureAlert',
        'scopes: [appInsights.id]',
        "metricName: 'requests/failed'",
        'actions: actions',
      ],
      ['sendFailures', 'scopes: [appInsights.id]', 'sms.delivery.failures', 'actionGroups: [actionGroup.id]'],
      ['oldestWait', 'scopes: [appInsights.id]', 'sms.queue.oldest_wait', 'actionGroups: [actionGroup.id]'],
      ['eventGrid', 'scopes: [check.scope]', 'metricName: check.metric', 'actions: actions'],
    ])('%s exists, targets %s, watches %s and tells the action group', (name, scope, metric, action) => {
      const text = resource(name);
      expect(text).toContain(scope);
      expect(text).toContain(metric);
      expect(text).toContain(action);
    });

    it('checks Event Grid delivery failures and dead-lettered events on both topics', () => {
      const checks = resource('eventGrid');
      const listed = alerts.slice(
        alerts.indexOf('var eventGridChecks'),
        alerts.indexOf('resource eventGrid '),
      );
      for (const [scope, namespace] of [
        ['acsTopic.id', 'Microsoft.EventGrid/systemTopics'],
        ['eventsTopic.id', 'Microsoft.EventGrid/topics'],
      ]) {
        for (const metric of ['DeliveryAttemptFailCount', 'DeadLetteredCount']) {
          expect(listed).toMatch(
            new RegExp(
              `scope: ${(scope ?? '').replace('.', '\\.')}\\s+namespace: '${namespace}'\\s+metric: '${metric}'`,
            ),
          );
        }
      }
      expect(checks).toContain('for check in eventGridChecks');
    });

    it('alerts on the custom metric names the app records', () => {
      for (const name of ['sms.messages.sent', 'sms.delivery.failures', 'sms.queue.oldest_wait'])
        expect(alerts).toContain(`"${name}"`);
    });

    it('has a workbook of the last day per channel and per queue', () => {
      const workbook = resource('workbook');
      expect(workbook).toContain('sourceId: appInsights.id');
      expect(alerts).toContain('ago(1d)');
      expect(alerts).toContain('by channel');
      expect(alerts).toContain('by queue');
    });

    it('describes every alert in infra/README.md with what to do', () => {
      const readme = read('README.md');
      const names = [...alerts.matchAll(/name: '(sms-[a-z-]+)'/g)].map((m) => m[1] ?? '');
      expect(names.length).toBeGreaterThanOrEqual(8);
      for (const name of names.filter((n) => n !== 'sms-operations'))
        expect(readme, name).toContain(`### ${name}`);
    });
  });
});
