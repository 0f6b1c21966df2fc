import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DomainEvent } from '@app/contracts';
import { RecordOperatorActionsService } from './record-operator-actions.service';

@Controller()
export class OperatorActionsController {
  constructor(private readonly actions: RecordOperatorActionsService) {}

  @EventPattern(['OperatorActed'], { batch: true })
  onActed(@Payload() events: Array<DomainEvent<'OperatorActed'>>): Promise<void> {
    return this.actions.recordAll(events);
  }
}
