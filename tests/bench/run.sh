# SPDX-License-Identifier: GPL-2.0
# run.sh - inside the test bed's L1: run the bench payload on each backend
# this boot offers and print "@@@ BENCH <backend> <mode> <name> <value>".
# vmm.ko wherever EL2 is free (the -none modes) and the host is VHE
[ -e /dev/kvm ] || insmod /vmm.ko 2>/dev/null
for backend in kvm vmm.ko; do
	case $backend in
	kvm) dev=/dev/kvm ;;
	vmm.ko) dev=/dev/vmm ;;
	esac
	[ -c $dev ] || continue
	vmm run --kvm-dev $dev -k /firmware/bench.img -c 2 -m 64 --testdev \
		< /dev/null > /tmp/bench.out 2>&1
	echo "@@@ BENCH-STATUS $backend $TB_MODE $?"
	tr -d '\r' < /tmp/bench.out | sed -n \
		"s/^bench: \([a-z_]*\) \([0-9.]*\) ns\/op.*/@@@ BENCH $backend $TB_MODE \1 \2/p"
done
