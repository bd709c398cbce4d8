#!/usr/bin/env node
import { main } from '../dist/aigis.js';

process.exitCode = await main(process.argv.slice(2));
