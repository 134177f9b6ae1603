/**
 * Flags for the node process that runs the hub, as deployed (deploy/k8s/base/hub/deployment.yaml sets
 * them as NODE_OPTIONS; `fedomop demo` and bench/soak.ts start the hub with them; run `fedomop hub`
 * yourself with `NODE_OPTIONS=--max-semi-space-size=4`). V8 sizes its heap when the process starts,
 * so the hub cannot set them itself.
 *
 * `--max-semi-space-size=4` (MiB; V8's default on 64-bit is 16): the young generation of V8's heap
 * is two semi-spaces. Under load V8 grows them to their maximum whenever enough objects survive a
 * scavenge — in the hub, the state of queries waiting for a site slot and of open requests — and
 * gives the memory back in lulls. With the default the hub's RSS swung with the traffic by up to
 * 31 MiB (1 ↔ 32 MiB of young generation), the largest part of the soak's minute-to-minute noise, and
 * it started 10–12 MiB higher. The hub's whole live heap is ~25 MiB; its young objects are either
 * garbage within one request or query state that lives seconds and is promoted whatever the
 * semi-space size, so a smaller one costs more, shorter scavenges and not more promotion. Measured in
 * 200-s soaks (load ~9 on 2 cores): scavenges 23.7 → 17.5 ms mean, GC pauses 1.19 → 1.46 ms per
 * query, the hub's CPU per query not higher (14.4 → 7.6–11.1 ms) (docs/hardening.md).
 */
export const HUB_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
