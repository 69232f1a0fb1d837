import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '../ports.js';

export class RandomIds implements IdGenerator {
  next(): string {
    return randomUUID();
  }
}
