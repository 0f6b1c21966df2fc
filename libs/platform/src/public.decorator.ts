import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC = 'auth:public';

/**
 * Marks a route (or a controller) that anyone may call without a token. Every other route needs
 * one: the guard of `@app/auth` refuses it otherwise. The OpenAPI document shows the route with
 * no security requirement (see `documentApi`).
 */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension('x-public', true));
