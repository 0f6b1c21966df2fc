import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment, IDeployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { IPodDisruptionBudget, PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, IConfigMap, IService, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { parseAllDocuments, parse } from 'yaml';
import {
  appNames,
  configProblems,
  consumptionOf,
  defaultPortOf,
  deployedApps,
  envNamesOf,
  GATEWAY_MERGED,
  healthPaths,
  PENDING_APPS,
  portOf,
  ROOT,
} from './support/apps-in-code';

/**
 * deploy/k8s cannot be applied here (no cluster), so it is checked statically: every document
 * against the Kubernetes and KEDA schemas (kubernetes-models), then against the code: one
 * Deployment and Service per app on the port the app listens on, probes on routes the health
 * controller serves, only variables the code reads, and per consumer a ScaledObject on the
 * consumer group and topics the messaging runtime really uses.
 */
const K8S = join(ROOT, 'deploy', 'k8s');
const SECRETS_EXAMPLE = 'secrets.example.yaml';
const CONFIG_MAP = 'upi-payments-config';

/** The apps; the gateway joins when it is merged (apps/gateway), until then it is in PENDING_APPS. */
const EXPECTED_APPS = ['analytics', 'disputes', 'fraud', 'inventory', 'ledger', 'notifications', 'payments', 'users'];
if (GATEWAY_MERGED) EXPECTED_APPS.push('gateway');
const UPSTREAMS = EXPECTED_APPS.filter((app) => app !== 'gateway').map((app) => `${app.toUpperCase()}_URLS`);
/**
 * Variables other branches add, accepted before the code reads them: TRUST_PROXY (every app's),
 * and the gateway's own (its Deployment's alone). Once the gateway is merged the code must read
 * each (test below), and these lists can go.
 */
const PENDING_SHARED = ['TRUST_PROXY'];
const PENDING_GATEWAY = ['GATEWAY_PORT', ...UPSTREAMS];
/** Read outside the config schemas: by the Dockerfile's CMD, and by the OpenTelemetry SDK. */
const READ_ELSEWHERE = (name: string) => name === 'SERVICE' || name.startsWith('OTEL_');

type Manifest = { apiVersion?: string; kind?: string; metadata?: { name?: string }; [key: string]: unknown };
type Model = new (data: never) => { validate(): void };
const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? yamlFiles(join(dir, entry.name)) : /\.ya?ml$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

const files = yamlFiles(K8S)
  .map((path) => relative(K8S, path))
  .filter((file) => file !== 'kustomization.yaml');
const documents = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(K8S, file), 'utf8')).map((document) => {
    if (document.errors.length) throw new Error(`${file}: ${document.errors.map(String).join('; ')}`);
    return { file, manifest: document.toJS() as Manifest };
  }),
);

/** What is wrong with a manifest as Kubernetes (or KEDA) would see it; [] when it is valid. */
function schemaProblems(manifest: Manifest): string[] {
  const model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!model) return [`${manifest.apiVersion}/${manifest.kind} is not a kind this test knows`];
  try {
    new model(manifest as never).validate();
    return [];
  } catch (error) {
    return [String((error as Error).message)];
  }
}

const applied = documents.filter((d) => d.file !== SECRETS_EXAMPLE).map((d) => d.manifest);
const ofKind = <T>(kind: string) => applied.filter((m) => m.kind === kind) as T[];
const named = <T>(kind: string, name: string) => ofKind<T & Manifest>(kind).find((m) => m.metadata?.name === name);
const configMap = named<IConfigMap>('ConfigMap', CONFIG_MAP)!;
const shared = configMap?.data ?? {};
const secrets = Object.fromEntries(
  documents
    .filter((d) => d.file === SECRETS_EXAMPLE)
    .map(({ manifest }) => [manifest.metadata!.name!, (manifest as { stringData?: Record<string, string> }).stringData ?? {}]),
);

const apps = deployedApps();
const inCode = (app: string) => !PENDING_APPS[app];
const portInCode = defaultPortOf;
const readable = (app: string) => new Set([...(inCode(app) ? envNamesOf(app) : PENDING_GATEWAY), ...PENDING_SHARED]);

/** The environment a Deployment's container gets: the ConfigMap, the (example) Secrets, its own env. */
function environmentOf(deployment: IDeployment): Record<string, string> {
  const container = deployment.spec!.template.spec!.containers[0];
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, named<IConfigMap>('ConfigMap', source.configMapRef.name!)?.data);
    if (source.secretRef) Object.assign(env, secrets[source.secretRef.name!]);
  }
  for (const { name, value } of container.env ?? []) env[name] = value ?? '';
  return env;
}

