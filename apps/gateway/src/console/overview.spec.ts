import { serviceOverview } from './overview';

// An instance's /metrics as the services' Prometheus exporter writes it (the series of libs/messaging's metrics).
const scrape = ({ lag, backlog, age, dead }: { lag: [number, number]; backlog: number; age: number; dead: number }) => `
# HELP messaging_kafka_consumer_lag Messages of an assigned partition that the consumer group has not processed yet.
# TYPE messaging_kafka_consumer_lag gauge
messaging_kafka_consumer_lag{messaging_system="kafka",messaging_consumer_group_name="t.fraud",messaging_destination_name="t.payments.events",messaging_destination_partition_id="0",service_name="fraud"} ${lag[0]}
messaging_kafka_consumer_lag{messaging_system="kafka",messaging_consumer_group_name="t.fraud",messaging_destination_name="t.users.events",messaging_destination_partition_id="1",service_name="fraud"} ${lag[1]}
# HELP outbox_backlog Outbox rows not yet published.
# TYPE outbox_backlog gauge
outbox_backlog{service="fraud",service_name="fraud"} ${backlog}
# HELP outbox_oldest_age_seconds Age of the oldest outbox row not yet published; 0 when the outbox is empty.
# TYPE outbox_oldest_age_seconds gauge
outbox_oldest_age_seconds{service="fraud",service_name="fraud"} ${age}
# HELP messaging_dead_letters_total Messages parked on the dead-letter topic.
# TYPE messaging_dead_letters_total counter
messaging_dead_letters_total{messaging_destination_name="t.payments.events",error_type="InvalidEvent",service_name="fraud"} ${dead}
# HELP http_server_request_duration_seconds Duration of HTTP server requests.
# TYPE http_server_request_duration_seconds histogram
http_server_request_duration_seconds_count{http_route="/v1/fraud/assessments/:paymentId",service_name="fraud"} 3
http_server_request_duration_seconds_sum{http_route="/v1/fraud/assessments/:paymentId",service_name="fraud"} 0.02
http_server_request_duration_seconds_bucket{http_route="/v1/fraud/assessments/:paymentId",service_name="fraud",le="0.005"} 1
http_server_request_duration_seconds_bucket{http_route="/v1/fraud/assessments/:paymentId",service_name="fraud",le="+Inf"} 3
`;

const instances = [
  { url: 'http://10.0.0.1:3001', up: true },
  { url: 'http://10.0.0.2:3101', up: true },
  { url: 'http://10.0.0.3:3201', up: false },
];

describe('serviceOverview', () => {
  it('adds up lag by topic (without the prefix) and dead letters over the instances; the outbox is the largest report', () => {
    const overview = serviceOverview(
      'fraud',
      instances,
      [scrape({ lag: [3, 1], backlog: 2, age: 1.5, dead: 4 }), scrape({ lag: [5, 0], backlog: 7, age: 0.5, dead: 1 }), undefined],
      't.',
    );
    expect(overview).toEqual({
      service: 'fraud',
      instances: [
        { url: 'http://10.0.0.1:3001', up: true, metrics: true },
        { url: 'http://10.0.0.2:3101', up: true, metrics: true },
        { url: 'http://10.0.0.3:3201', up: false, metrics: false },
      ],
      consumerLag: { total: 9, byTopic: { 'payments.events': 8, 'users.events': 1 } },
      outbox: { backlog: 7, oldestAgeS: 1.5 },
      deadLetters: 5,
    });
  });

  it('shows no data (null) where no instance reports a series, or none could be read; no dead letter counted is none', () => {
    const without = '# HELP process_cpu_seconds_total x\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1\n';
    expect(serviceOverview('fraud', instances, [without, undefined, undefined], 't.')).toMatchObject({
      consumerLag: null,
      outbox: null,
      deadLetters: 0,
    });
    for (const scrapes of [
      [undefined, undefined, undefined],
      ['{{ not the text format', undefined, undefined],
    ]) {
      expect(serviceOverview('fraud', instances, scrapes, 't.')).toMatchObject({ consumerLag: null, outbox: null, deadLetters: null });
    }
  });
});
