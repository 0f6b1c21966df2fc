import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SummaryQueryDto } from './summary.dto';
import { SummaryRow, SummaryView, toSummaryView } from './summary-view';

@Injectable()
export class SummaryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One statement over one snapshot, so the counts always add up: initiated = succeeded + failed +
   * pending. Latency percentiles are over final payments only (pending ones have none yet);
   * percentile_disc picks a real observed latency, so the result is already a whole number.
   */
  async summary({ from, to }: SummaryQueryDto): Promise<SummaryView> {
    const conditions: string[] = [];
    const params: Date[] = [];
    if (from) conditions.push(`created_at >= $${params.push(from)}`);
    if (to) conditions.push(`created_at < $${params.push(to)}`);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const [row]: SummaryRow[] = await this.dataSource.query(
      `WITH facts AS (SELECT status, failure_reason, amount_paise, latency_ms FROM payment_facts ${where})
       SELECT count(*)                                     AS initiated,
              count(*) FILTER (WHERE status = 'SUCCEEDED') AS succeeded,
              count(*) FILTER (WHERE status = 'FAILED')    AS failed,
              count(*) FILTER (WHERE status = 'PENDING')   AS pending,
              coalesce(sum(amount_paise) FILTER (WHERE status = 'SUCCEEDED'), 0)::text AS succeeded_paise,
              percentile_disc(0.50) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status <> 'PENDING') AS p50,
              percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status <> 'PENDING') AS p95,
              percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status <> 'PENDING') AS p99,
              (SELECT jsonb_object_agg(failure_reason, n)
                 FROM (SELECT failure_reason, count(*) AS n FROM facts WHERE status = 'FAILED' GROUP BY failure_reason) r
              ) AS failures_by_reason
         FROM facts`,
      params,
    );
    return toSummaryView(row);
  }
}