/** Where a Deployment disagrees with the app it runs. */
function deploymentProblems(app: string, deployment: IDeployment): string[] {
  const problems: string[] = [];
  const port = portInCode(app);
  const pod = deployment.spec!.template;
  const container = pod.spec!.containers.find((c) => c.name === app);
  if (!container) return [`${app}: no container named ${app}`];
  const env = environmentOf(deployment);
  if (env.SERVICE !== app) problems.push(`${app}: SERVICE is ${env.SERVICE}, the Dockerfile would start another app`);
  const ports = container.ports ?? [];
  if (ports.length !== 1 || ports[0].containerPort !== port || ports[0].name !== 'http')
    problems.push(`${app}: container ports ${JSON.stringify(ports)}, the app listens on ${port} (named http)`);
  if (inCode(app) && portOf(app, env) !== port) problems.push(`${app}: its environment moves it to port ${portOf(app, env)}`);
  if (pod.spec!.enableServiceLinks !== false)
    problems.push(`${app}: enableServiceLinks must be false (Kubernetes would set <SERVICE>_PORT=tcp://…)`);
  if (pod.metadata?.annotations?.['prometheus.io/port'] !== String(port))
    problems.push(`${app}: prometheus.io/port is ${pod.metadata?.annotations?.['prometheus.io/port']}, not ${port}`);
  const probes = { livenessProbe: '/health/live', readinessProbe: '/health/ready', startupProbe: undefined };
  for (const [kind, path] of Object.entries(probes)) {
    const probe = container[kind as keyof typeof probes]?.httpGet;
    if (!probe) {
      if (path) problems.push(`${app}: no ${kind}`);
      continue;
    }
    if (path && probe.path !== path) problems.push(`${app}: ${kind} on ${probe.path}, not ${path}`);
    if (!healthPaths().includes(String(probe.path)))
      problems.push(`${app}: ${kind} on ${probe.path}, which the health controller does not serve`);
    if (probe.port !== 'http' && probe.port !== port) problems.push(`${app}: ${kind} on port ${probe.port}, not ${port}`);
  }
  const { requests, limits } = container.resources ?? {};
  if (!requests?.cpu || !requests.memory || !limits?.memory) problems.push(`${app}: needs cpu and memory requests and a memory limit`);
  const refs = (container.envFrom ?? []).flatMap((source) => [
    ...(source.configMapRef ? [[source.configMapRef.name, !!named('ConfigMap', source.configMapRef.name!)] as const] : []),
    ...(source.secretRef ? [[source.secretRef.name, !!secrets[source.secretRef.name!]] as const] : []),
  ]);
  for (const [name, found] of refs) if (!found) problems.push(`${app}: envFrom ${name}, which deploy/k8s does not define`);
  const unread = (container.env ?? []).map(({ name }) => name).filter((name) => !readable(app).has(name) && !READ_ELSEWHERE(name));
  if (unread.length) problems.push(`${app}: sets ${unread.join(', ')}, which its code does not read`);
  if (inCode(app))
    problems.push(...configProblems(app, env).map((problem) => `${app}: its config schema refuses this environment: ${problem}`));
  return problems;
}

/** Where a Service does not lead to its app's pods and port. */
function serviceProblems(app: string, service: IService | undefined, deployment: IDeployment): string[] {
  if (!service) return [`${app}: no Service`];
  const labels = deployment.spec!.template.metadata?.labels ?? {};
  const selector = service.spec?.selector ?? {};
  const problems = Object.entries(selector)
    .filter(([key, value]) => labels[key] !== value)
    .map(([key]) => `${app}: Service selects ${key}, which its pods lack`);
  if (!Object.keys(selector).length) problems.push(`${app}: the Service selects nothing`);
  const ports = service.spec?.ports ?? [];
  if (ports.length !== 1 || ports[0].port !== portInCode(app) || ports[0].targetPort !== 'http')
    problems.push(`${app}: Service ports ${JSON.stringify(ports)}, not ${portInCode(app)} → http`);
  return problems;
}

interface KafkaTrigger {
  type: string;
  metadata: Record<string, string>;
}
type Scaled = Manifest & {
  spec: { scaleTargetRef: { name: string }; minReplicaCount?: number; maxReplicaCount?: number; triggers: KafkaTrigger[] };
};

