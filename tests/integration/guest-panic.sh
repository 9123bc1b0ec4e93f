# SPDX-License-Identifier: GPL-2.0
# guest-panic.sh - a guest kernel panic (panic=-1: reset) and a guest reboot
# end vmm with the reset status 3, not the poweroff status 0.
# timeout: 150
. /tests/lib.sh

vmm_run run -k $GUEST_KERNEL -i $GUEST_INITRD -c 1 -m 256 -p "vmmtest=panic"
expect_output 'Kernel panic - not syncing' "the guest console"
expect_status 3 "vmm after a guest panic"
