import { Inject, Injectable } from '@nestjs/common';
import { notFound, rateLimited } from '@app/platform';
import { Caller } from '@app/auth';
import { Callers } from '../callers';
import { THROTTLE_SETTINGS, ThrottleSettings } from '../config';
import { lookupKey } from '../throttles/throttle-keys';
import { ThrottlesRepository } from '../throttles/throttles.repository';
import { VpasRepository } from '../vpas.repository';
import { maskName } from './mask-name';

export interface VpaHolderView {
  vpa: string;
  name: string;
}

@Injectable()
export class LookupVpaService {
  constructor(
    private readonly callers: Callers,
    private readonly throttles: ThrottlesRepository,
    private readonly vpas: VpasRepository,
    @Inject(THROTTLE_SETTINGS) private readonly settings: ThrottleSettings,
  ) {}

  /**
   * UPI's "validate address": whether a VPA is linked, with its holder's name masked. Every lookup
   * counts, found or not, so that nobody can enumerate addresses: beyond `lookupsPerWindow` in
   * `lookupWindowS` a user gets 429 until the window ends.
   */
  async lookup(caller: Caller, vpa: string): Promise<VpaHolderView> {
    const user = await this.callers.registered(caller);
    const count = await this.throttles.hit(lookupKey(user.id), this.settings.lookupWindowS);
    if (count.hits > this.settings.lookupsPerWindow) {
      throw rateLimited('VPA.LOOKUPS_THROTTLED', `at most ${this.settings.lookupsPerWindow} address lookups a minute`, count.remainingS);
    }
    const name = await this.vpas.holderName(vpa);
    if (name === null) throw notFound('VPA.NOT_FOUND', `${vpa} is not linked to anyone`);
    return { vpa, name: maskName(name) };
  }
}
