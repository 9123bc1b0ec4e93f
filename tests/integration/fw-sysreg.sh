# SPDX-License-Identifier: GPL-2.0
# fw-sysreg.sh - the sysreg payload: ID registers, MPIDR, UNDEF for EL2 and trapped registers, the counter.
# timeout: 120
. /tests/lib.sh

run_payload sysreg 14 -c 1 -m 64
