import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type Role, roles } from './domain/access.js';
import { ConfigurationError } from './errors.js';

const onOff = z.enum(['on', 'off']).transform((value) => value === 'on');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const localKey = '16 to 128 letters, digits, -, _ or =';

/**
 * Every setting the app reads, with its default. This is the only place that looks at the
 * environment; everything else receives the typed result. `local.settings.sample.json` and the
 * README list the same names (a test keeps them in step).
 */
export const settingsSchema = z.object({
  SMS_SEED_FILE: z.string().min(1).optional(),
  SMS_DATA_DIR: z.string().min(1).default('.data'),
  SMS_CLOCK: z.enum(['system', 'manual']).default('system'),
  SMS_AUTO_CLOSE_DEFAULT_MINUTES: int(1, 525_600).default(1440),
  SMS_AUTO_CLOSE_MIN_MINUTES: int(1, 525_600).default(5),
  SMS_AUTO_CLOSE_MAX_MINUTES: int(1, 525_600).default(10_080),
  SMS_AUTO_CLOSE_SCHEDULE: z.string().min(1).default('0 */1 * * * *'),
  SMS_QUEUE_LOCK_SECONDS: int(5, 300).default(30),
  SMS_QUEUE_MAX_DELIVERY_COUNT: int(1, 2000).default(10),
  SMS_QUEUE_DUPLICATE_WINDOW_MINUTES: int(1, 10_080).default(10),
  SMS_LOCAL_PORT: int(0, 65_535).default(7071),
  SMS_LOCAL_CONSUMERS: onOff.default(true),
  SMS_LOCAL_CONCURRENCY: int(1, 64).default(4),
  SMS_LOCAL_OUTBOUND_CONCURRENCY: int(1, 64).default(16),
  SMS_LOCAL_FUNCTION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_=-]{16,128}$/, localKey)
    .optional(),
  SMS_LOCAL_MASTER_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_=-]{16,128}$/, localKey)
    .optional(),
  SMS_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  SMS_SEND_RATE_LONG_CODE: z.coerce.number().positive().max(1000).default(1),
  SMS_SEND_RATE_TOLL_FREE: z.coerce.number().positive().max(1000).default(3),
  SMS_SEND_RATE_SHORT_CODE: z.coerce.number().positive().max(1000).default(100),
  SMS_PUBLIC_BASE_URL: z.url().optional(),
  SMS_ENTRA_CLIENT_ID: z.string().trim().min(1).max(200).optional(),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-f]{32}$/, 'an account SID is AC and 32 hex digits')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  TWILIO_API_BASE_URL: z.url().optional(),
  ACS_CONNECTION_STRING: z
    .string()
    .regex(/^endpoint=https?:\/\/[^;]+;accesskey=[^;]+$/i, 'expected endpoint=https://...;accesskey=...')
    .optional(),
  ACS_ENDPOINT: z.url().optional(),
  WEB_PUBSUB_ENDPOINT: z.url().optional(),
  WEB_PUBSUB_HUB: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_`,.[\]]{0,127}$/, 'a Web PubSub hub name starts with a letter')
    .default('workspace'),
  AZURE_RESOURCE_MANAGER_URL: z.url().default('https://management.azure.com'),
  ACS_WEBHOOK_SECRET: z.string().min(16, 'use at least 16 characters').optional(),
  TELESIGN_CUSTOMER_ID: z.string().min(1).optional(),
  TELESIGN_API_KEY: z.base64('the API key is base64, as TeleSign issues it').optional(),
  TELESIGN_API_BASE_URL: z.url().default('https://rest-api.telesign.com'),
  /** Where channels' provider secrets are held by name, read with the app's identity. */
  SMS_KEY_VAULT_URL: z
    .url({ protocol: /^https$/, error: 'the vault URI as Azure shows it, https://<name>.vault.azure.net' })
    .optional(),
  /** Without Key Vault: the channels' provider secrets, a JSON object of name to value. */
  SMS_SECRETS: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON: a JSON object of secret name to value' });
        return z.NEVER;
      }
    })
    .pipe(
      z.record(
        z.string().regex(/^[0-9A-Za-z-]{1,127}$/, 'a secret name: letters, digits and dashes, at most 127'),
        z.string().min(1, 'a secret value is not empty'),
        'a JSON object of secret name to value',
      ),
    )
    .optional(),
  /** How long a secret read from Key Vault is used before it is read again (a rotation's delay). */
  SMS_SECRET_CACHE_SECONDS: int(10, 86_400).default(300),
  /**
   * A PEM certificate file the Key Vault client trusts besides the system's: a vault stand-in on
   * this machine (development), which no public authority signs.
   */
  SMS_KEY_VAULT_CA_FILE: z.string().min(1).optional(),
  /**
   * Development: a token endpoint on this machine that stands in for the app's identity
   * (`GET <url>?resource=<audience>` answering `{access_token, expires_on}`), so the app reaches
   * local stand-ins of identity-only Azure services from configuration alone.
   */
  SMS_DEV_IDENTITY_ENDPOINT: z
    .url({
      protocol: /^https?$/,
      hostname: /^(localhost|127\.0\.0\.1|\[::1\])$/,
      error: 'a URL on this machine (http://127.0.0.1:<port>/...)',
    })
    .optional(),
  SMS_CONFIG_REFRESH_SECONDS: int(1, 3600).default(10),
  SMS_DEV_SIGN_IN: onOff.optional(),
  SMS_FUNCTION_KEY_ROLES: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((role) => role.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(roles, `roles are ${roles.join(', ')}`)))
    .default(['notifier']),
  EVENTGRID_TOPIC_ENDPOINT: z
    .url()
    .regex(/\/api\/events$/, 'the topic endpoint as Azure shows it, ending in /api/events')
    .optional(),
  SMS_EVENTS_SOURCE: z.string().trim().min(1).max(500).optional(),
  SMS_EVENTS_SCHEDULE: z.string().min(1).default('*/10 * * * * *'),
  SMS_ERASURE_KEY: z.string().min(32, 'use at least 32 characters').optional(),
  SMS_RETENTION_SCHEDULE: z.string().min(1).default('0 17 * * * *'),
  COSMOS_ENDPOINT: z.url().optional(),
  COSMOS_CONNECTION_STRING: z
    .string()
    .regex(
      /^AccountEndpoint=https?:\/\/[^;]+;AccountKey=[^;]+;?$/i,
      'expected AccountEndpoint=https://...;AccountKey=...;',
    )
    .optional(),
  COSMOS_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,255}$/)
    .default('sms'),
  COSMOS_CONTAINER: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,255}$/)
    .default('state'),
  ServiceBusConnection: z
    .string()
    .regex(
      /^Endpoint=sb:\/\/[^;]+;/i,
      'expected Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...',
    )
    .optional(),
  ServiceBusConnection__fullyQualifiedNamespace: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/, 'the namespace host name, for example contoso-sms.servicebus.windows.net')
    .optional(),
  /** Application Insights: on Azure the app sends its traces and metrics there (the host its logs). */
  APPLICATIONINSIGHTS_CONNECTION_STRING: z
    .string()
    .regex(
      /(^|;)\s*InstrumentationKey=[^;]+/i,
      'the connection string as the portal shows it: InstrumentationKey=...;',
    )
    .optional(),
  /** `Authorization=AAD`: Application Insights takes telemetry from the app's identity only. */
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: z
    .string()
    .regex(
      /^Authorization=AAD(;ClientId=[^;]+)?;?$/i,
      'Authorization=AAD (or Authorization=AAD;ClientId=...)',
    )
    .optional(),
  /** Without Application Insights: print spans to the console, or send them to a local collector. */
  SMS_TRACES: z.enum(['off', 'console', 'otlp']).default('off'),
  SMS_TRACES_OTLP_URL: z.url().default('http://localhost:4318/v1/traces'),
  /** Set by App Service when App Service Authentication is on; only then is its principal header trusted. */
  WEBSITE_AUTH_ENABLED: z
    .string()
    .transform((value) => value.toLowerCase() === 'true')
    .optional(),
});

export type Settings = z.output<typeof settingsSchema>;
export const settingNames = Object.keys(settingsSchema.shape) as (keyof Settings)[];

/**
 * What a deployment on Azure must set (infra/modules/app-settings.bicep sets exactly these, with
 * the Functions host's own): the Azure adapters by identity, the providers, and the limits Service
 * Bus must agree with. A test keeps this list and the Bicep app settings in step.
 */
export const azureDeploymentSettings = [
  'COSMOS_ENDPOINT',
  'COSMOS_DATABASE',
  'COSMOS_CONTAINER',
  'ServiceBusConnection__fullyQualifiedNamespace',
  'ACS_ENDPOINT',
  'WEB_PUBSUB_ENDPOINT',
  'WEB_PUBSUB_HUB',
  'SMS_PUBLIC_BASE_URL',
  'SMS_ENTRA_CLIENT_ID',
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
  'TELESIGN_CUSTOMER_ID',
  'TELESIGN_API_KEY',
  'ACS_WEBHOOK_SECRET',
  'SMS_ERASURE_KEY',
  'SMS_KEY_VAULT_URL',
  'SMS_FUNCTION_KEY_ROLES',
  'SMS_QUEUE_MAX_DELIVERY_COUNT',
  'SMS_CONFIG_REFRESH_SECONDS',
  'SMS_LOG_LEVEL',
  'EVENTGRID_TOPIC_ENDPOINT',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
] as const satisfies readonly (keyof Settings)[];

/** Settings the Functions host reads itself; the app does not. */
export const hostSettings = [
  'FUNCTIONS_WORKER_RUNTIME',
  'AzureWebJobsStorage',
  'AzureWebJobsStorage__accountName',
] as const;

export type CosmosSettings = ({ endpoint: string } | { connectionString: string }) & {
  database: string;
  container: string;
};
export type ServiceBusSettings = { connectionString: string } | { namespace: string };

/** Who the agent and admin APIs believe: App Service Authentication, the dev sign-in, or key holders. */
export type IdentitySource = 'app-service' | 'dev-sign-in' | 'function-keys';

export interface Config {
  /** embedded: SQLite and the local provider, no cloud; azure: Cosmos DB and Service Bus. */
  mode: 'embedded' | 'azure';
  /** Imported when the store has no configuration yet (first start); none in Azure unless set. */
  seedFile: string | undefined;
  azure: { cosmos: CosmosSettings; serviceBus: ServiceBusSettings } | undefined;
  /** How often an instance re-reads the configuration others may have changed. */
  configRefreshMs: number;
  identity: IdentitySource;
  /**
   * What a function-key holder may do where keys are the identity: notifier by default (what flows
   * need); agent, supervisor, admin only when SMS_FUNCTION_KEY_ROLES says so (unfit for production:
   * a key names nobody, so anyone holding it is every agent and the admin).
   */
  functionKeyRoles: Role[];
  dataDir: string;
  clock: 'system' | 'manual';
  autoClose: { defaultMinutes: number; minMinutes: number; maxMinutes: number; schedule: string };
  queue: { lockMs: number; maxDeliveryCount: number; duplicateWindowMs: number };
  local: {
    port: number;
    consumers: boolean;
    concurrency: number;
    /**
     * The outbound queue's: a consumer holds its number's session while it waits for the number's
     * next slot, so a pool of n numbers sends at the sum of their rates only with n consumers.
     */
    outboundConcurrency: number;
    /** The keys the local host checks with SMS_DEV_SIGN_IN=off; made at start when unset. */
    functionKey: string | undefined;
    masterKey: string | undefined;
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Messages per second per sender number, by number type. */
  sendRates: { longCode: number; tollFree: number; shortCode: number };
  /** The app's root as providers call it (scheme, host, any proxy prefix), before `/api`. */
  publicBaseUrl: string | undefined;
  /** The app registration App Service Authentication accepts tokens for (the connector's resource). */
  entraClientId: string | undefined;
  twilio: { accountSid: string; authToken: string; apiBaseUrl: string | undefined } | undefined;
  /** A connection string (development) or an endpoint reached with the app's managed identity. */
  acs: { connectionString: string } | { endpoint: string } | undefined;
  /** When set, ACS event deliveries must carry it in the `x-sms-webhook-secret` header. */
  acsWebhookSecret: string | undefined;
  /** Azure Resource Manager, where channels named by ACS resource id are looked up. */
  azureResourceManagerUrl: string;
  telesign: { customerId: string; apiKey: string; apiBaseUrl: string } | undefined;
  /** Where the providers' APIs are (tests: local servers), for the default and the channels' accounts. */
  providerApis: { twilio: string | undefined; telesign: string };
  /**
   * Where the secrets channels name are read: Key Vault with the app's identity (cached this long,
   * read again at once when a provider refuses a value), or the SMS_SECRETS map.
   */
  secrets:
    | {
        keyVaultUrl: string;
        cacheMs: number;
        /** A certificate (PEM) to trust for the vault besides the system's: a local stand-in's. */
        ca: string | undefined;
      }
    | { values: Readonly<Record<string, string>> };
  /**
   * The app's identity: DefaultAzureCredential (the managed identity on Azure, a developer's
   * sign-in elsewhere), or in development a token endpoint on this machine standing in for it.
   */
  devIdentityEndpoint: string | undefined;
  /** Live updates through Azure Web PubSub (the app's identity); the local host's own when absent. */
  webPubSub: { endpoint: string; hub: string } | undefined;
  /**
   * Integration events: where they go (an Event Grid topic, reached with the app's identity; without
   * one, the admin's webhook subscribers), the CloudEvents `source` naming this deployment, and how
   * often the outbox is drained.
   */
  events: { eventGridEndpoint: string | undefined; source: string; schedule: string };
  /**
   * The data's life: the secret an erased customer's opt-outs are hashed with (erasing is refused
   * without it), and how often the embedded default removes messages past their channel's retention
   * (Cosmos DB expires them itself).
   */
  dataLife: { erasureKey: string | undefined; retentionSchedule: string };
  telemetry: TelemetrySettings;
}

/**
 * Where spans (and, on Azure, metrics) go: Application Insights through the Azure Monitor
 * OpenTelemetry distro when its connection string is set (with the app's Entra identity when the
 * authentication string says AAD); otherwise nowhere unless a developer asks for the console or
 * an OTLP collector.
 */
export interface TelemetrySettings {
  azureMonitor: { connectionString: string; entraAuth: boolean } | undefined;
  traces: 'off' | 'console' | 'otlp';
  otlpUrl: string;
}

/**
 * What App Service leaves in a setting whose Key Vault reference it could not resolve (the secret is
 * missing, or the app's identity cannot read it yet): the reference's own text.
 */
const KEY_VAULT_REFERENCE = /^\s*@Microsoft\.KeyVault\(/i;

/** The settings that still hold an unresolved Key Vault reference, by name (never their values). */
export function unresolvedKeyVaultReferences(env: Record<string, string | undefined>): string[] {
  return settingNames.filter((name) => KEY_VAULT_REFERENCE.test(env[name] ?? ''));
}

/** A certificate file's PEM text, read once at start-up; a missing or unfit file stops it, naming the setting. */
function certificateFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`invalid settings: SMS_KEY_VAULT_CA_FILE: cannot read ${path}`, {
      cause: error,
    });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigurationError(
      `invalid settings: SMS_KEY_VAULT_CA_FILE: ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  }
  return text;
}

