import { BaseRpcContext } from '@nestjs/microservices';
import { KafkaMessage } from 'kafkajs';

type KafkaEventContextArgs = [topic: string, partition: number, messages: KafkaMessage[]];

/**
 * What `@Ctx()` gives an event handler: where its events came from. A batch handler's messages
 * are those of the events it was given, in offset order; a handler of one event gets one.
 */
export class KafkaEventContext extends BaseRpcContext<KafkaEventContextArgs> {
  getTopic(): string {
    return this.args[0];
  }

  getPartition(): number {
    return this.args[1];
  }

  getMessages(): KafkaMessage[] {
    return this.args[2];
  }
}
