import process from 'node:process';

// React and Ink pick their builds from NODE_ENV when first loaded, and unset means development: owner stacks
// captured for every element, a performance mark kept for every render, and the checks that go with them.
// Measured on the 5,000-node app bench, that build alone held hundreds of MB and slowed every frame. The one-file
// build (scripts/bundle.mjs) fixes it at build time; this is the same for dist/. Imported first by cli.ts, so it
// runs before any module that loads React; NODE_ENV=development still gives the development build.
process.env['NODE_ENV'] ??= 'production';