/** Reads the environment once. A bad or contradictory setting stops start-up, naming the setting. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const unresolved = unresolvedKeyVaultReferences(env);
  if (unresolved.length > 0) {
    throw new ConfigurationError(
      `invalid settings: ${unresolved.join(', ')}: unresolved Key Vault reference (App Service could not read the secret: does it exist in the vault, and does the app's identity hold Key Vault Secrets User? App Service reads it again on a restart or a change of settings)`,
    );
  }
  const present = Object.fromEntries(settingNames.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
  const parsed = settingsSchema.safeParse(present);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigurationError(`invalid settings: ${detail}`, { cause: parsed.error });
  }
  const s = parsed.data;
  if (
    !(
      s.SMS_AUTO_CLOSE_MIN_MINUTES <= s.SMS_AUTO_CLOSE_DEFAULT_MINUTES &&
      s.SMS_AUTO_CLOSE_DEFAULT_MINUTES <= s.SMS_AUTO_CLOSE_MAX_MINUTES
    )
  ) {
    throw new ConfigurationError(
      'invalid settings: SMS_AUTO_CLOSE_DEFAULT_MINUTES must lie between SMS_AUTO_CLOSE_MIN_MINUTES and SMS_AUTO_CLOSE_MAX_MINUTES',
    );
  }
  if ((s.TWILIO_ACCOUNT_SID === undefined) !== (s.TWILIO_AUTH_TOKEN === undefined)) {
    throw new ConfigurationError('invalid settings: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN together');
  }
  if ((s.TELESIGN_CUSTOMER_ID === undefined) !== (s.TELESIGN_API_KEY === undefined)) {
    throw new ConfigurationError('invalid settings: set TELESIGN_CUSTOMER_ID and TELESIGN_API_KEY together');
  }
  if (s.ACS_CONNECTION_STRING && s.ACS_ENDPOINT) {
    throw new ConfigurationError(
      'invalid settings: set ACS_CONNECTION_STRING or ACS_ENDPOINT (managed identity), not both',
    );
  }
  if (s.SMS_KEY_VAULT_URL && s.SMS_SECRETS) {
    throw new ConfigurationError(
      'invalid settings: set SMS_KEY_VAULT_URL (Key Vault) or SMS_SECRETS (the secrets themselves), not both',
    );
  }
  if (s.SMS_KEY_VAULT_CA_FILE && !s.SMS_KEY_VAULT_URL) {
    throw new ConfigurationError(
      'invalid settings: SMS_KEY_VAULT_CA_FILE is the certificate of the vault at SMS_KEY_VAULT_URL, which is not set',
    );
  }
  const azure = azureSettings(s);
  if (azure && s.SMS_DEV_SIGN_IN) {
    throw new ConfigurationError(
      'invalid settings: SMS_DEV_SIGN_IN is for the embedded default only; on Azure, sign-in is App Service Authentication',
    );
  }
  return {
    mode: azure ? 'azure' : 'embedded',
    seedFile: s.SMS_SEED_FILE ?? (azure ? undefined : 'config/seed.json'),
    azure,
    configRefreshMs: s.SMS_CONFIG_REFRESH_SECONDS * 1000,
    identity: s.WEBSITE_AUTH_ENABLED
      ? 'app-service'
      : (s.SMS_DEV_SIGN_IN ?? !azure)
        ? 'dev-sign-in'
        : 'function-keys',
    functionKeyRoles: [...new Set(s.SMS_FUNCTION_KEY_ROLES)],
    dataDir: s.SMS_DATA_DIR,
    clock: s.SMS_CLOCK,
    autoClose: {
      defaultMinutes: s.SMS_AUTO_CLOSE_DEFAULT_MINUTES,
      minMinutes: s.SMS_AUTO_CLOSE_MIN_MINUTES,
      maxMinutes: s.SMS_AUTO_CLOSE_MAX_MINUTES,
      schedule: s.SMS_AUTO_CLOSE_SCHEDULE,
    },
    queue: {
      lockMs: s.SMS_QUEUE_LOCK_SECONDS * 1000,
      maxDeliveryCount: s.SMS_QUEUE_MAX_DELIVERY_COUNT,
      duplicateWindowMs: s.SMS_QUEUE_DUPLICATE_WINDOW_MINUTES * 60_000,
    },
    local: {
      port: s.SMS_LOCAL_PORT,
      consumers: s.SMS_LOCAL_CONSUMERS,
      concurrency: s.SMS_LOCAL_CONCURRENCY,
      outboundConcurrency: s.SMS_LOCAL_OUTBOUND_CONCURRENCY,
      functionKey: s.SMS_LOCAL_FUNCTION_KEY,
      masterKey: s.SMS_LOCAL_MASTER_KEY,
    },
    logLevel: s.SMS_LOG_LEVEL,
    sendRates: {
      longCode: s.SMS_SEND_RATE_LONG_CODE,
      tollFree: s.SMS_SEND_RATE_TOLL_FREE,
      shortCode: s.SMS_SEND_RATE_SHORT_CODE,
    },
    publicBaseUrl: s.SMS_PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    entraClientId: s.SMS_ENTRA_CLIENT_ID,
    twilio:
      s.TWILIO_ACCOUNT_SID && s.TWILIO_AUTH_TOKEN
        ? {
            accountSid: s.TWILIO_ACCOUNT_SID,
            authToken: s.TWILIO_AUTH_TOKEN,
            apiBaseUrl: s.TWILIO_API_BASE_URL,
          }
        : undefined,
    acs: s.ACS_CONNECTION_STRING
      ? { connectionString: s.ACS_CONNECTION_STRING }
      : s.ACS_ENDPOINT
        ? { endpoint: s.ACS_ENDPOINT }
        : undefined,
    acsWebhookSecret: s.ACS_WEBHOOK_SECRET,
    webPubSub: s.WEB_PUBSUB_ENDPOINT ? { endpoint: s.WEB_PUBSUB_ENDPOINT, hub: s.WEB_PUBSUB_HUB } : undefined,
    events: {
      eventGridEndpoint: s.EVENTGRID_TOPIC_ENDPOINT,
      source:
        s.SMS_EVENTS_SOURCE ?? s.SMS_PUBLIC_BASE_URL?.replace(/\/+$/, '') ?? 'urn:omnichannel-sms:local',
      schedule: s.SMS_EVENTS_SCHEDULE,
    },
    azureResourceManagerUrl: s.AZURE_RESOURCE_MANAGER_URL,
    dataLife: { erasureKey: s.SMS_ERASURE_KEY, retentionSchedule: s.SMS_RETENTION_SCHEDULE },
    telemetry: {
      azureMonitor: s.APPLICATIONINSIGHTS_CONNECTION_STRING
        ? {
            connectionString: s.APPLICATIONINSIGHTS_CONNECTION_STRING,
            entraAuth: s.APPLICATIONINSIGHTS_AUTHENTICATION_STRING !== undefined,
          }
        : undefined,
      traces: s.SMS_TRACES,
      otlpUrl: s.SMS_TRACES_OTLP_URL,
    },
    providerApis: {
      twilio: s.TWILIO_API_BASE_URL,
      telesign: s.TELESIGN_API_BASE_URL.replace(/\/+$/, ''),
    },
    secrets: s.SMS_KEY_VAULT_URL
      ? {
          keyVaultUrl: s.SMS_KEY_VAULT_URL.replace(/\/+$/, ''),
          cacheMs: s.SMS_SECRET_CACHE_SECONDS * 1000,
          ca: s.SMS_KEY_VAULT_CA_FILE === undefined ? undefined : certificateFile(s.SMS_KEY_VAULT_CA_FILE),
        }
      : { values: s.SMS_SECRETS ?? {} },
    devIdentityEndpoint: s.SMS_DEV_IDENTITY_ENDPOINT,
    telesign:
      s.TELESIGN_CUSTOMER_ID && s.TELESIGN_API_KEY
        ? {
            customerId: s.TELESIGN_CUSTOMER_ID,
            apiKey: s.TELESIGN_API_KEY,
            apiBaseUrl: s.TELESIGN_API_BASE_URL.replace(/\/+$/, ''),
          }
        : undefined,
  };
}

/**
 * The settings that decide which functions exist and how they are bound: which adapters, who signs
 * in, the timers' schedule. Enough to register the functions when another setting is wrong.
 */
