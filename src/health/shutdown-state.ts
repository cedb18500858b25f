import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/** Set when SIGTERM arrives: readiness turns 503 so a load balancer stops sending traffic while requests drain. */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  draining = false;

  beforeApplicationShutdown(): void {
    this.draining = true;
  }
}
