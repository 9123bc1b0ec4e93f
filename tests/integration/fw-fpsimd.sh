# SPDX-License-Identifier: GPL-2.0
# fw-fpsimd.sh - the fpsimd payload: FP/SIMD registers survive exits to the
# hypervisor and the vmm on 2 vCPUs.
# timeout: 180
. /tests/lib.sh

run_payload fpsimd 5 -c 2 -m 64
