# SPDX-License-Identifier: GPL-2.0
# fw-mmio.sh - the mmio payload: loads and stores of every width completed by the vmm, sign and
# zero extension, and unbacked IPAs.
# timeout: 120
. /tests/lib.sh

run_payload mmio 25 --testdev -m 64
