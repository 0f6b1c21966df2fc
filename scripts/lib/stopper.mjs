// What one `npm start` started, and stopping it: the services first, then the Kafka broker and
// Zipkin if this run started them (a broker or Zipkin it found running is left running).

import { setTimeout as sleep } from 'node:timers/promises';
import { startKafka } from './kafka-broker.mjs';
import { DEFAULT_PORT as KAFKA_PORT } from './kafka-config.mjs';
import { probeKafka } from './kafka-protocol.mjs';
import { say } from './services.mjs';
import { DEFAULT_PORT as ZIPKIN_PORT } from './zipkin-config.mjs';
import { startZipkin } from './zipkin-server.mjs';

export const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const STOP_TIMEOUT_MS = 15_000;
/** Standard OpenTelemetry variables that choose where traces go: if one is set, no local Zipkin. */
const OTEL_EXPORTER_VARIABLES = [
  'OTEL_TRACES_EXPORTER',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_EXPORTER',
  'OTEL_EXPORTER_ZIPKIN_ENDPOINT',
];

/** Owns everything this run started, and stops it in order (services, then Kafka and Zipkin) exactly once. */
export class Stopper {
  stopping = false;
  commands = [];
  down = new Set(); // services that will not come back (config error, or out of restarts)
  child = undefined;
  kafka = undefined; // promise of { brokers, stop? }
  zipkin = undefined; // promise of { env, stop? }
  viewerUrl = undefined; // the trace viewer's UI, once known
  done = new Promise((resolve) => {
    this.resolveDone = resolve;
  });

  constructor() {
    for (const signal of SIGNALS) process.on(signal, () => this.stop(signal));
  }

  track(child) {
    this.child = child;
  }

  startKafka() {
    this.kafka = (async () => {
      if (process.env.KAFKA_BROKERS) {
        say(`using Kafka at ${process.env.KAFKA_BROKERS} (KAFKA_BROKERS is set)`);
        return { brokers: process.env.KAFKA_BROKERS };
      }
      const port = Number(process.env.KAFKA_PORT || KAFKA_PORT);
      try {
        // stopWithParent: even if this runner is killed hard, the broker it started goes too
        const k = await startKafka({ port, stopWithParent: true });
        if (k.alreadyRunning) say(`Kafka already running at ${k.brokers} (pid ${k.pid}): using it, leaving it running`);
        return k.alreadyRunning ? { brokers: k.brokers } : { brokers: k.brokers, stop: () => k.stop() };
      } catch (error) {
        const other = await probeKafka(port).catch(() => undefined);
        if (!other) throw error;
        say(`a Kafka broker not started by this repo answers on 127.0.0.1:${port}: using it`);
        return { brokers: `127.0.0.1:${port}` };
      }
    })();
    return this.kafka.then((k) => k.brokers);
  }

  /**
   * Starts (or reuses) the local Zipkin unless traces are configured to go elsewhere. Resolves to
   * the variables for the services; never rejects: the system runs without a viewer if need be.
   */
  startZipkin() {
    this.zipkin = (async () => {
      const configured = OTEL_EXPORTER_VARIABLES.filter((name) => process.env[name]);
      if (process.env.OTEL_SDK_DISABLED === 'true') configured.push('OTEL_SDK_DISABLED=true');
      if (configured.length) {
        say(`not starting Zipkin: traces are configured through ${configured.join(', ')}`);
        return { env: {} };
      }
      const port = Number(process.env.ZIPKIN_PORT || ZIPKIN_PORT);
      try {
        const z = await startZipkin({ port, stopWithParent: true });
        if (z.alreadyRunning) say(`Zipkin already running at ${z.uiUrl}${z.pid ? ` (pid ${z.pid})` : ''}: using it, leaving it running`);
        this.viewerUrl = z.uiUrl;
        const env = {
          OTEL_EXPORTER_ZIPKIN_ENDPOINT: z.spansEndpoint,
          TRACE_VIEWER_URL: process.env.TRACE_VIEWER_URL || z.traceUrlTemplate,
          // the gateway's operator console reads traces from its API
          ZIPKIN_URL: process.env.ZIPKIN_URL || z.url,
        };
        return z.alreadyRunning ? { env } : { env, stop: () => z.stop() };
      } catch (error) {
        // tracing stays on (trace ids in logs and responses), only the export is off
        say(`could not start Zipkin (${error.message.split('\n')[0]}): running without a trace viewer`);
        return { env: { OTEL_TRACES_EXPORTER: 'none' } };
      }
    })();
    return this.zipkin.then((z) => z.env);
  }

  async stop(reason) {
    if (this.stopping) {
      say(`${reason} again: killing the services now`);
      for (const c of this.commands) if (c.state === 'started') c.kill('SIGKILL');
      return;
    }
    this.stopping = true;
    const started = Boolean(this.child || this.commands.length || this.kafka || this.zipkin);
    if (started) say(`${reason}: stopping ...`);
    this.child?.kill('SIGTERM');
    const running = () => this.commands.filter((c) => c.state === 'started');
    for (const c of running()) c.kill('SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (running().length && Date.now() < deadline) await sleep(100);
    for (const c of running()) {
      say(`${c.name} did not stop within ${STOP_TIMEOUT_MS / 1000} s: killing it`);
      c.kill('SIGKILL');
    }
    while (running().length) await sleep(100);
    const [kafkaOk, zipkinOk] = await Promise.all([
      stopIfOurs(
        'Kafka broker',
        'Kafka',
        this.kafka?.catch(() => undefined),
      ),
      stopIfOurs('Zipkin', 'Zipkin', this.zipkin),
    ]);
    if (started) say('stopped.');
    this.resolveDone(kafkaOk && zipkinOk && SIGNALS.includes(reason) ? 0 : 1);
  }

  finish() {
    return this.done;
  }
}

/** Stops what `started` (a promise of `{ stop? }`) started, if it did; resolves to whether it is stopped. */
async function stopIfOurs(what, name, started) {
  const handle = await started;
  if (!handle?.stop) return true;
  say(`stopping the ${what} this run started ...`);
  const stopped = await handle.stop();
  say(stopped ? `${name} stopped.` : `${name} did not stop!`);
  return stopped;
}
