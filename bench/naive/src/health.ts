import { Controller, Get } from '@nestjs/common';

/** What the harness waits for; the app listens only once its Kafka consumer has started. */
@Controller('health')
export class HealthController {
  @Get(['live', 'ready'])
  ready() {
    return { status: 'ok' };
  }
}