/** Where a ScaledObject scales on another group, other topics, or past the partitions. */
function scaledObjectProblems(app: string, scaled: Scaled | undefined, deployment: IDeployment): string[] {
  const consumption = inCode(app) ? consumptionOf(app, environmentOf(deployment)) : undefined;
  if (!consumption) return scaled ? [`${app}: consumes nothing, yet has a ScaledObject`] : [];
  if (!scaled) return [`${app}: consumes ${consumption.topics.join(', ')} as ${consumption.groupId}, but has no ScaledObject`];
  const problems: string[] = [];
  const { spec } = scaled;
  if (spec.scaleTargetRef.name !== app) problems.push(`${app}: the ScaledObject scales ${spec.scaleTargetRef.name}`);
  const partitions = Number(shared.KAFKA_PARTITIONS ?? 6);
  if (!(Number(spec.minReplicaCount) >= 1)) problems.push(`${app}: minReplicaCount must be at least 1`);
  if (!(Number(spec.maxReplicaCount) <= partitions)) problems.push(`${app}: maxReplicaCount above the ${partitions} partitions`);
  for (const trigger of spec.triggers) {
    const { bootstrapServers, consumerGroup, topic, lagThreshold } = trigger.metadata;
    if (trigger.type !== 'kafka') problems.push(`${app}: a ${trigger.type} trigger`);
    if (consumerGroup !== consumption.groupId)
      problems.push(`${app}: consumerGroup ${consumerGroup}, the code joins ${consumption.groupId}`);
    if (bootstrapServers !== shared.KAFKA_BROKERS) problems.push(`${app}: bootstrapServers ${bootstrapServers}, not KAFKA_BROKERS`);
    if (!/^\d+$/.test(lagThreshold ?? '')) problems.push(`${app}: lagThreshold ${lagThreshold}`);
    if (!consumption.topics.includes(topic)) problems.push(`${app}: a trigger on ${topic}, which the group does not read`);
  }
  const missing = consumption.topics.filter((topic) => !spec.triggers.some((t) => t.metadata.topic === topic));
  if (missing.length) problems.push(`${app}: no trigger on ${missing.join(', ')}`);
  return problems;
}

const deployments = ofKind<IDeployment & Manifest>('Deployment');
const deploymentOf = (app: string) => deployments.find((d) => d.metadata?.name === app)!;
const scaledOf = (app: string) => named<Scaled>('ScaledObject', app);
const problemsOf = (app: string) => [
  ...deploymentProblems(app, deploymentOf(app)),
  ...serviceProblems(app, named<IService>('Service', app), deploymentOf(app)),
  ...scaledObjectProblems(app, scaledOf(app), deploymentOf(app)),
];

