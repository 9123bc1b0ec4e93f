# SPDX-License-Identifier: GPL-2.0
# host-mode.sh - the test bed's L1 host really runs in the mode it claims,
# so a test that passes in "nvhe" proves something about nVHE.
# modes: vhe nvhe vhe-none nvhe-none a72-none vhe-gicv2
# timeout: 20
. /tests/lib.sh

log=$(dmesg)
case $TB_MODE in
vhe|vhe-gicv2)
	want='kvm \[1\]: VHE mode initialized successfully' ;;
nvhe)	want='kvm \[1\]: Hyp mode initialized successfully' ;;
*-none)	want='kvm \[1\]: KVM disabled from command line' ;;
*)	fail "unknown test-bed mode '$TB_MODE'" ;;
esac
echo "$log" | grep -E "$want" || fail "L1 dmesg lacks /$want/"
case $TB_MODE in
*-none)	[ ! -e /dev/kvm ] || fail "/dev/kvm exists with KVM disabled" ;;
*)	[ -c /dev/kvm ] || fail "/dev/kvm is missing" ;;
esac
# a72-none: a CPU without VHE at all (Arm's part number 0xd08)
if [ "$TB_MODE" = a72-none ]; then
	grep -q '^CPU part.*0xd08' /proc/cpuinfo || fail "L1's CPU is not a Cortex-A72"
	echo "L1 runs on a Cortex-A72"
	# so vmm.ko's nVHE switch takes its speculative-AT path here
	echo "$log" | grep 'detected: ARM errata 1165522, 1319367, or 1530923' ||
		fail "the kernel did not detect the A72's speculative-AT erratum"
fi
