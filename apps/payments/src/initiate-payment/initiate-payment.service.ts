import { HttpStatus, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainEvent } from '@app/contracts';
import { BatchWork, bindEventContext, Outbox, UnitOfWork } from '@app/messaging';
import { conflict, DomainError } from '@app/platform';
import { annotate, context, currentTraceHeaders, currentTraceIds } from '@app/telemetry';
import { Payment } from '../payment';
import { paymentInitiated } from '../payment-events';
import { PaymentTimelineRepository } from '../payment-timeline.repository';
import { PaymentView, toPaymentView } from '../payment.view';
import { PaymentsRepository } from '../payments.repository';
import { IDEMPOTENCY_KEY_HEADER, requestHash } from './idempotency-key';
import { IdempotencyKeysRepository, IdempotencyRecord } from './idempotency-keys.repository';
import { InitiatePaymentCommand } from './initiate-payment.dto';

export interface Initiated {
  payment: PaymentView;
  /** True when this is the answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

/** One request to initiate a payment, as the intake batch sees it. */
interface Intake {
  payment: Payment;
  initiated: DomainEvent<'PaymentInitiated'>;
  /** The payer's Idempotency-Key, with the answer to replay for it. */
  key?: IdempotencyRecord;
}

/** CREATED: the payment was stored; KEY_USED: the payer's key was used before (or by another request of the batch). */
type IntakeOutcome = 'CREATED' | 'KEY_USED';

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
   * this request, which the whole payment continues (the outbox carries it on). Concurrent requests
   * are stored together (group commit, multi-row statements); each is answered after the commit.
   *
   * With an Idempotency-Key (scoped to the payer), the same transaction first claims the key:
   * a retry of the same request gets the first answer again and creates nothing; a different
   * request with the key gets a 422. A concurrent request with the key waits for the first one's
   * transaction, then gets its answer.
   */
  async initiate(command: InitiatePaymentCommand, idempotencyKey?: string): Promise<Initiated> {
    const payment = newPayment(command);
    const answer = toPaymentView(payment);
    annotate({ 'payment.id': payment.id });
    const initiated = paymentInitiated(payment);
    bindEventContext(initiated, context.active()); // its outbox row continues this request's trace
    const key =
      idempotencyKey === undefined
        ? undefined
        : {
            payerVpa: payment.payerVpa,
            key: idempotencyKey,
            requestHash: requestHash(command),
            statusCode: HttpStatus.ACCEPTED,
            response: answer,
            paymentId: payment.id,
          };
    if ((await this.unitOfWork.runBatched(this.store, { payment, initiated, key })) === 'CREATED') {
      return { payment: answer, replayed: false };
    }
    const result = await this.unitOfWork.runGrouped(() => this.replay({ payment, initiated, key: key! }));
    annotate({ 'payment.id': result.payment.id, 'idempotency.replayed': result.replayed });
    return result;
  }

  /** Claims the keys of a batch of requests, then stores the payments whose key was free (or that have none). */
  private readonly store: BatchWork<Intake, IntakeOutcome> = async (intakes) => {
    const keys = new Set<string>();
    const firstWithKey = intakes.filter((i) => i.key && !keys.has(keyOf(i.key)) && keys.add(keyOf(i.key)));
    const claimed = await this.idempotencyKeys.claim(firstWithKey.map((i) => i.key!));
    const isFresh = (i: Intake) => !i.key || claimed.has(i.payment.id);
    await this.create(intakes.filter(isFresh));
    return intakes.map((i) => ({ ok: true, value: isFresh(i) ? 'CREATED' : 'KEY_USED' }));
  };

  /** The payer used the key before: the first answer again, or 422 for a different request. */
  private async replay(intake: Required<Intake>): Promise<Initiated> {
    const { key } = intake;
    // Twice at most: the key can vanish between the two statements only if it was purged as expired.
    for (let attempt = 0; attempt < 2; attempt++) {
      const earlier = await this.idempotencyKeys.lock(key.payerVpa, key.key);
      if (earlier) {
        if (earlier.requestHash !== key.requestHash) throw keyReused();
        return { payment: earlier.response, replayed: true };
      }
      if ((await this.idempotencyKeys.claim([key])).size === 1) {
        await this.create([intake]);
        return { payment: key.response, replayed: false };
      }
    }
    throw conflict('IDEMPOTENCY_KEY.IN_PROGRESS', `${IDEMPOTENCY_KEY_HEADER} is being used by another request; retry`);
  }

  private async create(intakes: Intake[]): Promise<void> {
    if (intakes.length === 0) return;
    const events = intakes.map((i) => i.initiated);
    await this.payments.insert(intakes.map((i) => i.payment));
    await this.timeline.add(events);
    await this.outbox.add(events, events);
  }
}

const keyOf = (record: IdempotencyRecord) => `${record.payerVpa} ${record.key}`;

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
    traceParent: currentTraceHeaders().traceparent ?? null,
  };
}

const keyReused = () =>
  new DomainError(
    'IDEMPOTENCY_KEY.REUSED',
    `${IDEMPOTENCY_KEY_HEADER} was already used by this payer for a different request; use a new key for a new payment`,
    'UNPROCESSABLE',
    { error: 'Unprocessable Entity' },
  );
