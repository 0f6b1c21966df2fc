import { Injectable } from '@nestjs/common';
import { notFound } from '@app/platform';
import { ProductView, toProductView } from '../product';
import { ProductsRepository } from '../products.repository';

@Injectable()
export class GetProductService {
  constructor(private readonly products: ProductsRepository) {}

  async get(sku: string): Promise<ProductView> {
    const product = await this.products.find(sku);
    if (!product) throw notFound('PRODUCT.NOT_FOUND', `no product with sku ${sku}`);
    return toProductView(product);
  }
}
