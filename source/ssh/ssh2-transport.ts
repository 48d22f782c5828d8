// The transport's old address, kept so code written against it (branches merged after the split) still builds.
// The implementation is ssh2/transport.ts; import from there. This file imports no ssh2 itself.
export {createSsh2Transport, type Ssh2TransportOptions} from './ssh2/transport.js';
