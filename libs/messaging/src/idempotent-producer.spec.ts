import { Logger } from '@nestjs/common';
import { Kafka, Producer, TopicMessages } from 'kafkajs';
import { IdempotentProducer } from './idempotent-producer';

/** A stand-in for kafkajs: records which producer sent what, and fails the sends it is told to. */
function fakeKafka(failures: number[]) {
  const producers: Array<{ id: number; sent: TopicMessages[][]; connects: number; disconnects: number }> = [];
  let sends = 0;
  const kafka = {
    producer: () => {
      const record = { id: producers.length, sent: [] as TopicMessages[][], connects: 0, disconnects: 0 };
      producers.push(record);
      return {
        connect: () => Promise.resolve(void (record.connects += 1)),
        disconnect: () => Promise.resolve(void (record.disconnects += 1)),
        sendBatch: ({ topicMessages }: { topicMessages: TopicMessages[] }) => {
          sends += 1;
          if (failures.includes(sends)) return Promise.reject(new Error('The broker received an out of order sequence number'));
          record.sent.push(topicMessages);
          return Promise.resolve([]);
        },
      } as unknown as Producer;
    },
  } as unknown as Kafka;
  return { kafka, producers };
}

const batch = (value: string): TopicMessages[] => [{ topic: 't', messages: [{ key: 'k', value }] }];
const logger = new Logger('test');

describe('IdempotentProducer', () => {
  it('sends every batch with one producer while nothing fails', async () => {
    const { kafka, producers } = fakeKafka([]);
    const producer = new IdempotentProducer(kafka, logger);
    await producer.sendBatch(batch('a'));
    await producer.sendBatch(batch('b'));
    expect(producers).toHaveLength(1);
    expect(producers[0].connects).toBe(1);
    expect(producers[0].sent.map(([topic]) => topic.messages[0].value)).toEqual(['a', 'b']);
  });

  it('throws a failed send and sends the next one with a new producer, disconnecting the failed one', async () => {
    const { kafka, producers } = fakeKafka([2]);
    const producer = new IdempotentProducer(kafka, logger);
    await producer.sendBatch(batch('a'));
    await expect(producer.sendBatch(batch('b'))).rejects.toThrow('out of order sequence');
    await producer.sendBatch(batch('b'));
    expect(producers).toHaveLength(2);
    expect(producers[0].disconnects).toBe(1);
    expect(producers[1].connects).toBe(1);
    expect(producers[1].sent.map(([topic]) => topic.messages[0].value)).toEqual(['b']);
  });
});
