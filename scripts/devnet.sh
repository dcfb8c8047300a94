#!/usr/bin/env bash
# devnet.sh: will start the whole system on local chains (anvil L1 and L2, contracts,
# aggregator, operators with simulated provers). The contracts, their deployment
# (scripts/deploy-contracts.sh) and the C library are ready; the daemons are not built
# yet, so for now this says so and fails instead of pretending.
echo "make devnet: not available yet." >&2
echo "Ready: contracts and their deployment (scripts/deploy-contracts.sh --sim-ca DIR)," >&2
echo "the C library (BLS, DCAP, chain I/O, AVS calldata) and the mpavs CLI." >&2
echo "Missing: the mpavs-aggregator, mpavs-operator and mpavs-prover daemons and the" >&2
echo "L2/sequencer loop that this target will start." >&2
exit 1
