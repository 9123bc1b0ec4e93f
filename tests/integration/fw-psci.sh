# SPDX-License-Identifier: GPL-2.0
# fw-psci.sh - the psci payload: PSCI through the hypervisor: VERSION, FEATURES, CPU_ON with a context id,
# AFFINITY_INFO, CPU_OFF and error codes, on 4 vCPUs; and the Spectre
# workarounds SMCCC_ARCH_FEATURES offers, as the host kernel's state says.
# modes: vhe nvhe vhe-none nvhe-none
# timeout: 120
. /tests/lib.sh

run_payload psci 24 -c 4 -m 64
expect_spectre_answers
