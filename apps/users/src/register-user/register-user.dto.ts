import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { name, password, phone } from '../user-rules';

export const RegisterUserBody = z
  .object({
    name: name.describe('1-100 characters'),
    phone: phone.describe('+91 and 10 digits, the first 6-9'),
    password: password.describe('12-128 characters'),
  })
  .strict();

export class RegisterUserDto extends createZodDto(RegisterUserBody) {}
