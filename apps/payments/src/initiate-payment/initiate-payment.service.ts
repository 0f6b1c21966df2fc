import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { Caller } from '@app/auth';
import { BatchWork, bindEventContext, ItemResult, Outbox, UnitOfWork } from '@app/messaging';
import { conflict, DomainError, forbidden, KeyedLimit, Limits } from '@app/platform';
import { annotate, context, currentTraceHeaders, currentTraceIds } from '@app/telemetry';
import { INTAKE_SETTINGS, IntakeSettings } from '../config';
import { Payment } from '../payment';
import { paymentInitiated } from '../payment-events';
import { PaymentMetrics } from '../payment-metrics';
import { PaymentTimelineRepository } from '../payment-timeline.repository';
import { PaymentView, toPaymentView } from '../payment.view';
import { PaymentsRepository } from '../payments.repository';
import { VpaHoldersRepository } from '../vpa-holders.repository';
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
  /** The payment to store; its payee's user is filled in once the batch knows who holds the payee VPA. */
  payment: Payment;
  /** The request's context: the payment's PaymentInitiated continues its trace. */
  context: Context;
  /** The payer's Idempotency-Key, with the answer to replay for it. */
  key?: IdempotencyRecord;
}

/**
 * CREATED: the payment was stored; KEY_USED: the payer's key was used before (or by another
 * request of the batch); a DomainError: the request was refused (not the payer's VPA, an unknown
 * payee), but it has a key, and a key used before is answered first.
 */
type IntakeOutcome = 'CREATED' | 'KEY_USED' | DomainError;

@Injectable()
export class InitiatePaymentService {
  /** A user's payment initiations a minute, shared by the instances. */
  private readonly initiations: KeyedLimit;

  constructor(
    @Inject(INTAKE_SETTINGS) settings: IntakeSettings,
    limits: Limits,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly payments: PaymentsRepository,
    private readonly timeline: PaymentTimelineRepository,
    private readonly idempotencyKeys: IdempotencyKeysRepository,
    private readonly vpaHolders: VpaHoldersRepository,
    private readonly metrics: PaymentMetrics,
  ) {
    this.initiations = limits.define('payments-per-user', {
      points: settings.paymentsPerUserPerMin,
      durationS: 60,
      code: 'PAYMENT.RATE_LIMITED',
    });
  }

  /**
   * Stores a PENDING payment, the first step of its timeline and its PaymentInitiated event in one
   * transaction: fraud and inventory take it from there. The payment keeps the id of the trace of
   * this request, which the whole payment continues (the outbox carries it on). Concurrent requests
   * are stored together (group commit, multi-row statements); each is answered after the commit.
   *
   * The payer VPA must be held by the caller (else 403 VPA.NOT_OWNED) and the payee VPA by someone
   * (else 422 PAYEE.UNKNOWN), as this service knows them from the users service's events; the
   * payment keeps both users. Nothing is stored for a refused request.
   *
   * With an Idempotency-Key (scoped to the payer's user), the same transaction first claims the key:
   * a retry of the same request gets the first answer again and creates nothing (even should the
   * VPA have been unlinked since: the payment was made); a different request with the key gets a
   * 422. A concurrent request with the key waits for the first one's transaction, then gets its answer.
   *
   * Every request counts towards the caller's RATE_LIMIT_PAYMENTS_PER_MIN (a retry too); beyond it,
   * 429 PAYMENT.RATE_LIMITED with Retry-After, and nothing is looked at or stored.
   */
  async initiate(command: InitiatePaymentCommand, caller: Caller, idempotencyKey?: string): Promise<Initiated> {
    await this.initiations.consume(caller.userId);
    const payment = newPayment(command, caller.userId);
    const answer = toPaymentView(payment);
    annotate({ 'payment.id': payment.id });
    const key =
      idempotencyKey === undefined
        ? undefined
        : {
            payerUserId: caller.userId,
            payerVpa: payment.payerVpa,
            key: idempotencyKey,
            requestHash: requestHash(command),
            statusCode: HttpStatus.ACCEPTED,
            response: answer,
            paymentId: payment.id,
          };
    const intake: Intake = { payment, context: context.active(), key };
    const outcome = await this.unitOfWork.runBatched(this.store, intake);
    // Both answer after the commit: a payment counts once it is stored.
    if (outcome === 'CREATED') {
      this.metrics.initiated();
      return { payment: answer, replayed: false };
    }
    const result = await this.unitOfWork.runGrouped(() =>
      this.replay(intake as Required<Intake>, outcome === 'KEY_USED' ? undefined : outcome),
    );
    if (!result.replayed) this.metrics.initiated();
    annotate({ 'payment.id': result.payment.id, 'idempotency.replayed': result.replayed });
    return result;
  }

