#!/usr/bin/env node
// Runs a real single-node Apache Kafka 4.x broker (KRaft combined mode: broker + controller)
// natively from the official Maven Central jars. No Docker, no npm dependencies (node: built-ins
// only, because this runs before `npm install`). Needs Java 17+ and Maven (`mvn`) on the PATH.
//
// CLI:
//   node scripts/kafka.mjs start  [--port 9092] [--controller-port N] [--data-dir DIR]
//   node scripts/kafka.mjs stop   [--data-dir DIR]
//   node scripts/kafka.mjs status [--data-dir DIR]
//   node scripts/kafka.mjs run    [same options as start]  (foreground: stops the broker on SIGINT/SIGTERM)
//   node scripts/kafka.mjs resolve                          (only download the jars)
// The work is done in lib/ (kafka-broker.mjs for programs: start, stop, status).

import { COMMON_OPTIONS, commonOptions, parseCommandLine, reportStop, runForeground, runMain, untilSignal } from './lib/cli.mjs';
import { kafkaStatus, failureDetails, startKafka, stopKafka } from './lib/kafka-broker.mjs';
import { DEFAULT_DATA_DIR, DEFAULT_PORT, KAFKA_LIBS_DIR, KAFKA_VERSION, layout, resolveKafkaJars } from './lib/kafka-config.mjs';

const OPTIONS = {
  ...COMMON_OPTIONS,
  'controller-port': { type: 'string' },
  'log-dir': { type: 'string' },
};

async function cli(argv) {
  const { cmd, values } = parseCommandLine(argv, OPTIONS);
  const opts = {
    ...commonOptions(values),
    controllerPort: values['controller-port'] === undefined ? undefined : Number(values['controller-port']),
    logDir: values['log-dir'],
  };
  const external = process.env.KAFKA_BROKERS;

  switch (cmd) {
    case 'start': {
      if (external) {
        console.log(`KAFKA_BROKERS is set (${external}): using that cluster, not starting a local broker.`);
        return 0;
      }
      const st = await kafkaStatus(opts);
      if (st.running && st.ready) {
        console.log(`Kafka ${KAFKA_VERSION} already running at ${st.brokers} (pid ${st.pid}, data ${st.dataDir})`);
        return 0;
      }
      const k = await startKafka(opts);
      console.log(
        k.alreadyRunning
          ? `Kafka ${KAFKA_VERSION} already running at ${k.brokers} (pid ${k.pid}, data ${k.dataDir})`
          : `Kafka ${KAFKA_VERSION} running at ${k.brokers} (pid ${k.pid}, started in ${(k.startupMs / 1000).toFixed(1)}s, logs ${k.logFile})`,
      );
      return 0;
    }
    case 'stop':
      return reportStop('Kafka', await stopKafka(opts));
    case 'status': {
      const st = await kafkaStatus(opts);
      if (external) console.log(`KAFKA_BROKERS is set (${external}).`);
      if (!st.running) {
        console.log(`Kafka is not running (data ${st.dataDir}).`);
        return 1;
      }
      console.log(
        `Kafka ${KAFKA_VERSION} ${st.ready ? 'running' : 'running but NOT answering'} at ${st.brokers} ` +
          `(pid ${st.pid}, controller port ${st.controllerPort}, data ${st.dataDir}, logs ${st.logFile})`,
      );
      return st.ready ? 0 : 1;
    }
    case 'run': {
      if (external) {
        console.log(`KAFKA_BROKERS is set (${external}): using that cluster, not running a local broker (idling).`);
        await untilSignal();
        return 0;
      }
      const k = await startKafka({ ...opts, stopWithParent: true });
      const owned = !k.alreadyRunning;
      console.log(
        owned
          ? `Kafka ${KAFKA_VERSION} running at ${k.brokers} (pid ${k.pid}, logs ${k.logFile}). Ctrl-C to stop.`
          : `Kafka ${KAFKA_VERSION} already running at ${k.brokers} (pid ${k.pid}); not owned by this process, will not stop it.`,
      );
      return runForeground({
        name: 'Kafka',
        label: 'Kafka broker',
        handle: k,
        owned,
        watchPid: k.pid,
        failureDetails: () => failureDetails(layout(k.dataDir, k.logDir)),
      });
    }
    case 'resolve': {
      console.log(await resolveKafkaJars(opts));
      return 0;
    }
    default:
      console.log(`usage: node scripts/kafka.mjs <start|stop|status|run|resolve> [--port N] [--controller-port N] [--data-dir DIR] [--log-dir DIR] [--timeout SECONDS] [--quiet]
  Kafka ${KAFKA_VERSION} (KRaft, single node), jars cached in ${KAFKA_LIBS_DIR}
  default: port ${DEFAULT_PORT}, data dir ${DEFAULT_DATA_DIR}; KAFKA_BROKERS set => start/run do nothing`);
      return cmd === 'help' ? 0 : 2;
  }
}

runMain('kafka', cli);
