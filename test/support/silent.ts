import { Logger } from '@nestjs/common';

/** Nest's static Logger (used by services outside a Nest app in unit-level tests) stays quiet in tests. */
Logger.overrideLogger(false);