  /**
   * Looks up the holders of the batch's VPAs (one statement), claims the keys of the requests it may
   * accept, then stores the payments whose key was free (or that have none).
   */
  private readonly store: BatchWork<Intake, IntakeOutcome> = async (intakes) => {
    const holders = await this.vpaHolders.holdersOf(intakes.flatMap((i) => [i.payment.payerVpa, i.payment.payeeVpa]));
    const refusals = new Map<Intake, DomainError>();
    for (const intake of intakes) {
      const refusal = refusalOf(intake.payment, holders);
      if (refusal) refusals.set(intake, refusal);
      else intake.payment.payeeUserId = holders.get(intake.payment.payeeVpa)!;
    }
    const acceptable = intakes.filter((i) => !refusals.has(i));
    const keys = new Set<string>();
    const firstWithKey = acceptable.filter((i) => i.key && !keys.has(keyOf(i.key)) && keys.add(keyOf(i.key)));
    const claimed = await this.idempotencyKeys.claim(firstWithKey.map((i) => i.key!));
    const isFresh = (i: Intake) => !i.key || claimed.has(i.payment.id);
    await this.create(acceptable.filter(isFresh));
    return intakes.map((i): ItemResult<IntakeOutcome> => {
      const refusal = refusals.get(i);
      if (refusal) return i.key ? { ok: true, value: refusal } : { ok: false, error: refusal };
      return { ok: true, value: isFresh(i) ? 'CREATED' : 'KEY_USED' };
    });
  };

  /**
   * The payer's user used the key before: the first answer again, or 422 for a different request.
   * Otherwise (the key was purged meanwhile, or the request was refused and its key never used) the
   * refusal, or the payment is created now.
   */
  private async replay(intake: Required<Intake>, refusal?: DomainError): Promise<Initiated> {
    const { key } = intake;
    // Twice at most: the key can vanish between the two statements only if it was purged as expired.
    for (let attempt = 0; attempt < 2; attempt++) {
      const earlier = await this.idempotencyKeys.lock(key.payerUserId, key.key);
      if (earlier) {
        if (earlier.requestHash !== key.requestHash) throw keyReused();
        return { payment: earlier.response, replayed: true };
      }
      if (refusal) throw refusal;
      if ((await this.idempotencyKeys.claim([key])).size === 1) {
        await this.create([intake]);
        return { payment: key.response, replayed: false };
      }
    }
    throw conflict('IDEMPOTENCY_KEY.IN_PROGRESS', `${IDEMPOTENCY_KEY_HEADER} is being used by another request; retry`);
  }

  private async create(intakes: Intake[]): Promise<void> {
    if (intakes.length === 0) return;
    const events = intakes.map((i) => {
      const initiated = paymentInitiated(i.payment);
      bindEventContext(initiated, i.context); // its outbox row continues the request's trace
      return initiated;
    });
    await this.payments.insert(intakes.map((i) => i.payment));
    await this.timeline.add(events);
    await this.outbox.add(events, events);
  }
}

const keyOf = (record: IdempotencyRecord) => `${record.payerUserId} ${record.key}`;

/** Why a payment may not be made: the payer VPA is not the caller's, or nobody holds the payee VPA. */
function refusalOf(payment: Payment, holders: Map<string, string>): DomainError | null {
  if (holders.get(payment.payerVpa) !== payment.payerUserId) return vpaNotOwned(payment.payerVpa);
  if (!holders.has(payment.payeeVpa)) return payeeUnknown(payment.payeeVpa);
  return null;
}

function newPayment(command: InitiatePaymentCommand, payerUserId: string): Payment {
  const now = new Date();
  return {
    id: randomUUID(),
    status: 'PENDING',
    failureReason: null,
    payerVpa: command.payerVpa,
    payeeVpa: command.payeeVpa,
    payerUserId,
    payeeUserId: null,
    amountPaise: command.amountPaise,
    currency: command.currency,
    note: command.note ?? null,
    items: command.items,
    stockStatus: command.items.length > 0 ? 'PENDING' : 'NOT_REQUIRED',
    fundsStatus: 'PENDING',
    fraud: null,
    refundsCommittedPaise: 0,
    refundedPaise: 0,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
    traceId: currentTraceIds()?.traceId ?? null,
    traceParent: currentTraceHeaders().traceparent ?? null,
  };
}

export const vpaNotOwned = (vpa: string) =>
  forbidden(
    'VPA.NOT_OWNED',
    `payerVpa ${vpa} is not one of your linked VPAs: pay only from a VPA of yours (one linked a moment ago may not be known here yet: retry shortly)`,
  );

export const payeeUnknown = (vpa: string) =>
  new DomainError(
    'PAYEE.UNKNOWN',
    `payeeVpa ${vpa} is not linked to anyone; a VPA linked a moment ago may not be known here yet: retry shortly`,
    'UNPROCESSABLE',
    { error: 'Unprocessable Entity' },
  );

const keyReused = () =>
  new DomainError(
    'IDEMPOTENCY_KEY.REUSED',
    `${IDEMPOTENCY_KEY_HEADER} was already used by this payer for a different request; use a new key for a new payment`,
    'UNPROCESSABLE',
    { error: 'Unprocessable Entity' },
  );
