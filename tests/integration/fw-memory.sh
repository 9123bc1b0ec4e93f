# SPDX-License-Identifier: GPL-2.0
# fw-memory.sh - the memory payload: every free byte of guest RAM written and read back.
# timeout: 120
. /tests/lib.sh

run_payload memory 4 -m 128
