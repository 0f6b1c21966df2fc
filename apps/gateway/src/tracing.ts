// Loaded first by main.ts: telemetry must start before Nest and http are loaded.
import { startTelemetry } from '@app/telemetry';

startTelemetry('gateway');
