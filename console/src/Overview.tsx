import { useEffect, useState } from 'react';
import { Call, describe, ServiceOverview } from './api';

const REFRESH_MS = 5000;

const noData = <span className="muted">no data</span>;

/** Per service: instances and their health, consumer lag (in all and by topic), outbox backlog and age, dead letters. Refreshed every few seconds. */
export function Overview({ call }: { call: Call }) {
  const [services, setServices] = useState<ServiceOverview[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    let timer: number | undefined;
    const load = (): void => {
      call<{ data: ServiceOverview[] }>('GET', '/v1/ops/overview')
        .then(
          (overview) => {
            if (!current) return;
            setServices(overview.data);
            setError(null);
          },
          (failure) => current && setError(describe(failure)),
        )
        .finally(() => {
          if (current) timer = window.setTimeout(load, REFRESH_MS);
        });
    };
    load();
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [call]);

  return (
    <section aria-label="Overview">
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!services ? (
        <p className="muted">Loading…</p>
      ) : (
        <table aria-label="Services">
          <thead>
            <tr>
              <th>Service</th>
              <th>Instances</th>
              <th>Consumer lag</th>
              <th>Outbox backlog</th>
              <th>Oldest in outbox</th>
              <th>Dead letters</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.service} data-service={s.service}>
                <th scope="row">{s.service}</th>
                <td>
                  {s.instances.map((instance) => (
                    <div key={instance.url} className={instance.up ? 'up' : 'down'}>
                      {instance.up ? '●' : '○'} {instance.url} {instance.up ? 'up' : 'down'}
                    </div>
                  ))}
                </td>
                <td className="number" data-figure="lag">
                  {s.consumerLag ? (
                    <>
                      {s.consumerLag.total}
                      {Object.entries(s.consumerLag.byTopic).map(([topic, lag]) => (
                        <div key={topic} className="small muted">
                          {topic}: {lag}
                        </div>
                      ))}
                    </>
                  ) : (
                    noData
                  )}
                </td>
                <td className="number" data-figure="backlog">
                  {s.outbox ? s.outbox.backlog : noData}
                </td>
                <td className="number">{s.outbox ? `${s.outbox.oldestAgeS.toFixed(1)} s` : noData}</td>
                <td className="number" data-figure="dead-letters">
                  {s.deadLetters ?? noData}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
