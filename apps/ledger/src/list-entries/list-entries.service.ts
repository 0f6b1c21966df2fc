import { Injectable } from '@nestjs/common';
import { Caller } from '@app/auth';
import { invalid } from '@app/platform';
import { AccountAccess } from '../account-access';
import { EntriesRepository } from '../entries.repository';
import { toEntryView } from '../entry';
import { ListEntriesQueryDto } from './list-entries.dto';

/** A cursor is the id of the last entry of the page before, opaque to clients. */
const encode = (id: string) => Buffer.from(JSON.stringify([id])).toString('base64url');

function decode(cursor: string): string {
  try {
    const [id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof id === 'string' && /^[1-9]\d{0,17}$/.test(id)) return id;
  } catch {
    // fall through
  }
  throw invalid('CURSOR.INVALID', 'cursor: not a cursor returned by this API', {
    errors: [{ field: 'cursor', message: 'not a cursor returned by this API' }],
  });
}

@Injectable()
export class ListEntriesService {
  constructor(
    private readonly access: AccountAccess,
    private readonly entries: EntriesRepository,
  ) {}

  /** The statement, newest first, keyset-paged on the entry id: pages neither skip nor repeat while entries are added. */
  async list(vpa: string, { limit, cursor }: ListEntriesQueryDto, caller: Caller) {
    const before = cursor ? decode(cursor) : undefined;
    await this.access.readable(vpa, caller);
    const rows = await this.entries.statement(vpa, before, limit + 1);
    const data = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? encode(data[data.length - 1].id) : null;
    return { data: data.map(toEntryView), nextCursor };
  }
}
