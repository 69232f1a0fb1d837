import type { TokenCredential } from '@azure/core-auth';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { TelemetrySettings } from '../config.js';
import type { Logger } from '../ports.js';

/** Flushes what is buffered and stops sending; the global providers are gone afterwards. */
export type StopTelemetry = () => Promise<void>;

const nothingToStop: StopTelemetry = async () => {};

/**
 * Registers the global tracer provider (and on Azure the meter provider, which the metrics record
 * through), once, at start-up. The SDKs are imported here, when asked for: with telemetry off (the
 * local default) none of them is loaded, and a cold start without Application Insights pays nothing.
 *
 * On Azure: the Azure Monitor OpenTelemetry distro, sending to Application Insights with the app's
 * identity when local authentication is off. Its automatic HTTP and Azure SDK instrumentations stay
 * off: their spans carry request URLs, and Cosmos DB's name documents by the customer's number.
 * Locally: spans printed to the console, or sent to an OTLP collector (Jaeger, the Aspire
 * dashboard, an OpenTelemetry Collector).
 */
export async function startTelemetry(
  settings: TelemetrySettings,
  options: { logger: Logger; credential?: () => TokenCredential },
): Promise<StopTelemetry> {
  if (settings.azureMonitor) {
    // Renamed: its `use` prefix reads as a React hook to the linter.
    const { useAzureMonitor: startAzureMonitor, shutdownAzureMonitor } = await import(
      '@azure/monitor-opentelemetry'
    );
    const credential = settings.azureMonitor.entraAuth
      ? (options.credential?.() ?? new (await import('@azure/identity')).DefaultAzureCredential())
      : undefined;
    startAzureMonitor({
      azureMonitorExporterOptions: {
        connectionString: settings.azureMonitor.connectionString,
        ...(credential ? { credential } : {}),
      },
      instrumentationOptions: {
        http: { enabled: false },
        azureSdk: { enabled: false },
        mongoDb: { enabled: false },
        mySql: { enabled: false },
        postgreSql: { enabled: false },
        redis: { enabled: false },
        redis4: { enabled: false },
        bunyan: { enabled: false },
        winston: { enabled: false },
      },
      // The host already sends the logs and the platform's performance figures.
      enableLiveMetrics: false,
      enablePerformanceCounters: false,
    });
    options.logger.info('telemetry.started', { exporter: 'azure-monitor' });
    return () => shutdownAzureMonitor();
  }
  if (settings.traces === 'off') return nothingToStop;
  const sdk = await import('@opentelemetry/sdk-trace-node');
  const processor =
    settings.traces === 'console'
      ? new sdk.SimpleSpanProcessor(new sdk.ConsoleSpanExporter())
      : new sdk.BatchSpanProcessor(
          new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({
            url: settings.otlpUrl,
          }),
        );
  const stop = await startLocalTracing(processor);
  options.logger.info('telemetry.started', { exporter: settings.traces });
  return stop;
}

/**
 * A Node tracer provider with one span processor, registered globally with the W3C trace-context
 * propagator and an AsyncLocalStorage context manager. The local settings use it, and tests with
 * an in-memory exporter.
 */
export async function startLocalTracing(processor: SpanProcessor): Promise<StopTelemetry> {
  const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
  const provider = new NodeTracerProvider({ spanProcessors: [processor] });
  provider.register();
  return async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
    metrics.disable();
  };
}
