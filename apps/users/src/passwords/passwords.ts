import { randomBytes } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { PASSWORD_PARAMS } from '../config';
import { hashPassword, ScryptParams, verifyPassword } from './password-hasher';

/** Passwords as the use cases see them: hashed with the configured cost, verified in constant time. */
@Injectable()
export class Passwords implements OnModuleInit {
  /** Verified against when a phone belongs to nobody, so that answer takes as long as a wrong password. */
  private decoy = '';

  constructor(@Inject(PASSWORD_PARAMS) private readonly params: ScryptParams) {}

  async onModuleInit(): Promise<void> {
    this.decoy = await hashPassword(randomBytes(16).toString('hex'), this.params);
  }

  hash(password: string): Promise<string> {
    return hashPassword(password, this.params);
  }

  /** Whether `password` matches `stored`; with no stored hash, false, after the same work. */
  async verify(password: string, stored: string | null): Promise<boolean> {
    const matches = await verifyPassword(password, stored ?? this.decoy);
    return stored !== null && matches;
  }
}
