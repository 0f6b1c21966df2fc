import { Controller, Get, Inject, Injectable, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthGuard, OPERATOR, Roles } from '@app/auth';
import { SERVICE_CONFIG, ServiceConfig } from '@app/platform';
import { UPSTREAM_SERVICES, UpstreamService } from '../routes';
import { Upstreams } from '../upstreams';
import { CONSOLE_SETTINGS, ConsoleSettings } from './console.config';
import { StillRegistered } from './ops-access';
import { OpsAuditInterceptor } from './ops-audit';

/** A sample of Prometheus' text format, as parse-prometheus-text-format reads it. */
interface Sample {
  value?: string;
  labels?: Record<string, string>;
}
interface MetricFamily {
  name: string;
  metrics: Sample[];
}
// The package has no types of its own (and is CommonJS: module.exports is the function).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parsePrometheusTextFormat = require('parse-prometheus-text-format') as (text: string) => MetricFamily[];

export interface InstanceOverview {
  url: string;
  /** In the gateway's rotation (its last health check passed). */
  up: boolean;
  /** Its /metrics could be read. */
  metrics: boolean;
}

/** One service at a glance; a figure is null when no instance reports it, or no instance's /metrics could be read ("no data"). */
export interface ServiceOverview {
  service: UpstreamService;
  instances: InstanceOverview[];
  /** Messages its consumer group has not processed yet: in all, and by topic (without the deployment's prefix). */
  consumerLag: { total: number; byTopic: Record<string, number> } | null;
  /** Outbox rows not yet published, and the age of the oldest in seconds (one outbox per service: the largest report). */
  outbox: { backlog: number; oldestAgeS: number } | null;
  /** Messages parked on its dead-letter topic since its instances started (their counters, added up). */
  deadLetters: number | null;
}

const numberOf = (sample: Sample) => {
  const value = Number(sample.value);
  return Number.isFinite(value) ? value : 0;
};

/**
 * A scrape's series by name ([] when the text cannot be parsed). Histograms are left out: only
 * gauges and counters are read here, and the parser mishandles histograms with labels.
 */
function parse(text: string): Array<Map<string, Sample[]>> {
  const histograms = new Set([...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((m) => m[1]));
  const ofHistogram = (line: string) => {
    const name = /^(?:# (?:HELP|TYPE) )?([a-zA-Z_:][\w:]*)/.exec(line)?.[1] ?? '';
    return histograms.has(name) || histograms.has(name.replace(/_(bucket|sum|count)$/, ''));
  };
  const kept = text
    .split('\n')
    .filter((line) => !ofHistogram(line))
    .join('\n');
  try {
    return [new Map(parsePrometheusTextFormat(kept).map((family) => [family.name, family.metrics]))];
  } catch {
    return [];
  }
}

/**
 * One service's figures from its instances' scrapes (undefined: not read): lag added up by topic,
 * the outbox's largest report (every instance reads the same table), dead letters added up (0
 * until the counter's first increment).
 */
export function serviceOverview(
  service: UpstreamService,
  instances: ReadonlyArray<{ url: string; up: boolean }>,
  scrapes: ReadonlyArray<string | undefined>,
  topicPrefix: string,
): ServiceOverview {
  const families = scrapes.filter((text): text is string => text !== undefined).flatMap(parse);
  const series = (name: string) => families.flatMap((scrape) => scrape.get(name) ?? []);
  const present = (name: string) => families.some((scrape) => scrape.has(name));
  const withoutPrefix = (topic: string) => (topicPrefix && topic.startsWith(topicPrefix) ? topic.slice(topicPrefix.length) : topic);

  const byTopic: Record<string, number> = {};
  for (const sample of series('messaging_kafka_consumer_lag')) {
    const topic = withoutPrefix(sample.labels?.messaging_destination_name ?? '?');
    byTopic[topic] = (byTopic[topic] ?? 0) + numberOf(sample);
  }
  const max = (name: string) => Math.max(0, ...series(name).map(numberOf));
  return {
    service,
    instances: instances.map(({ url, up }, i) => ({ url, up, metrics: scrapes[i] !== undefined })),
    consumerLag: present('messaging_kafka_consumer_lag') ? { total: Object.values(byTopic).reduce((sum, n) => sum + n, 0), byTopic } : null,
    outbox: present('outbox_backlog') ? { backlog: max('outbox_backlog'), oldestAgeS: max('outbox_oldest_age_seconds') } : null,
    // a counter appears with its first increment: none yet in a scrape that was read is none parked
    deadLetters: families.length > 0 ? series('messaging_dead_letters_total').reduce((sum, sample) => sum + numberOf(sample), 0) : null,
  };
}

/**
 * Per service: its instances as the gateway sees them, and what their /metrics say about consumer
 * lag, the outbox and dead letters. Each scrape is bounded; an instance that is down or has no
 * such series leaves its figures out.
 */
@Injectable()
export class Overview {
  constructor(
    private readonly upstreams: Upstreams,
    @Inject(CONSOLE_SETTINGS) private readonly settings: ConsoleSettings,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  async all(): Promise<ServiceOverview[]> {
    const services = Object.keys(UPSTREAM_SERVICES) as UpstreamService[];
    return Promise.all(services.map((service) => this.of(service)));
  }

  private async of(service: UpstreamService): Promise<ServiceOverview> {
    const { instances } = this.upstreams.pool(service);
    const scrapes = await Promise.all(instances.map(({ url, up }) => (up ? this.scrape(url) : Promise.resolve(undefined))));
    return serviceOverview(service, instances, scrapes, this.config.kafka.topicPrefix);
  }

  /** An instance's /metrics; undefined when it cannot be read (down, too slow, not served). */
  private async scrape(url: string): Promise<string | undefined> {
    try {
      const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(this.settings.scrapeTimeoutMs) });
      if (!response.ok) {
        await response.body?.cancel();
        return undefined;
      }
      return await response.text();
    } catch {
      return undefined;
    }
  }
}

@ApiTags('console')
@Controller('v1/ops/overview')
@UseGuards(AuthGuard, StillRegistered)
@UseInterceptors(OpsAuditInterceptor)
@Roles(OPERATOR)
export class OverviewController {
  constructor(private readonly overview: Overview) {}

  @Get()
  @ApiOperation({ summary: "Every service's instances, consumer lag, outbox backlog and dead letters, from their /metrics" })
  async get(): Promise<{ data: ServiceOverview[] }> {
    return { data: await this.overview.all() };
  }
}
