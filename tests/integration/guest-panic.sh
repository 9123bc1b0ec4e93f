# SPDX-License-Identifier: GPL-2.0
# guest-panic.sh - a guest kernel panic (panic=-1 resets) and a guest reboot
# end vmm with the reset status 3, distinct from a poweroff's 0.
# modes: vhe vhe-none
# timeout: 150
. /tests/lib.sh

vmm_run run -k $GUEST_KERNEL -i $GUEST_INITRD -c 1 -m 256 -p "quiet vmmtest=panic"
expect_output 'Kernel panic - not syncing: sysrq triggered crash' "the guest console"
expect_status 3 "vmm after a guest panic"

vmm_run run -k $GUEST_KERNEL -i $GUEST_INITRD -c 2 -m 256 -p "quiet vmmtest=reboot"
expect_output '^guest-init: rebooting$' "the guest console"
expect_status 3 "vmm after a guest reboot"
