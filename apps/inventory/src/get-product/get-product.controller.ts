import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SkuParamDto } from '../sku-param.dto';
import { GetProductService } from './get-product.service';

@ApiTags('inventory')
@Controller('v1/inventory/products')
export class GetProductController {
  constructor(private readonly products: GetProductService) {}

  /** A product's stock: on hand, reserved for pending payments, and available (the difference). Any signed-in user. */
  @Get(':sku')
  get(@Param() { sku }: SkuParamDto) {
    return this.products.get(sku);
  }
}
