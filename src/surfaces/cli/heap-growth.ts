// How far the batch CLI lets V8's old space grow between full garbage collections. By default
// V8 lets it reach up to four times what survived the last one. A batch keeps little from one
// object to the next (about 40 MB over 5,000 users) but allocates about 650 KB per object, so
// most of its peak resident memory was garbage waiting to be collected. Twice what survived
// keeps that peak at 234-240 MB instead of 326 MB for the same objects/s (bench:batch, 5,000
// Samba users); 1.5 times gave 205 MB for 2-4% fewer objects/s. The flag is read by every
// collection, so it takes effect when set at the start of a batch, in this process and in its
// worker threads (V8 flags are per process). Only the CLI sets it: the VS Code extension
// host is shared with other extensions, and its flags are not ours to change.
import { setFlagsFromString } from 'node:v8';

export const BATCH_HEAP_GROWING_PERCENT = 100;

export function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${BATCH_HEAP_GROWING_PERCENT}`);
}
