# SPDX-License-Identifier: GPL-2.0
# fw-irqstorm.sh - the irqstorm payload: 2 vCPUs take their timers every
# 2 ms and chain SGIs to each other for 4 s, and count every interrupt.
# (kmod-stress.sh runs 4 of them at once on vmm.ko.)
# modes: vhe nvhe vhe-none nvhe-none
# timeout: 120
. /tests/lib.sh

run_payload irqstorm 14 -c 2 -m 64
