import { Inject, Injectable } from '@nestjs/common';
import { KeyedLimit, Limits, notFound } from '@app/platform';
import { Caller } from '@app/auth';
import { Callers } from '../callers';
import { THROTTLE_SETTINGS, ThrottleSettings } from '../config';
import { VpasRepository } from '../vpas.repository';
import { maskName } from './mask-name';

export interface VpaHolderView {
  vpa: string;
  name: string;
}

@Injectable()
export class LookupVpaService {
  private readonly lookups: KeyedLimit;

  constructor(
    private readonly callers: Callers,
    private readonly vpas: VpasRepository,
    limits: Limits,
    @Inject(THROTTLE_SETTINGS) settings: ThrottleSettings,
  ) {
    this.lookups = limits.define('vpa-lookups', {
      points: settings.lookupsPerWindow,
      durationS: settings.lookupWindowS,
      code: 'VPA.LOOKUPS_THROTTLED',
    });
  }

  /**
   * UPI's "validate address": whether a VPA is linked, with its holder's name masked. Every lookup
   * counts, found or not, so that nobody can enumerate addresses: beyond `lookupsPerWindow` in
   * `lookupWindowS` (counted in Redis, from the first) a user gets 429 until the window ends.
   */
  async lookup(caller: Caller, vpa: string): Promise<VpaHolderView> {
    const user = await this.callers.registered(caller);
    await this.lookups.consume(user.id);
    const name = await this.vpas.holderName(vpa);
    if (name === null) throw notFound('VPA.NOT_FOUND', `${vpa} is not linked to anyone`);
    return { vpa, name: maskName(name) };
  }
}
