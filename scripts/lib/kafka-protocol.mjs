// Just enough of the Kafka wire protocol to tell whether a broker is really up, without a client
// library (these scripts run before `npm install`): ApiVersions v0, then Metadata v4..v8 for no
// topics, which lists the brokers that are registered and unfenced. The encoding and decoding
// below are pure functions; only kafkaRequest and probeKafka open a socket.

import net from 'node:net';
import { HOST } from './ports.mjs';

export const API_METADATA = 3;
export const API_VERSIONS = 18;
const CLIENT_ID = 'kafka.mjs-probe';
const CORRELATION_ID = 7;
/** Far above any answer the probe asks for; a larger size means the peer does not speak Kafka. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// encoding and decoding
// ---------------------------------------------------------------------------------------------

/** A request frame: its size, request header v1 (api key, version, correlation id, client id), body. */
export function encodeRequest(apiKey, apiVersion, body, correlationId = CORRELATION_ID) {
  const clientId = Buffer.from(CLIENT_ID);
  const header = Buffer.alloc(10 + clientId.length);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  clientId.copy(header, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + body.length);
  return Buffer.concat([size, header, body]);
}

/**
 * The body of the response frame at the start of `buf` (the bytes received so far), or undefined
 * while the frame is incomplete. Throws if it cannot be the answer to request `correlationId`.
 */
export function decodeResponse(buf, correlationId = CORRELATION_ID) {
  if (buf.length < 4) return undefined;
  const size = buf.readInt32BE(0);
  if (size < 4 || size > MAX_RESPONSE_BYTES) throw new Error(`bad response size ${size}`);
  if (buf.length < 4 + size) return undefined;
  if (buf.readInt32BE(4) !== correlationId) throw new Error('bad correlation id');
  return buf.subarray(8, 4 + size); // response header v0 = correlation id only
}

/** Reads big-endian fields one after another from `buf`; throws `truncated <what>` past its end. */
function fields(buf, what) {
  let o = 0;
  const take = (n) => {
    if (n < 0 || o + n > buf.length) throw new Error(`truncated ${what}`);
    o += n;
    return o - n;
  };
  return {
    int16: () => buf.readInt16BE(take(2)),
    int32: () => buf.readInt32BE(take(4)),
    /** A nullable string: int16 length (-1 = null), then UTF-8 bytes. */
    string: () => {
      const length = buf.readInt16BE(take(2));
      return length < 0 ? null : buf.toString('utf8', take(length), o);
    },
  };
}

/** An ApiVersions v0 answer: `[{ apiKey, minVersion, maxVersion }]`. Throws on an error code. */
export function parseApiVersions(body) {
  const read = fields(body, 'ApiVersions answer');
  const err = read.int16();
  if (err !== 0) throw new Error(`ApiVersions error ${err}`);
  const apis = [];
  for (let i = 0, n = read.int32(); i < n; i++) {
    apis.push({ apiKey: read.int16(), minVersion: read.int16(), maxVersion: read.int16() });
  }
  return apis;
}

/** The Metadata version to ask in: the broker's lowest from v4 on, up to v8 (what parseMetadata reads). */
export function metadataVersion(apis) {
  const metadata = apis.findLast((api) => api.apiKey === API_METADATA);
  if (!metadata) throw new Error('broker does not support Metadata');
  const version = Math.max(4, metadata.minVersion);
  if (version > 8 || version > metadata.maxVersion) {
    throw new Error(`no usable Metadata version in ${[metadata.minVersion, metadata.maxVersion]}`);
  }
  return version;
}

/** A Metadata v4..v8 request body: topics = [] (none), allow_auto_topic_creation = false (v8: 2 more booleans). */
export function encodeMetadataRequest(version) {
  const body = Buffer.alloc(version >= 8 ? 7 : 5);
  body.writeInt32BE(0, 0);
  return body;
}

/** A Metadata v4..v8 answer, up to the controller id: `{ brokers: [{ nodeId, host, port }], clusterId, controllerId }`. */
export function parseMetadata(body) {
  const read = fields(body, 'Metadata answer');
  read.int32(); // throttle_time_ms
  const brokers = [];
  for (let i = 0, n = read.int32(); i < n; i++) {
    const nodeId = read.int32();
    const host = read.string();
    const port = read.int32();
    read.string(); // rack
    brokers.push({ nodeId, host, port });
  }
  const clusterId = read.string();
  const controllerId = read.int32();
  return { brokers, clusterId, controllerId };
}

// ---------------------------------------------------------------------------------------------
// over a socket
// ---------------------------------------------------------------------------------------------

/** Sends one request on a new connection; resolves to the response body. */
export function kafkaRequest(port, apiKey, apiVersion, body, { host = HOST, timeoutMs = 3000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const socket = net.connect({ port, host });
    let buf = Buffer.alloc(0);
    const done = (err, res) => {
      socket.destroy();
      clearTimeout(timer);
      if (err) reject(err);
      else resolvePromise(res);
    };
    const timer = setTimeout(() => done(new Error('timeout')), timeoutMs);
    socket.on('error', (err) => done(err));
    socket.on('close', () => done(new Error('connection closed')));
    socket.on('connect', () => socket.write(encodeRequest(apiKey, apiVersion, body)));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        const response = decodeResponse(buf);
        if (response) done(null, response);
      } catch (err) {
        done(err);
      }
    });
  });
}

/**
 * Asks the broker on `port` for its ApiVersions and Metadata. Resolves to
 * `{ ok, brokers: [{nodeId, host, port}], controllerId, clusterId }`; ok = this broker is listed
 * (i.e. registered and unfenced) in its own metadata. Rejects if it does not answer, or not in Kafka.
 */
export async function probeKafka(port, { host = HOST, timeoutMs = 3000 } = {}) {
  const apis = parseApiVersions(await kafkaRequest(port, API_VERSIONS, 0, Buffer.alloc(0), { host, timeoutMs }));
  const version = metadataVersion(apis);
  const metadata = parseMetadata(await kafkaRequest(port, API_METADATA, version, encodeMetadataRequest(version), { host, timeoutMs }));
  return { ok: metadata.brokers.some((b) => b.port === port), ...metadata };
}

/** True if the broker on `port` answers and lists itself. */
export async function brokerAnswers(port) {
  try {
    return (await probeKafka(port, { timeoutMs: 2000 })).ok;
  } catch {
    return false;
  }
}
