// Loaded first by main.ts: telemetry must start before Nest, pg and http are loaded.
import { startTelemetry } from '@app/telemetry';

startTelemetry('disputes');
