// The probe that tells whether the local broker is ready: its encoding and decoding on bytes
// written here by hand from the protocol's layout, and the probe against fake brokers on real
// sockets (answering right, answering garbage, never answering).

import net from 'node:net';
import {
  API_METADATA,
  API_VERSIONS,
  brokerAnswers,
  decodeResponse,
  encodeMetadataRequest,
  encodeRequest,
  metadataVersion,
  parseApiVersions,
  parseMetadata,
  probeKafka,
} from './kafka-protocol.mjs';

const int16 = (n) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const string = (s) => (s === null ? int16(-1) : Buffer.concat([int16(Buffer.byteLength(s)), Buffer.from(s)]));

/** A response frame: size, correlation id (response header v0), body. */
const responseFrame = (correlationId, body) => Buffer.concat([int32(4 + body.length), int32(correlationId), body]);

/** An ApiVersions v0 response body. */
const apiVersionsBody = (apis, errorCode = 0) =>
  Buffer.concat([
    int16(errorCode),
    int32(apis.length),
    ...apis.map(([key, min, max]) => Buffer.concat([int16(key), int16(min), int16(max)])),
  ]);

/** A Metadata v4..v8 response body with no topics. */
const metadataBody = ({ brokers, clusterId = 'cluster-1', controllerId = 1 }) =>
  Buffer.concat([
    int32(0), // throttle_time_ms
    int32(brokers.length),
    ...brokers.map((b) => Buffer.concat([int32(b.nodeId), string(b.host), int32(b.port), string(b.rack ?? null)])),
    string(clusterId),
    int32(controllerId),
    int32(0), // topics
  ]);

describe('encodeRequest', () => {
  it('frames the request: size, api key, version, correlation id, client id, then the body', () => {
    const frame = encodeRequest(API_METADATA, 5, Buffer.from([0xab, 0xcd]), 42);
    const clientId = 'kafka.mjs-probe';
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    expect(frame.readInt16BE(4)).toBe(3);
    expect(frame.readInt16BE(6)).toBe(5);
    expect(frame.readInt32BE(8)).toBe(42);
    expect(frame.readInt16BE(12)).toBe(clientId.length);
    expect(frame.toString('utf8', 14, 14 + clientId.length)).toBe(clientId);
    expect([...frame.subarray(14 + clientId.length)]).toEqual([0xab, 0xcd]);
  });
});

