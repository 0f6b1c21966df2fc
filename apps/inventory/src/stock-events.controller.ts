import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { StockEvent, StockEventsService } from './stock-events.service';

/** New payments reserve stock; final ones commit or release it. A chunk at a time, in order. */
@Controller()
export class StockEventsController {
  constructor(private readonly stock: StockEventsService) {}

  @EventPattern(['PaymentInitiated', 'PaymentSucceeded', 'PaymentFailed'], { batch: true })
  onEvents(@Payload() events: StockEvent[]): Promise<void> {
    return this.stock.applyAll(events);
  }
}
