# SPDX-License-Identifier: GPL-2.0
# fw-gic.sh - the gic payload: SGIs between vCPUs, an SPI from the vmm's test
# device, priority masking and order, EOI.
# modes: vhe nvhe vhe-none nvhe-none a72-none
# timeout: 120
. /tests/lib.sh

run_payload gic 12 -c 2 -m 64 --testdev
