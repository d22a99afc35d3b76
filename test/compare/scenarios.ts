// Three equal upstreams, one ten times slower than the others for the whole run: a brownout.
export const BROWNOUT = `
name: brownout
seed: 7
duration: 20s
upstreams:
  - { name: a, capacity: 64, latency: { p50: 50ms, p99: 200ms } }
  - { name: b, capacity: 64, latency: { p50: 50ms, p99: 200ms } }
  - { name: slow, capacity: 64, latency: { p50: 500ms, p99: 2s } }
balancer:
  retry: { attempts: 2 }
load: { arrival: poisson, rate: 100/s }
`;
