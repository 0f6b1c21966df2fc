import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { vpa } from './vpa-param';

export const LinkVpaBody = z.object({ vpa }).strict();
export class LinkVpaDto extends createZodDto(LinkVpaBody) {}

export const VpaParam = z.object({ vpa }).strict();
export class VpaParamDto extends createZodDto(VpaParam) {}