const registrationSettings = [
  'COSMOS_ENDPOINT',
  'COSMOS_CONNECTION_STRING',
  'COSMOS_DATABASE',
  'COSMOS_CONTAINER',
  'ServiceBusConnection',
  'ServiceBusConnection__fullyQualifiedNamespace',
  'WEBSITE_AUTH_ENABLED',
  'SMS_AUTO_CLOSE_SCHEDULE',
  'SMS_EVENTS_SCHEDULE',
  'SMS_RETENTION_SCHEDULE',
  'SMS_LOG_LEVEL',
] as const satisfies readonly (keyof Settings)[];

/**
 * The Functions host's start: the configuration, or, when a setting is wrong (an unresolved Key
 * Vault reference, a bad value), the configuration the registration settings alone give, with the
 * problem that keeps the app from serving. Throws only when those settings themselves are wrong.
 */
export function loadStartupConfig(env: Record<string, string | undefined> = process.env): {
  config: Config;
  problem: ConfigurationError | undefined;
} {
  try {
    return { config: loadConfig(env), problem: undefined };
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    const unresolved = new Set(unresolvedKeyVaultReferences(env));
    const kept = Object.fromEntries(
      registrationSettings.flatMap((name) => (env[name] && !unresolved.has(name) ? [[name, env[name]]] : [])),
    );
    return { config: loadConfig(kept), problem: error };
  }
}

