import { Controller, Get, Inject, Param, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { AuthGuard, OPERATOR, Roles } from '@app/auth';
import { notFound, unavailable } from '@app/platform';
import { CONSOLE_SETTINGS, ConsoleSettings } from './console.config';
import { StillRegistered } from './ops-access';
import { OpsAuditInterceptor } from './ops-audit';

class TraceParams extends createZodDto(
  z.object({ traceId: z.string().regex(/^[0-9a-f]{16}([0-9a-f]{16})?$/, 'must be a trace id: 16 or 32 lowercase hex digits') }),
) {}

/** A span as Zipkin's v2 API gives it (only what the console draws is named; the rest passes through). */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: string;
  timestamp?: number;
  duration?: number;
  localEndpoint?: { serviceName?: string };
  [field: string]: unknown;
}

/** A payment's trace for the console, from the trace viewer's API: the browser makes no cross-origin call. */
@ApiTags('console')
@Controller('v1/ops/traces')
@UseGuards(AuthGuard, StillRegistered)
@UseInterceptors(OpsAuditInterceptor)
@Roles(OPERATOR)
export class TracesController {
  constructor(@Inject(CONSOLE_SETTINGS) private readonly settings: ConsoleSettings) {}

  @Get(':traceId')
  @ApiOperation({ summary: "A trace's spans, as the trace viewer (Zipkin) has them; 404 while it has none" })
  async trace(@Param() { traceId }: TraceParams): Promise<{ traceId: string; spans: ZipkinSpan[] }> {
    let response: Response;
    try {
      response = await fetch(`${this.settings.zipkinUrl}/api/v2/trace/${traceId}`, { signal: AbortSignal.timeout(5000) });
    } catch {
      throw unavailable('TRACES.UNAVAILABLE', 'the trace viewer cannot be reached now; try again');
    }
    // Zipkin answers 404 for a trace it does not have, and refuses an id it can never have (all zeros): none either way
    if (response.status === 404 || response.status === 400)
      throw notFound('TRACES.NOT_FOUND', `the trace viewer has no trace ${traceId} (yet)`);
    if (!response.ok) throw unavailable('TRACES.UNAVAILABLE', `the trace viewer answered ${response.status}; try again`);
    const spans = (await response.json()) as ZipkinSpan[];
    if (!Array.isArray(spans) || spans.length === 0) throw notFound('TRACES.NOT_FOUND', `the trace viewer has no trace ${traceId} (yet)`);
    return { traceId, spans };
  }
}