describe('deploy/k8s', () => {
  it('is read: a Deployment per app, the ConfigMap, the example Secrets', () => {
    expect(deployments.length).toBeGreaterThan(0);
    expect(Object.keys(shared)).toContain('KAFKA_BROKERS');
    expect(Object.keys(secrets).sort()).toEqual(['upi-payments-database', 'upi-payments-signing-key']);
  });

  it.each(documents.map(({ file, manifest }) => [`${file} ${manifest.kind}/${manifest.metadata?.name}`, manifest]))(
    '%s is valid against its Kubernetes or KEDA schema',
    (_, manifest) => expect(schemaProblems(manifest)).toEqual([]),
  );

  it('would be rejected by the schemas if it were malformed, or of an unknown kind (the validation bites)', () => {
    const broken = structuredClone(deploymentOf('payments'));
    (broken.spec!.template.spec!.containers[0].ports![0] as { containerPort: unknown }).containerPort = 'http';
    expect(schemaProblems(broken)).toEqual([expect.stringContaining('containerPort must be integer')]);
    const scaled = structuredClone(scaledOf('payments')!);
    (scaled.spec.triggers[0].metadata as Record<string, unknown>).lagThreshold = 200;
    expect(schemaProblems(scaled)).toEqual([expect.stringContaining('lagThreshold must be string')]);
    expect(schemaProblems({ apiVersion: 'v1', kind: 'Pod' })).toEqual(['v1/Pod is not a kind this test knows']);
  });

  it('knows the apps: those in apps/ (the gateway once merged), and those still on their way', () => {
    expect(appNames()).toEqual([...EXPECTED_APPS].sort());
    expect(apps).toEqual([...EXPECTED_APPS, 'gateway'].filter((a, i, all) => all.indexOf(a) === i).sort());
  });

  it('runs every app, and nothing else', () => {
    expect(deployments.map((d) => d.metadata!.name).sort()).toEqual(apps);
    expect(
      ofKind<Manifest>('Service')
        .map((s) => s.metadata!.name)
        .sort(),
    ).toEqual(apps);
  });

  it.each(apps)('%s: its Deployment, Service and scaling agree with the code', (app) => {
    expect(problemsOf(app)).toEqual([]);
  });

  it('reports a Deployment, Service or ScaledObject that disagrees with the code (the checks bite)', () => {
    const deployment = structuredClone(deploymentOf('fraud'));
    const container = deployment.spec!.template.spec!.containers[0];
    container.ports![0].containerPort = 3999;
    container.readinessProbe!.httpGet!.path = '/healthz';
    container.env!.push({ name: 'FRAUD_VELOCITY_LIMT', value: '10' }, { name: 'GATEWAY_PORT', value: '8080' });
    deployment.spec!.template.spec!.enableServiceLinks = true;
    expect(deploymentProblems('fraud', deployment)).toEqual([
      expect.stringContaining('the app listens on 3001'),
      expect.stringContaining('enableServiceLinks'),
      'fraud: readinessProbe on /healthz, not /health/ready',
      'fraud: readinessProbe on /healthz, which the health controller does not serve',
      'fraud: sets FRAUD_VELOCITY_LIMT, GATEWAY_PORT, which its code does not read',
    ]);
    const service = structuredClone(named<IService>('Service', 'fraud')!);
    service.spec!.ports![0].port = 3002;
    expect(serviceProblems('fraud', service, deploymentOf('fraud'))).toEqual([expect.stringContaining('not 3001')]);
    const scaled = structuredClone(scaledOf('fraud')!);
    scaled.spec.maxReplicaCount = 12;
    scaled.spec.triggers[0].metadata.consumerGroup = 'fraud-service';
    scaled.spec.triggers.pop();
    expect(scaledObjectProblems('fraud', scaled, deploymentOf('fraud'))).toEqual([
      'fraud: maxReplicaCount above the 6 partitions',
      'fraud: consumerGroup fraud-service, the code joins fraud',
      'fraud: no trigger on users.user-events',
    ]);
    expect(scaledObjectProblems('fraud', undefined, deploymentOf('fraud'))).toEqual([expect.stringContaining('has no ScaledObject')]);
  });

  it.each(apps)('%s: a drain takes its pods one at a time (PodDisruptionBudget)', (app) => {
    const budget = named<IPodDisruptionBudget>('PodDisruptionBudget', app);
    expect(budget?.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: deploymentOf(app).spec!.selector.matchLabels } });
  });

  it('scales the gateway, which consumes nothing, on CPU', () => {
    expect(named('ScaledObject', 'gateway')).toBeUndefined();
    expect(named('HorizontalPodAutoscaler', 'gateway')).toMatchObject({
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'gateway' } },
    });
  });

  it("sends the gateway's upstreams to the services' Services and ports", () => {
    const env = environmentOf(deploymentOf('gateway'));
    const upstreams = UPSTREAMS.map((name) => [name, new URL(env[name] ?? 'http://missing')] as const);
    expect(upstreams.map(([name, url]) => [name, url.hostname, Number(url.port)])).toEqual(
      UPSTREAMS.map((name) => {
        const app = name.replace(/_URLS$/, '').toLowerCase();
        return [name, app, named<IService>('Service', app)?.spec?.ports?.[0].port];
      }),
    );
  });

  it('shares only settings some app reads', () => {
    const all = new Set(apps.flatMap((app) => [...readable(app)]));
    expect(Object.keys(shared).filter((name) => !all.has(name) && !READ_ELSEWHERE(name))).toEqual([]);
  });

  it('once the gateway is merged, reads every variable it set aside as pending', () => {
    const read = new Set(appNames().flatMap(envNamesOf));
    const unread = [...PENDING_SHARED, ...PENDING_GATEWAY].filter((name) => !read.has(name));
    expect(GATEWAY_MERGED ? unread : []).toEqual([]);
  });

  it('keeps secrets out of the ConfigMap, and only placeholders in the example Secrets', () => {
    expect(Object.keys(shared).filter((name) => /DATABASE_URL|PRIVATE_KEY|PASSWORD|SECRET/.test(name))).toEqual([]);
    for (const values of Object.values(secrets)) for (const value of Object.values(values)) expect(value).toContain('CHANGE-ME');
  });

  it('applies every manifest but the example Secrets (kustomization.yaml)', () => {
    const kustomization = parse(readFileSync(join(K8S, 'kustomization.yaml'), 'utf8')) as { resources: string[]; namespace: string };
    expect([...kustomization.resources].sort()).toEqual(files.filter((file) => file !== SECRETS_EXAMPLE).sort());
    expect(named('Namespace', kustomization.namespace)).toBeDefined();
  });
});
