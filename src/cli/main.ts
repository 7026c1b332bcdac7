// single-object-sync CLI entry point (filled in by the engine issue).
process.stderr.write('single-object-sync: not yet implemented\n');
process.exit(2);
