import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { notFound } from '@app/platform';
import { Product, ProductView, toProductView } from '../product.entity';

@Injectable()
export class GetProductService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(sku: string): Promise<ProductView> {
    const product = await this.dataSource.getRepository(Product).findOneBy({ sku });
    if (!product) throw notFound('PRODUCT.NOT_FOUND', `no product with sku ${sku}`);
    return toProductView(product);
  }
}
