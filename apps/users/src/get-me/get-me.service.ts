import { Injectable } from '@nestjs/common';
import { Caller } from '@app/auth';
import { Callers } from '../callers';
import { MeView, toMeView } from '../user.view';
import { VpasRepository } from '../vpas.repository';

@Injectable()
export class GetMeService {
  constructor(
    private readonly callers: Callers,
    private readonly vpas: VpasRepository,
  ) {}

  async get(caller: Caller): Promise<MeView> {
    const user = await this.callers.registered(caller);
    return toMeView(user, await this.vpas.linkedTo(user.id));
  }
}
