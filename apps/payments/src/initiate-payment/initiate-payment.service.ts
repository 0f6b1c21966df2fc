import { HttpStatus, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Outbox, UnitOfWork } from '@app/messaging';
import { conflict, DomainError } from '@app/platform';
import { annotate, currentTraceIds } from '@app/telemetry';
import { Payment } from '../payment';
import { paymentInitiated } from '../payment-events';
import { PaymentTimelineRepository } from '../payment-timeline.repository';
import { PaymentView, toPaymentView } from '../payment.view';
import { PaymentsRepository } from '../payments.repository';
import { IDEMPOTENCY_KEY_HEADER, requestHash } from './idempotency-key';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { InitiatePaymentCommand } from './initiate-payment.dto';

export interface Initiated {
  payment: PaymentView;
  /** True when this is the answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

@Injectable()
export class InitiatePaymentService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly payments: PaymentsRepository,
    private readonly timeline: PaymentTimelineRepository,
    private readonly idempotencyKeys: IdempotencyKeysRepository,
  ) {}

  /**
   * Stores a PENDING payment, the first step of its timeline and its PaymentInitiated event in one
   * transaction: fraud and inventory take it from there. The payment keeps the id of the trace of
   * this request, which the whole payment continues (the outbox carries it on).
   *
   * With an Idempotency-Key (scoped to the payer), the same transaction first claims the key:
   * a retry of the same request gets the first answer again and creates nothing; a different
   * request with the key gets a 422. A concurrent request with the key waits for the first one's
   * transaction, then gets its answer.
   */
  async initiate(command: InitiatePaymentCommand, idempotencyKey?: string): Promise<Initiated> {
    const payment = newPayment(command);
    const answer = toPaymentView(payment);
    if (idempotencyKey === undefined) {
      await this.unitOfWork.runGrouped((tx) => this.create(tx, payment));
      return { payment: answer, replayed: false };
    }
    const hash = requestHash(command);
    const result = await this.unitOfWork.runGrouped(async (tx) => {
      const record = { payerVpa: payment.payerVpa, key: idempotencyKey, requestHash: hash, statusCode: HttpStatus.ACCEPTED };
      // Twice at most: the key can vanish between the two statements only if it was purged as expired.
      for (let attempt = 0; attempt < 2; attempt++) {
        if (await this.idempotencyKeys.claim(tx, { ...record, response: answer, paymentId: payment.id })) {
          await this.create(tx, payment);
          return { payment: answer, replayed: false };
        }
        const earlier = await this.idempotencyKeys.lock(tx, payment.payerVpa, idempotencyKey);
        if (!earlier) continue;
        if (earlier.requestHash !== hash) throw keyReused();
        return { payment: earlier.response, replayed: true };
      }
      throw conflict('IDEMPOTENCY_KEY.IN_PROGRESS', `${IDEMPOTENCY_KEY_HEADER} is being used by another request; retry`);
    });
    annotate({ 'payment.id': result.payment.id, 'idempotency.replayed': result.replayed });
    return result;
  }

  private async create(tx: EntityManager, payment: Payment): Promise<void> {
    annotate({ 'payment.id': payment.id });
    const initiated = paymentInitiated(payment);
    await this.payments.insert(tx, payment);
    await this.timeline.add(tx, [initiated]);
    await this.outbox.add(tx, [initiated]);
  }
}

function newPayment(command: InitiatePaymentCommand): Payment {
  const now = new Date();
  return {
    id: randomUUID(),
    status: 'PENDING',
    failureReason: null,
    payerVpa: command.payerVpa,
    payeeVpa: command.payeeVpa,
    amountPaise: command.amountPaise,
    currency: command.currency,
    note: command.note ?? null,
    items: command.items,
    stockStatus: command.items.length > 0 ? 'PENDING' : 'NOT_REQUIRED',
    fraud: null,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
    traceId: currentTraceIds()?.traceId ?? null,
  };
}

const keyReused = () =>
  new DomainError(
    'IDEMPOTENCY_KEY.REUSED',
    `${IDEMPOTENCY_KEY_HEADER} was already used by this payer for a different request; use a new key for a new payment`,
    'UNPROCESSABLE',
    { error: 'Unprocessable Entity' },
  );