/**
 * Cosmos DB and Service Bus come together or not at all: either one alone would leave half the
 * app on SQLite. Each takes an endpoint (the app's managed identity) or a connection string
 * (development), never both.
 */
function azureSettings(s: Settings): Config['azure'] {
  const cosmos = s.COSMOS_ENDPOINT ?? s.COSMOS_CONNECTION_STRING;
  const serviceBus = s.ServiceBusConnection ?? s.ServiceBusConnection__fullyQualifiedNamespace;
  if (!cosmos && !serviceBus) return undefined;
  if (s.COSMOS_ENDPOINT && s.COSMOS_CONNECTION_STRING) {
    throw new ConfigurationError(
      'invalid settings: set COSMOS_ENDPOINT (managed identity) or COSMOS_CONNECTION_STRING, not both',
    );
  }
  if (s.ServiceBusConnection && s.ServiceBusConnection__fullyQualifiedNamespace) {
    throw new ConfigurationError(
      'invalid settings: set ServiceBusConnection__fullyQualifiedNamespace (managed identity) or ServiceBusConnection, not both',
    );
  }
  if (!cosmos) {
    throw new ConfigurationError(
      'invalid settings: Service Bus is set but Cosmos DB is not: set COSMOS_ENDPOINT (or COSMOS_CONNECTION_STRING)',
    );
  }
  if (!serviceBus) {
    throw new ConfigurationError(
      'invalid settings: Cosmos DB is set but Service Bus is not: set ServiceBusConnection__fullyQualifiedNamespace (or ServiceBusConnection)',
    );
  }
  return {
    cosmos: {
      ...(s.COSMOS_ENDPOINT
        ? { endpoint: s.COSMOS_ENDPOINT }
        : { connectionString: s.COSMOS_CONNECTION_STRING ?? '' }),
      database: s.COSMOS_DATABASE,
      container: s.COSMOS_CONTAINER,
    },
    serviceBus: s.ServiceBusConnection
      ? { connectionString: s.ServiceBusConnection }
      : { namespace: s.ServiceBusConnection__fullyQualifiedNamespace ?? '' },
  };
}