describe('decodeResponse', () => {
  const whole = responseFrame(7, Buffer.from('body'));

  it('returns the body after the correlation id once the frame is complete', () => {
    expect(decodeResponse(whole)?.toString()).toBe('body');
    expect(decodeResponse(Buffer.concat([whole, Buffer.from('next frame')]))?.toString()).toBe('body');
  });

  it('waits while the frame is incomplete', () => {
    for (const length of [0, 3, 4, whole.length - 1]) expect(decodeResponse(whole.subarray(0, length))).toBeUndefined();
  });

  it('refuses an answer to another request', () => {
    expect(() => decodeResponse(responseFrame(8, Buffer.alloc(0)))).toThrow('bad correlation id');
  });

  it('refuses sizes no Kafka answer has: too small for a header, negative, or huge (e.g. an HTTP reply)', () => {
    expect(() => decodeResponse(Buffer.from([0, 0, 0, 1, 0xff]))).toThrow('bad response size 1');
    expect(() => decodeResponse(int32(-1))).toThrow('bad response size -1');
    expect(() => decodeResponse(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toThrow(/bad response size \d+/);
  });
});

describe('ApiVersions', () => {
  it('lists the API ranges of the answer', () => {
    expect(
      parseApiVersions(
        apiVersionsBody([
          [API_METADATA, 0, 12],
          [API_VERSIONS, 0, 3],
        ]),
      ),
    ).toEqual([
      { apiKey: API_METADATA, minVersion: 0, maxVersion: 12 },
      { apiKey: API_VERSIONS, minVersion: 0, maxVersion: 3 },
    ]);
  });

  it('throws on an error code', () => {
    expect(() => parseApiVersions(apiVersionsBody([], 35))).toThrow('ApiVersions error 35');
  });

  it('throws on a truncated answer', () => {
    const body = apiVersionsBody([[API_METADATA, 0, 12]]);
    for (const length of [1, 5, 9]) expect(() => parseApiVersions(body.subarray(0, length))).toThrow('truncated ApiVersions answer');
  });
});

describe('metadataVersion', () => {
  const ranges = (min, max) => [
    { apiKey: API_VERSIONS, minVersion: 0, maxVersion: 3 },
    { apiKey: API_METADATA, minVersion: min, maxVersion: max },
  ];

  it('asks in the lowest version the broker supports from v4 on', () => {
    expect(metadataVersion(ranges(0, 12))).toBe(4);
    expect(metadataVersion(ranges(6, 12))).toBe(6);
    expect(metadataVersion(ranges(8, 8))).toBe(8);
  });

  it('gives up when no version between v4 and v8 is supported, or no Metadata at all', () => {
    expect(() => metadataVersion(ranges(0, 3))).toThrow('no usable Metadata version in 0,3');
    expect(() => metadataVersion(ranges(9, 13))).toThrow('no usable Metadata version in 9,13');
    expect(() => metadataVersion(ranges(0, 12).slice(0, 1))).toThrow('broker does not support Metadata');
  });
});

describe('Metadata', () => {
  it('asks for no topics, without creating any (v8: two more booleans, false)', () => {
    expect([...encodeMetadataRequest(4)]).toEqual([0, 0, 0, 0, 0]);
    expect([...encodeMetadataRequest(7)]).toEqual([0, 0, 0, 0, 0]);
    expect([...encodeMetadataRequest(8)]).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('reads the brokers, with or without a rack, the cluster id and the controller', () => {
    const body = metadataBody({
      brokers: [
        { nodeId: 1, host: '127.0.0.1', port: 9092 },
        { nodeId: 2, host: 'kafka-2', port: 9093, rack: 'rack-b' },
      ],
      clusterId: 'abc',
      controllerId: 2,
    });
    expect(parseMetadata(body)).toEqual({
      brokers: [
        { nodeId: 1, host: '127.0.0.1', port: 9092 },
        { nodeId: 2, host: 'kafka-2', port: 9093 },
      ],
      clusterId: 'abc',
      controllerId: 2,
    });
  });

  it('reads a null cluster id', () => {
    expect(parseMetadata(metadataBody({ brokers: [], clusterId: null, controllerId: -1 }))).toEqual({
      brokers: [],
      clusterId: null,
      controllerId: -1,
    });
  });

  it('throws on a truncated answer', () => {
    const body = metadataBody({ brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }] });
    for (const length of [3, 10, 20, body.length - 5])
      expect(() => parseMetadata(body.subarray(0, length))).toThrow('truncated Metadata answer');
  });
});

/**
 * A fake broker on a free port: it reads request frames and hands each, decoded here by hand, to
 * `answer(request, socket)`. `requests` is what it received.
 */
async function fakeBroker(answer) {
  const requests = [];
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0));
        buf = buf.subarray(4 + frame.length);
        const clientIdLength = frame.readInt16BE(8);
        const request = {
          apiKey: frame.readInt16BE(0),
          apiVersion: frame.readInt16BE(2),
          correlationId: frame.readInt32BE(4),
          clientId: frame.toString('utf8', 10, 10 + clientIdLength),
          body: [...frame.subarray(10 + clientIdLength)],
        };
        requests.push(request);
        answer(request, socket);
      }
    });
  });
  await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address();
  return { port, requests, close: () => new Promise((closed) => server.close(closed)) };
}

/** Answers like a single-node broker whose metadata lists `listed` (its own port unless told). */
const likeABroker = (listed) => (request, socket) => {
  const body =
    request.apiKey === API_VERSIONS
      ? apiVersionsBody([
          [0, 0, 11],
          [API_METADATA, 0, 12],
          [API_VERSIONS, 0, 4],
        ])
      : metadataBody({ brokers: [{ nodeId: 1, host: '127.0.0.1', port: listed ?? socket.localPort }], clusterId: 'fake' });
  socket.write(responseFrame(request.correlationId, body));
};

