import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { PaymentOutcome, SendNotificationsService } from './send-notifications.service';

/** Final payments, a chunk at a time: who is told what, stored and announced together. */
@Controller()
export class PaymentOutcomeController {
  constructor(private readonly notifications: SendNotificationsService) {}

  @EventPattern(['PaymentSucceeded', 'PaymentFailed'], { batch: true })
  onOutcomes(@Payload() events: PaymentOutcome[]): Promise<void> {
    return this.notifications.send(events);
  }
}
