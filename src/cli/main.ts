#!/usr/bin/env node
import { Command } from 'commander';

const program = new Command('weir')
  .description('Load balancing as a service behind an OpenStack Octavia v2 API')
  .version('0.1.0');

await program.parseAsync(process.argv);
