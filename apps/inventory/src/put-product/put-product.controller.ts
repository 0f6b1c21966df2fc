import { Body, Controller, HttpStatus, Param, Put, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { OPERATOR, Roles } from '@app/auth';
import type { FastifyReply } from 'fastify';
import { SkuParamDto } from '../sku-param.dto';
import { PutProductBodyDto } from './put-product.dto';
import { PutProductService } from './put-product.service';

@ApiTags('inventory')
@Controller('v1/inventory/products')
export class PutProductController {
  constructor(private readonly products: PutProductService) {}

  /** Creates (201) or replaces (200) a product's name and on-hand stock. Operators only. */
  @Roles(OPERATOR)
  @Put(':sku')
  async put(@Param() { sku }: SkuParamDto, @Body() body: PutProductBodyDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { created, product } = await this.products.put(sku, body);
    reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return product;
  }
}