describe('probeKafka against a fake broker', () => {
  let broker;
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
  });

  it('is ok when the broker answers and lists itself', async () => {
    broker = await fakeBroker(likeABroker());
    await expect(probeKafka(broker.port)).resolves.toEqual({
      ok: true,
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: broker.port }],
      clusterId: 'fake',
      controllerId: 1,
    });
    expect(broker.requests).toEqual([
      { apiKey: API_VERSIONS, apiVersion: 0, correlationId: 7, clientId: 'kafka.mjs-probe', body: [] },
      { apiKey: API_METADATA, apiVersion: 4, correlationId: 7, clientId: 'kafka.mjs-probe', body: [0, 0, 0, 0, 0] },
    ]);
    await expect(brokerAnswers(broker.port)).resolves.toBe(true);
  });

  it('is not ok when the broker does not list itself (not registered yet, or fenced)', async () => {
    broker = await fakeBroker(likeABroker(1));
    await expect(probeKafka(broker.port)).resolves.toMatchObject({ ok: false, brokers: [{ port: 1 }] });
    await expect(brokerAnswers(broker.port)).resolves.toBe(false);
  });

  it('reads an answer that arrives in pieces', async () => {
    const answer = likeABroker();
    broker = await fakeBroker((request, socket) =>
      answer(request, { localPort: socket.localPort, write: (frame) => splitWrite(socket, frame) }),
    );
    await expect(probeKafka(broker.port)).resolves.toMatchObject({ ok: true });
  });

  it('rejects an answer that is not Kafka, at once', async () => {
    broker = await fakeBroker((request, socket) => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await expect(probeKafka(broker.port, { timeoutMs: 60_000 })).rejects.toThrow(/bad response size/);
    await expect(brokerAnswers(broker.port)).resolves.toBe(false);
  });

  it('rejects a frame too short to be an answer', async () => {
    broker = await fakeBroker((request, socket) => socket.write(Buffer.from([0, 0, 0, 1, 0xff])));
    await expect(probeKafka(broker.port, { timeoutMs: 60_000 })).rejects.toThrow('bad response size 1');
  });

  it('rejects an answer to another request', async () => {
    broker = await fakeBroker((request, socket) => socket.write(responseFrame(request.correlationId + 1, Buffer.alloc(8))));
    await expect(probeKafka(broker.port, { timeoutMs: 60_000 })).rejects.toThrow('bad correlation id');
  });

  it('rejects a well-framed answer whose body is garbage', async () => {
    broker = await fakeBroker((request, socket) => socket.write(responseFrame(request.correlationId, Buffer.from([0, 0, 0xff]))));
    await expect(probeKafka(broker.port, { timeoutMs: 60_000 })).rejects.toThrow('truncated ApiVersions answer');
  });

  it('rejects when the broker closes the connection without answering', async () => {
    broker = await fakeBroker((request, socket) => socket.end());
    await expect(probeKafka(broker.port, { timeoutMs: 60_000 })).rejects.toThrow('connection closed');
  });

  it('gives up on a broker that never answers', async () => {
    broker = await fakeBroker(() => {});
    await expect(probeKafka(broker.port, { timeoutMs: 50 })).rejects.toThrow('timeout');
    expect(broker.requests).toHaveLength(1); // it did receive the request
  });

  it('rejects when nothing listens', async () => {
    broker = await fakeBroker(() => {});
    const { port } = broker;
    await broker.close();
    broker = undefined;
    await expect(probeKafka(port)).rejects.toThrow(/ECONNREFUSED/);
    await expect(brokerAnswers(port)).resolves.toBe(false);
  });
});

/** Writes `frame` in two writes, the second once the first has been flushed. */
function splitWrite(socket, frame) {
  socket.setNoDelay(true);
  const half = Math.floor(frame.length / 2);
  socket.write(frame.subarray(0, half), () => socket.write(frame.subarray(half)));
}
