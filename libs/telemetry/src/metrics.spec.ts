import { parseScrape, samples, total } from '../../../test/support/prometheus';
import { meter, scrapeMetrics } from './metrics';
import { shutdownTelemetry, startTelemetry } from './sdk';

/*
 * The metrics pipeline of every service, as a scrape reads it: the SDK's meter provider, the
 * Prometheus reader, the unit suffixes and the service's name on every series.
 */
describe('scrapeMetrics', () => {
  // Traces off, metrics on: what OTEL_SDK_DISABLED=true leaves (and no instrumentation patches this test process).
  beforeAll(() => {
    process.env.OTEL_SDK_DISABLED = 'true';
    startTelemetry('metrics-spec');
  });

  afterAll(async () => {
    delete process.env.OTEL_SDK_DISABLED;
    await shutdownTelemetry();
  });

  it('writes the Prometheus names: unit suffixes, _total on counters, the service name on every series', async () => {
    const instruments = meter('metrics-spec');
    const histogram = instruments.createHistogram('spec.request.duration', { unit: 's' });
    histogram.record(0.2, { route: '/v1/things/:id' });
    histogram.record(0.1, { route: '/v1/other' });
    histogram.record(0.3, { route: '/v1/other' });
    instruments.createCounter('spec.dead_letters', { unit: '{message}' }).add(2, { 'error.type': 'InvalidEvent' });
    instruments.createObservableGauge('spec.oldest.age', { unit: 's' }).addCallback((result) => result.observe(7));
    instruments.createObservableUpDownCounter('spec.connection.count', { unit: '{connection}' }).addCallback((result) => result.observe(3));

    const scrape = parseScrape(await scrapeMetrics());

    expect(scrape.types.get('spec_request_duration_seconds')).toBe('histogram');
    const route = { route: '/v1/things/:id', service_name: 'metrics-spec' };
    expect(total(scrape, 'spec_request_duration_seconds_count', route)).toBe(1);
    expect(total(scrape, 'spec_request_duration_seconds_sum', route)).toBe(0.2);
    expect(total(scrape, 'spec_request_duration_seconds_bucket', { ...route, le: '+Inf' })).toBe(1);
    // each label set of a histogram is read, not only the last
    expect(total(scrape, 'spec_request_duration_seconds_count', { route: '/v1/other' })).toBe(2);
    expect(total(scrape, 'spec_request_duration_seconds_count')).toBe(3);
    expect(scrape.types.get('spec_dead_letters_total')).toBe('counter');
    expect(total(scrape, 'spec_dead_letters_total', { error_type: 'InvalidEvent', service_name: 'metrics-spec' })).toBe(2);
    expect(total(scrape, 'spec_oldest_age_seconds')).toBe(7);
    // an annotation ({connection}) adds no suffix; a non-monotonic sum is a gauge
    expect(scrape.types.get('spec_connection_count')).toBe('gauge');
    expect(total(scrape, 'spec_connection_count')).toBe(3);
    expect(samples(scrape, 'target_info', { service_name: 'metrics-spec' })).toHaveLength(1);
  });

  it('keeps a name that already ends with its unit', async () => {
    meter('metrics-spec').createHistogram('spec.wait_seconds', { unit: 's' }).record(1);
    const scrape = parseScrape(await scrapeMetrics());
    expect(scrape.types.get('spec_wait_seconds')).toBe('histogram');
    expect(scrape.types.has('spec_wait_seconds_seconds')).toBe(false);
  });
});
