import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createService, ServiceDefinition } from '@app/platform';

export interface RunningService {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/** Boots a service in this process on a free port, against the real broker and database. */
export async function startServiceApp(definition: ServiceDefinition): Promise<RunningService> {
  const app = await createService(definition);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}
