# SPDX-License-Identifier: GPL-2.0
# fw-timer.sh - the timer payload: the virtual timer interrupt through the
# GIC at the expected time, WFI wake-up, TVAL, a timer per vCPU; the
# physical timer interrupt.
# modes: vhe nvhe vhe-none nvhe-none a72-none
# timeout: 120
. /tests/lib.sh

run_payload timer 14 -c 2 -m 64
