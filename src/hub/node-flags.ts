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
 * semi-space size, so a smaller one means more scavenges, not more promotion. Two 10-minute soaks
 * (docs/hardening.md, "Memory under a soak"): with the default, RSS second → last minute 1.27 (young
 * generation 10 → 24 MiB); with this flag 1.07 (5–7 MiB throughout). The cost: 585 instead of 347
 * scavenges, GC pauses 1.30 instead of 0.77 ms per query (wall clock at load 7–8), the hub's CPU per
 * query the same (8.3 vs 8.4 ms).
 */
export const HUB_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
